import { isObject } from './json.ts';
import { buildAchievementCredential, type AchievementInput, type ProfileInput, type ResultInput, type VcVersion } from './credential/build.ts';
import type { Engine } from './engine.ts';
import type { IssueFormat } from './proofs/provider.ts';
import { buildStatusListEntry } from './status/status-list-credential.ts';
import type { JsonObject, Signer } from './types.ts';

/** One recipient of an achievement: an e-mail address (hashed in the credential) or a DID. */
export interface RecipientRow {
  recipient: string;
  /** The learner's name, carried as a plain `name` IdentityObject (Annex I: identification of the learner). */
  name?: string;
  grade?: string;
  creditsEarned?: number;
}

export interface AchievementIssuer {
  /** Builds and signs one credential; throws TypeError with a plain message for a bad row. */
  issue(row: RecipientRow, options: { id: string; now: Date; statusListIndex?: number }): Promise<JsonObject | string>;
}

export interface CreateAchievementIssuerOptions {
  engine: Engine;
  signer: Signer;
  achievement: AchievementInput;
  issuer: ProfileInput;
  format?: IssueFormat;
  version?: VcVersion;
  validUntil?: Date;
  /** Status list the credentials are registered in (their index is given per credential). */
  statusList?: { url: string; purpose: 'revocation' | 'suspension' };
  /**
   * Where the issuer publishes microcred's EU context (a URL ending in /contexts/eu/v1, e.g. any
   * microcred instance's): credentials with EU terms name it, pinned by a relatedResource digest, so
   * that verifiers which know only the standard contexts can load it. Default: the w3id URL, which
   * only microcred's verifier reads (docs/eu-elements.md).
   */
  euContext?: string;
}

const DID = /^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Parses the recipient column: a DID or an e-mail address. */
export function parseRecipient(value: string): { did: string } | { email: string } {
  const text = value.trim();
  if (DID.test(text)) return { did: text };
  if (EMAIL.test(text)) return { email: text };
  throw new TypeError(`"${value}" is neither an e-mail address nor a DID.`);
}

/**
 * Issues OB 3.0 AchievementCredentials of one achievement, for one recipient after another. The
 * achievement and issuer are checked once, up front.
 *
 * @example
 *   const issuer = createAchievementIssuer({ engine, signer, achievement, issuer: { id: did, name: 'Uni' } });
 *   const credential = await issuer.issue({ recipient: 'ana@example.org' }, { id: `urn:uuid:${randomUUID()}`, now: new Date() });
 */
export function createAchievementIssuer(options: CreateAchievementIssuerOptions): AchievementIssuer {
  const { engine, signer, achievement, issuer, format = 'eddsa-rdfc-2022', version = '2.0' } = options;
  if (!isObject(achievement)) throw new TypeError('achievement must be an OB 3.0 Achievement object.');
  return {
    async issue(row, { id, now, statusListIndex }) {
      const recipient = parseRecipient(row.recipient);
      const result: ResultInput = {};
      if (row.grade !== undefined && row.grade !== '') result.grade = row.grade;
      if (row.creditsEarned !== undefined) result.creditsEarned = row.creditsEarned;
      let credentialStatus: JsonObject | undefined;
      if (options.statusList) {
        if (statusListIndex === undefined) throw new TypeError('A status list index is needed for each credential.');
        credentialStatus = buildStatusListEntry({ listUrl: options.statusList.url, index: statusListIndex, statusPurpose: options.statusList.purpose });
      }
      const credential = buildAchievementCredential({
        achievement,
        issuer,
        recipient,
        id,
        validFrom: now,
        version,
        ...(options.validUntil ? { validUntil: options.validUntil } : {}),
        ...(Object.keys(result).length > 0 ? { result } : {}),
        ...(credentialStatus ? { credentialStatus } : {}),
        ...(options.euContext !== undefined ? { euContext: options.euContext } : {}),
      });
      if (row.name) addNameIdentity(credential, row.name);
      return await engine.sign({ credential, signer, format, now });
    },
  };
}

function addNameIdentity(credential: JsonObject, name: string): void {
  const subject = credential.credentialSubject as JsonObject;
  const identity = { type: 'IdentityObject', identityHash: name, identityType: 'name', hashed: false };
  const existing = subject.identifier;
  subject.identifier = Array.isArray(existing) ? [...existing, identity] : existing ? [existing, identity] : [identity];
}
