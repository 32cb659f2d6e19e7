import { Type, type Static } from '@sinclair/typebox';
import { Id, RefTo } from './common.ts';

/** Largest credential the wallet imports (src/services/wallet/ingest.ts MAX_IMPORT_BYTES; test/meta/contract.test.ts keeps them equal). */
export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
const MAX_IMPORT_BYTES = IMPORT_MAX_BYTES;

export const WalletStatusSchema = Type.Union([Type.Literal('verified'), Type.Literal('revoked'), Type.Literal('suspended'), Type.Literal('expired'), Type.Literal('invalid'), Type.Literal('unknown')], {
  description: 'Outcome of the last verification: verified, revoked, suspended, expired, invalid (signature or structure failed) or unknown (status could not be read)',
});
export const OfferStatusSchema = Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('suspended')]);

export const WalletItemSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  issuerName: Type.Optional(Type.String()),
  issuerId: Type.Optional(Type.String()),
  image: Type.Optional(Type.String({ description: 'URL or data: URL of the badge image' })),
  issuedAt: Type.Optional(Type.String()),
  validUntil: Type.Optional(Type.String()),
  ects: Type.Optional(Type.Number({ description: 'ECTS credits' })),
  eqfLevel: Type.Optional(Type.Integer()),
  field: Type.Optional(Type.String()),
  skills: Type.Array(Type.Object({ uri: Type.Optional(Type.String()), label: Type.String() })),
  status: WalletStatusSchema,
  standard: Type.String(),
  format: Type.String(),
  source: Type.Union([Type.Literal('claim'), Type.Literal('upload'), Type.Literal('paste'), Type.Literal('url'), Type.Literal('ob-api'), Type.Literal('openid4vci')]),
  verifiedAt: Type.String(),
  addedAt: Type.String(),
}, { $id: 'WalletItem' });
export const WalletItemRef = RefTo(WalletItemSchema);

export const WalletCheckSchema = Type.Object({
  check: Type.String(),
  outcome: Type.Union([Type.Literal('passed'), Type.Literal('failed'), Type.Literal('warning'), Type.Literal('skipped')]),
  message: Type.String({ description: 'The outcome in plain words' }),
});

/** One labelled fact of what a credential certifies (src/vc/certifies.ts CertifiedFact). */
export const CertifiedFactSchema = Type.Object({
  key: Type.String({ description: 'A stable name of the fact (e.g. assessmentType), not shown' }),
  label: Type.String({ description: 'The label in plain words, after the EU Annex I element names' }),
  values: Type.Array(Type.Object({
    text: Type.String(),
    href: Type.Optional(Type.String({ description: 'An http(s) link of the value' })),
    date: Type.Optional(Type.Literal(true, { description: 'The text is an ISO 8601 date-time' })),
  })),
  list: Type.Optional(Type.Literal(true, { description: 'Several statements, shown as a list' })),
});
export const TechnicalFactSchema = Type.Object({ label: Type.String(), value: Type.String() });

export const WalletItemDetailSchema = Type.Object({
  item: WalletItemRef,
  verified: Type.Boolean(),
  checks: Type.Array(WalletCheckSchema),
  display: Type.Optional(Type.Unknown({ description: 'The display model of the credential (achievement, issuer, results, evidence…)' })),
  certifies: Type.Array(CertifiedFactSchema, { description: 'What the credential certifies, in plain words: the facts the public page and the PDF certificate show too' }),
  technical: Type.Array(TechnicalFactSchema, { description: 'Identifiers, proof suites, keys and media types (shown under "Technical details")' }),
  originalType: Type.String({ description: 'Media type of the original as received' }),
  sourceUrl: Type.Optional(Type.String()),
  issuedCredentialId: Type.Optional(Type.String()),
});

export const ImportResultSchema = Type.Object({
  item: WalletItemRef,
  duplicate: Type.Boolean({ description: 'The wallet held it already (same credential id or proof): nothing was stored' }),
});

export const WalletListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Words to find in the name, description, issuer or skills' })),
  issuer: Type.Optional(Type.String({ maxLength: 2000, description: 'An issuer `value` from /api/v1/wallet/facets' })),
  skill: Type.Optional(Type.String({ maxLength: 2000, description: 'A skill `value` from /api/v1/wallet/facets' })),
  minEcts: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
  eqf: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
  from: Type.Optional(Type.String({ maxLength: 40, description: 'Issued on or after (ISO 8601)' })),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'Issued on or before (ISO 8601; a date includes its day)' })),
  status: Type.Optional(WalletStatusSchema),
  sort: Type.Optional(Type.Union([Type.Literal('added'), Type.Literal('issued'), Type.Literal('name')], { description: 'added (newest first, default), issued (newest first) or name (A→Z)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  cursor: Type.Optional(Type.String({ maxLength: 2000 })),
}, { additionalProperties: false });

export const FacetsSchema = Type.Object({
  issuers: Type.Array(Type.Object({ value: Type.String(), name: Type.String(), count: Type.Integer() })),
  skills: Type.Array(Type.Object({ value: Type.String(), label: Type.String(), count: Type.Integer() })),
  levels: Type.Array(Type.Object({ eqf: Type.Integer(), count: Type.Integer() })),
  statuses: Type.Array(Type.Object({ status: WalletStatusSchema, count: Type.Integer() })),
  fields: Type.Array(Type.Object({ field: Type.String(), count: Type.Integer() })),
});

export const TotalsSchema = Type.Object({
  credentials: Type.Integer({ description: 'Verified credentials' }),
  ects: Type.Number({ description: 'ECTS credits of verified credentials, a stacked credential counted once (not on top of the credentials it was built from)' }),
  byField: Type.Array(Type.Object({ field: Type.Union([Type.String(), Type.Null()]), ects: Type.Number(), credentials: Type.Integer() })),
  byLevel: Type.Array(Type.Object({ eqf: Type.Union([Type.Integer(), Type.Null()]), ects: Type.Number(), credentials: Type.Integer() })),
  inStacked: Type.Integer({ description: 'Verified credentials whose credits are not added because a stacked credential in the wallet, built from them, counts them' }),
});

export const ImportBodySchema = Type.Union([
  Type.Object({ text: Type.String({ minLength: 1, maxLength: MAX_IMPORT_BYTES, description: 'Pasted credential: JSON, a VC-JWT, or SVG' }) }, { additionalProperties: false }),
  Type.Object({ url: Type.String({ minLength: 1, maxLength: 2000, description: 'A public http(s) address of a credential (or a microcred share page)' }) }, { additionalProperties: false }),
]);

export const OfferSchema = Type.Object({
  credentialId: Type.String(), achievementName: Type.String(), issuerName: Type.String(), issuedAt: Type.String(), status: OfferStatusSchema,
});

export const ClaimPreviewSchema = Type.Object({
  achievementName: Type.String(), issuerName: Type.String(), issuedAt: Type.String(),
  claimed: Type.Boolean({ description: 'Someone already claimed it' }), status: OfferStatusSchema,
  walletItemId: Type.Optional(Type.String({ description: "The wallet item that holds it, when the signed-in user holds it; absent for anyone else" })),
});

export const CollectionSummarySchema = Type.Object({
  id: Type.String(), name: Type.String(), description: Type.Optional(Type.String()), count: Type.Integer(), createdAt: Type.String(), updatedAt: Type.String(),
});
export const CollectionViewSchema = Type.Object({
  id: Type.String(), name: Type.String(), description: Type.Optional(Type.String()), count: Type.Integer(), createdAt: Type.String(), updatedAt: Type.String(),
  items: Type.Array(WalletItemRef, { description: 'In the learner\'s order' }),
});
const CredentialIds = Type.Array(Id, { maxItems: 500, description: 'Wallet credential ids in order (replaces the list)' });
export const CollectionCreateSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  credentialIds: Type.Optional(CredentialIds),
}, { additionalProperties: false });
export const CollectionUpdateSchema = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  credentialIds: Type.Optional(CredentialIds),
}, { additionalProperties: false });

export const WalletItemParams = Type.Object({ id: Id });
export const ClaimTokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });
export const WalletPageSchema = Type.Object({ items: Type.Array(WalletItemRef), total: Type.Integer({ description: 'Matches on all pages' }), nextCursor: Type.Optional(Type.String()) });
export const OfferParams = Type.Object({ credentialId: Id });

export type WalletStatus = Static<typeof WalletStatusSchema>;
export type OfferStatus = Static<typeof OfferStatusSchema>;
export type WalletItem = Static<typeof WalletItemSchema>;
export type Skill = WalletItem['skills'][number];
export type WalletCheck = Static<typeof WalletCheckSchema>;
export type WalletItemDetail = Static<typeof WalletItemDetailSchema>;
export type ImportResult = Static<typeof ImportResultSchema>;
export type WalletListQuery = Static<typeof WalletListQuery>;
export type WalletPage = Static<typeof WalletPageSchema>;
export type Facets = Static<typeof FacetsSchema>;
export type Totals = Static<typeof TotalsSchema>;
export type ImportBody = Static<typeof ImportBodySchema>;
export type Offer = Static<typeof OfferSchema>;
export type ClaimPreview = Static<typeof ClaimPreviewSchema>;
export type CollectionSummary = Static<typeof CollectionSummarySchema>;
export type CollectionView = Static<typeof CollectionViewSchema>;
export type CollectionCreate = Static<typeof CollectionCreateSchema>;
export type CollectionUpdate = Static<typeof CollectionUpdateSchema>;
