import { Type, type Static } from '@sinclair/typebox';

/** VC-API workflows and exchanges (the Learner Credential Wallet's protocol): src/services/exchanges.ts. */

export const WorkflowParams = Type.Object({ workflowId: Type.String({ maxLength: 64, description: 'The workflow: "claim" (take a claim into a wallet)' }) });
export const ExchangeParams = Type.Object({
  workflowId: Type.String({ maxLength: 64 }),
  exchangeId: Type.String({ maxLength: 64, description: 'The exchange id (random; the capability the wallet is given)' }),
});
export const BareExchangeParams = Type.Object({ exchangeId: Type.String({ maxLength: 64 }) });

export const CreateExchangeBodySchema = Type.Object({
  ttl: Type.Optional(Type.Integer({ description: 'Seconds the exchange lives: 60 to 604,800 (default 1,800)' })),
  variables: Type.Optional(Type.Object({
    claimToken: Type.Optional(Type.String({ maxLength: 200, description: "The claim link's token: anyone holding the link may make an exchange for it" })),
    credentialId: Type.Optional(Type.String({ maxLength: 64, description: 'An issued credential (its id in this API): members who may issue for its organisation' })),
  }, { additionalProperties: false })),
}, { additionalProperties: false });
export type CreateExchangeBody = Static<typeof CreateExchangeBodySchema>;

export const ExchangeSchema = Type.Object({
  exchangeId: Type.String(),
  workflowId: Type.String(),
  exchangeUrl: Type.String({ description: 'Where the wallet posts (protocols.vcapi)' }),
  state: Type.Union([Type.Literal('pending'), Type.Literal('active'), Type.Literal('complete'), Type.Literal('invalid')]),
  expires: Type.String({ format: 'date-time' }),
  protocols: Type.Object({ vcapi: Type.String() }),
  credentialRequestOrigin: Type.String(),
  lcwRequestUrl: Type.String({ description: 'The Learner Credential Wallet deep link: https://lcw.app/request?request={credentialRequestOrigin, protocols.vcapi}' }),
});
export type VcApiExchange = Static<typeof ExchangeSchema>;

export const ParticipateBodySchema = Type.Object({
  verifiablePresentation: Type.Optional(Type.Unknown({ description: 'The DID Authentication: a presentation signed (proof purpose authentication) for the challenge and domain asked, by a key of its holder' })),
}, { additionalProperties: true, description: 'Empty to start (the answer asks for DID Authentication); then the signed presentation' });

export const ParticipateResultSchema = Type.Union([
  Type.Object({
    verifiablePresentationRequest: Type.Object({
      query: Type.Array(Type.Object({}, { additionalProperties: true })),
      challenge: Type.String(),
      domain: Type.String(),
      interact: Type.Object({ service: Type.Array(Type.Object({ type: Type.String(), serviceEndpoint: Type.String() })) }),
    }),
  }),
  Type.Object({ verifiablePresentation: Type.Object({}, { additionalProperties: true, description: 'An unsigned presentation holding the credential bound to the holder' }) }),
]);
