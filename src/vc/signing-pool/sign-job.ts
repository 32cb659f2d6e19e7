import { composeCredential } from '../credential/compose.ts';
import { createEngine } from '../engine.ts';
import { createAchievementIssuer } from '../issue.ts';
import { createEd25519Signer } from '../keys/ed25519.ts';
import type { JsonObject, Signer } from '../types.ts';
import { itemCount, type SignJob, type SignReply, type SignResult, type SigningKey } from './protocol.ts';

/** Keys a worker keeps imported (one per issuer being bulk-issued for, at most this many at once). */
const MAX_KEYS = 16;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Signs jobs with an engine of its own: the same fast path and bundled contexts as the main
 * thread's engine, and no fetcher (signing never needs the network). Runs in each worker thread,
 * and in this thread for a pool of no workers. A credential that fails is that item's result; the
 * others are signed.
 */
export function createJobSigner(): (job: SignJob) => Promise<SignReply> {
  const engine = createEngine();
  const keys = new Map<string, { seed: Uint8Array; signer: Signer }>();
  const signerFor = (key: SigningKey): Signer => {
    const held = keys.get(key.id);
    if (held && Buffer.compare(Buffer.from(held.seed), Buffer.from(key.seed)) === 0) return held.signer;
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value!);
    const signer = createEd25519Signer({ id: key.id, seed: key.seed });
    keys.set(key.id, { seed: new Uint8Array(key.seed), signer });
    return signer;
  };
  const text = (signed: JsonObject | string) => (typeof signed === 'string' ? signed : JSON.stringify(signed));

  return async (job) => {
    const now = new Date(job.now);
    const results: SignResult[] = [];
    let signer: Signer;
    try {
      signer = signerFor(job.key);
    } catch (error) {
      const failed: SignResult = { ok: false, error: message(error) };
      return { seq: job.seq, results: Array.from({ length: itemCount(job) }, () => failed) };
    }
    const format = job.format ? { format: job.format } : {};
    if ('rows' in job) {
      const { template, requests } = job.rows;
      let issuer: ReturnType<typeof createAchievementIssuer>;
      try {
        issuer = createAchievementIssuer({
          engine, signer, achievement: template.achievement, issuer: template.issuer, ...format,
          ...(template.version ? { version: template.version } : {}),
          ...(template.validUntil ? { validUntil: new Date(template.validUntil) } : {}),
          ...(template.statusList ? { statusList: template.statusList } : {}),
          ...(template.euContext !== undefined ? { euContext: template.euContext } : {}),
        });
      } catch (error) {
        return { seq: job.seq, results: requests.map(() => ({ ok: false, error: message(error) })) };
      }
      for (const request of requests) {
        try {
          const signed = await issuer.issue(request.row, { id: request.id, now, ...(request.statusListIndex !== undefined ? { statusListIndex: request.statusListIndex } : {}) });
          results.push({ ok: true, text: text(signed) });
        } catch (error) {
          results.push({ ok: false, error: message(error) });
        }
      }
      return { seq: job.seq, results };
    }
    for (let i = 0; i < itemCount(job); i++) {
      try {
        const credential = 'credentials' in job ? job.credentials[i]! : composeCredential(job.compose.template, job.compose.fields[i]!);
        results.push({ ok: true, text: text(await engine.sign({ credential, signer, now, ...format })) });
      } catch (error) {
        results.push({ ok: false, error: message(error) });
      }
    }
    return { seq: job.seq, results };
  };
}
