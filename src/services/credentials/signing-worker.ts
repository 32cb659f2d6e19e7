import { createEngine } from '../../vc/engine.ts';
import { createEd25519Signer } from '../../vc/keys/ed25519.ts';
import type { Signer } from '../../vc/types.ts';
import { composeCredential } from './compose.ts';
import type { SignJob, SignReply, SigningKey } from './signing-protocol.ts';

/** Keys a worker keeps imported (one per issuer being bulk-issued for, at most this many at once). */
const MAX_KEYS = 16;

/**
 * Signs jobs with an engine of its own: the same fast path and bundled contexts as the main
 * thread's engine, and no fetcher (signing never needs the network). Runs in each worker thread,
 * and in-process in tests.
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
  return async (job) => {
    try {
      const signer = signerFor(job.key);
      const now = new Date(job.now);
      const documents: string[] = [];
      const credentials = job.compose ? job.compose.fields.map((fields) => composeCredential(job.compose!.template, fields)) : job.credentials ?? [];
      for (const credential of credentials) {
        const signed = await engine.sign({ credential, signer, now });
        documents.push(typeof signed === 'string' ? signed : JSON.stringify(signed));
      }
      return { seq: job.seq, ok: true, documents };
    } catch (error) {
      return { seq: job.seq, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  };
}
