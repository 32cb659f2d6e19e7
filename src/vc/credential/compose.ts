import { buildAchievementCredential, type AchievementInput, type ProfileInput, type ResultInput } from './build.ts';
import type { JsonObject } from '../types.ts';

/** What every credential of a batch shares: the achievement, the issuer, a renewal's link. */
export interface CredentialTemplate {
  achievement: JsonObject;
  issuer: JsonObject;
  relatedResource?: JsonObject[];
  /** The issuing instance's EU context URL (see BuildAchievementCredentialOptions.euContext). */
  euContext?: string;
  /** The issuing instance's EU extension schema URL (see BuildAchievementCredentialOptions.euSchema). */
  euSchema?: string;
}

/** What is each credential's own, decided by the issuing thread (ids, salts, dates, status). */
export interface CredentialFields {
  id: string;
  recipient: { did: string } | { email: string; salt: string };
  name?: string;
  validFrom: Date;
  validUntil?: Date;
  result?: ResultInput;
  description?: string;
  evidence?: JsonObject[];
  /** One entry (OB 3.0's schema takes one object), or a list where suspension is enabled. */
  credentialStatus: JsonObject | JsonObject[];
}

/**
 * The unsigned OB 3.0 credential of one learner. Pure, so the signing workers compose exactly what
 * this thread would (they are sent the fields, far smaller than the credential).
 */
export function composeCredential(template: CredentialTemplate, fields: CredentialFields): JsonObject {
  const credential = buildAchievementCredential({
    achievement: template.achievement as AchievementInput,
    issuer: template.issuer as ProfileInput,
    recipient: fields.recipient,
    id: fields.id,
    validFrom: fields.validFrom,
    ...(fields.validUntil ? { validUntil: fields.validUntil } : {}),
    ...(fields.result ? { result: fields.result } : {}),
    ...(fields.description !== undefined ? { description: fields.description } : {}),
    ...(fields.evidence ? { evidence: fields.evidence } : {}),
    credentialStatus: fields.credentialStatus,
    ...(template.euContext !== undefined ? { euContext: template.euContext } : {}),
    ...(template.euSchema !== undefined ? { euSchema: template.euSchema } : {}),
  });
  if (fields.name) addNameIdentity(credential, fields.name);
  // VC 2.0 §5.3: a renewed credential names the exact text of the one it replaces.
  if (template.relatedResource) {
    const pinned = Array.isArray(credential.relatedResource) ? credential.relatedResource : [];
    credential.relatedResource = [...pinned, ...template.relatedResource];
  }
  return credential;
}

/** Annex I "identification of the learner": the name as a plain IdentityObject beside the hashed e-mail. */
function addNameIdentity(credential: JsonObject, name: string): void {
  const subject = credential.credentialSubject as JsonObject;
  const identity = { type: 'IdentityObject', identityHash: name, identityType: 'name', hashed: false };
  const existing = subject.identifier;
  subject.identifier = Array.isArray(existing) ? [...existing, identity] : [identity];
}
