import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.ts';

/** Roles in an organisation (src/domain/roles.ts ROLES, restated so the contract imports only TypeBox; test/meta/contract.test.ts keeps them equal). */
export const ROLE_NAMES = ['owner', 'admin', 'issuer', 'assessor', 'registrar', 'viewer'] as const;
/** What an API key may do (src/domain/roles.ts API_KEY_SCOPES). */
export const API_KEY_SCOPE_NAMES = ['issue', 'status', 'read'] as const;

export const UserSchema = Type.Object({ id: Type.String(), email: Type.String(), name: Nullable(Type.String()) });
export const RoleSchema = Type.Union(ROLE_NAMES.map((role) => Type.Literal(role)));
export const ScopeSchema = Type.Union(API_KEY_SCOPE_NAMES.map((scope) => Type.Literal(scope)));
export const MembershipSchema = Type.Object({ organisationId: Type.String(), organisationName: Type.String(), role: RoleSchema });
export const MemberSchema = Type.Object({ userId: Type.String(), email: Type.String(), name: Nullable(Type.String()), role: RoleSchema, since: Type.String() });
export const OrganisationSchema = Type.Object({ id: Type.String(), name: Type.String(), createdAt: Type.String(), updatedAt: Type.String() });
export const ApiKeySchema = Type.Object({
  id: Type.String(), name: Type.String(), scopes: Type.Array(ScopeSchema), prefix: Type.String(),
  createdAt: Type.String(), lastUsedAt: Nullable(Type.String()), revokedAt: Nullable(Type.String()),
});
export const CreatedApiKeySchema = Type.Composite([ApiKeySchema, Type.Object({ key: Type.String() })]);
export const AuditEntrySchema = Type.Object({
  id: Type.String(), at: Type.String(), actor: Type.Object({ type: Type.String(), id: Nullable(Type.String()) }), action: Type.String(),
  targetType: Nullable(Type.String()), targetId: Nullable(Type.String()), ip: Nullable(Type.String()), details: Type.Unknown(),
});

export const NeedsSetupSchema = Type.Object({ needsSetup: Type.Boolean() });
export const SetupBodySchema = Type.Object({
  organisationName: Type.String({ minLength: 1, maxLength: 200 }), email: Type.String({ maxLength: 320 }),
  password: Type.String({ maxLength: 256 }), name: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });
export const SetupResultSchema = Type.Object({ organisationId: Type.String(), issuerId: Type.String(), issuerDid: Type.String(), user: UserSchema, csrfToken: Type.String() });
export const LoginBodySchema = Type.Object({ email: Type.String({ maxLength: 320 }), password: Type.String({ maxLength: 256 }) }, { additionalProperties: false });
/** A new session: the signed-in user and the CSRF token for unsafe requests. */
export const SignedInSchema = Type.Object({ user: UserSchema, csrfToken: Type.String() });
export const PasswordChangeSchema = Type.Object({ currentPassword: Type.String({ maxLength: 256 }), newPassword: Type.String({ maxLength: 256 }) }, { additionalProperties: false });
export const MeSchema = Type.Object({ user: UserSchema, memberships: Type.Array(MembershipSchema), csrfToken: Type.String() });
export const OrganisationUpdateSchema = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, { additionalProperties: false });
/** Adds an existing account; a new address is invited instead (InvitationCreateSchema): nobody sets another person's password. */
export const MemberAddSchema = Type.Object({ email: Type.String({ maxLength: 320 }), role: RoleSchema }, { additionalProperties: false });
export const InvitationCreateSchema = Type.Object({ email: Type.String({ maxLength: 320 }), role: RoleSchema, name: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false });
export const InvitationSchema = Type.Object({
  id: Type.String(), email: Type.String(), role: RoleSchema, name: Nullable(Type.String()), invitedAt: Type.String(), expiresAt: Type.String(), expired: Type.Boolean(),
});
export const InvitationPreviewSchema = Type.Object({ organisationName: Type.String(), email: Type.String(), role: RoleSchema, name: Nullable(Type.String()), hasAccount: Type.Boolean() });
export const InvitationAcceptSchema = Type.Object({ password: Type.String({ maxLength: 256 }), name: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false });
export const PasswordResetRequestSchema = Type.Object({ email: Type.String({ maxLength: 320 }) }, { additionalProperties: false });
export const PasswordResetSchema = Type.Object({ token: Type.String({ maxLength: 100 }), password: Type.String({ maxLength: 256 }) }, { additionalProperties: false });
export const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }) });
export const MemberRoleSchema = Type.Object({ role: RoleSchema }, { additionalProperties: false });
export const ApiKeyCreateSchema = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: 3 }) }, { additionalProperties: false });
export const AuditQuerySchema = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), before: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false });

export type User = Static<typeof UserSchema>;
export type Role = Static<typeof RoleSchema>;
export type ApiKeyScope = Static<typeof ScopeSchema>;
export type Membership = Static<typeof MembershipSchema>;
export type Member = Static<typeof MemberSchema>;
export type Organisation = Static<typeof OrganisationSchema>;
export type ApiKey = Static<typeof ApiKeySchema>;
export type CreatedApiKey = Static<typeof CreatedApiKeySchema>;
export type AuditEntry = Static<typeof AuditEntrySchema>;
export type SetupBody = Static<typeof SetupBodySchema>;
export type SetupResult = Static<typeof SetupResultSchema>;
export type LoginBody = Static<typeof LoginBodySchema>;
export type SignedIn = Static<typeof SignedInSchema>;
export type PasswordChange = Static<typeof PasswordChangeSchema>;
export type Me = Static<typeof MeSchema>;
export type OrganisationUpdate = Static<typeof OrganisationUpdateSchema>;
export type MemberAdd = Static<typeof MemberAddSchema>;
export type ApiKeyCreate = Static<typeof ApiKeyCreateSchema>;
export type Invitation = Static<typeof InvitationSchema>;
export type InvitationCreate = Static<typeof InvitationCreateSchema>;
export type InvitationPreview = Static<typeof InvitationPreviewSchema>;
