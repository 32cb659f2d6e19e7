/**
 * The part of oidc-provider (which ships no types) that microcred uses, declared here (STYLE.md: declare
 * the small interface the core needs).
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface InteractionDetails {
    uid: string;
    prompt: { name: 'login' | 'consent' | string; reasons: string[]; details: { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> } };
    params: Record<string, unknown> & { client_id?: string; scope?: string; redirect_uri?: string };
    session?: { accountId?: string };
    grantId?: string;
    lastSubmission?: Record<string, unknown>;
  }

  export interface GrantInstance {
    addOIDCScope(scope: string): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface ClientInstance {
    clientId: string;
    clientName?: string;
    clientUri?: string;
    logoUri?: string;
    policyUri?: string;
    tosUri?: string;
    redirectUris?: string[];
    grantTypeAllowed(type: string): boolean;
  }

  export interface AccessTokenInstance {
    accountId: string;
    clientId: string;
    scope?: string;
    grantId?: string;
    aud?: string | string[];
    isValid: boolean;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionResult(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<string>;
    on(event: string, listener: (...args: unknown[]) => void): this;
    Grant: { new (init: { accountId: string; clientId: string }): GrantInstance; find(id: string): Promise<GrantInstance | undefined> };
    Client: { find(id: string): Promise<ClientInstance | undefined> };
    AccessToken: { find(value: string): Promise<AccessTokenInstance | undefined> };
  }

  export const errors: Record<string, new (description?: string) => Error>;
}
