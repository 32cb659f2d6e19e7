import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { JsonObject } from '../../vc/types.ts';
import type { CredentialFields, CredentialTemplate } from './compose.ts';
import type { SignJob, SignReply, SigningKey } from './signing-protocol.ts';

export type { SigningKey } from './signing-protocol.ts';

export interface SigningPoolOptions {
  /** Worker threads (default: one per core, `availableParallelism()`). */
  workers?: number;
  /** Credentials per message (default 32): a message round trip costs about as much as a signature. */
  chunk?: number;
  /** The worker's entry point (default ./signing-worker.js; tests put a failing one in front of it). */
  script?: URL;
}

/**
 * Signs eddsa-rdfc-2022 on worker threads, so that bulk issuance uses every core and the main
 * thread stays free for the database. The output is byte for byte what the main thread's engine
 * would give (same fast path, same bundled contexts, same `now`).
 */
export interface SigningPool {
  readonly size: number;
  /** The signed credentials as JSON text, in the order given. Rejects if a worker fails or stops. */
  sign(credentials: JsonObject[], key: SigningKey, now: Date): Promise<string[]>;
  /** Composes (composeCredential) and signs: the same texts as `sign` of the composed credentials. */
  compose(template: CredentialTemplate, fields: CredentialFields[], key: SigningKey, now: Date): Promise<string[]>;
  /** Stops the workers; pending signatures are rejected. The pool cannot be used afterwards. */
  close(): Promise<void>;
}

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (documents: string[]) => void; reject: (error: Error) => void }>;
  alive: boolean;
}

/**
 * A pool of signing workers, started on first use (an instance that never issues in bulk starts no
 * thread). Workers hold the process open only while they have work, so a forgotten `close()` does
 * not keep it alive.
 *
 * @example
 *   const pool = createSigningPool();
 *   const texts = await pool.sign(credentials, { id: keyId, seed }, new Date());
 *   await pool.close();
 */
export function createSigningPool(options: SigningPoolOptions = {}): SigningPool {
  const size = Math.max(1, options.workers ?? availableParallelism());
  const chunk = Math.max(1, options.chunk ?? 32);
  let slots: Slot[] | undefined;
  let closed = false;
  let seq = 0;

  const fail = (slot: Slot, reason: string) => {
    if (!slot.alive) return;
    slot.alive = false;
    const error = new Error(reason);
    for (const waiter of slot.pending.values()) waiter.reject(error);
    slot.pending.clear();
  };

  const script = options.script ?? new URL('./signing-worker.js', import.meta.url);
  const spawn = (): Slot => {
    const worker = new Worker(script);
    worker.unref();
    const slot: Slot = { worker, pending: new Map(), alive: true };
    worker.on('message', (reply: SignReply) => {
      const waiter = slot.pending.get(reply.seq);
      if (!waiter) return;
      slot.pending.delete(reply.seq);
      if (slot.pending.size === 0) worker.unref();
      if (reply.ok) waiter.resolve(reply.documents);
      else waiter.reject(new Error(`signing failed: ${reply.error}`));
    });
    worker.on('error', (error) => fail(slot, `signing worker failed: ${error.message}`));
    // A worker can also stop without an error event (out of memory, process.exit in a dependency).
    worker.on('exit', (code) => fail(slot, `signing worker stopped (exit code ${code})`));
    return slot;
  };

  type Part = Pick<SignJob, 'credentials' | 'compose'>;
  const post = (slot: Slot, part: Part, key: SigningKey, now: string): Promise<string[]> => new Promise((resolve, reject) => {
    const job: SignJob = { seq: seq++, key, now, ...part };
    if (slot.pending.size === 0) slot.worker.ref();
    slot.pending.set(job.seq, { resolve, reject });
    slot.worker.postMessage(job);
  });

  /** Sends `count` items as even messages to the least busy workers; the texts come back in order. */
  const dispatch = async (count: number, slice: (from: number, to: number) => Part, key: SigningKey, now: Date): Promise<string[]> => {
    if (closed) throw new Error('the signing pool is closed');
    if (count === 0) return [];
    // A worker that stopped (its pending work already failed) is replaced for the next signatures.
    slots = slots ? slots.map((slot) => (slot.alive ? slot : spawn())) : Array.from({ length: size }, spawn);
    const parts: Promise<string[]>[] = [];
    // Even messages: 100 credentials at 32 a message go as 4 × 25, not 3 × 32 + 4.
    const per = Math.ceil(count / Math.ceil(count / chunk));
    for (let from = 0; from < count; from += per) {
      const alive = slots.filter((slot) => slot.alive);
      if (alive.length === 0) throw new Error('every signing worker has stopped');
      // The least busy worker: a slow or dead one does not hold back the others.
      const slot = alive.reduce((best, candidate) => (candidate.pending.size < best.pending.size ? candidate : best));
      parts.push(post(slot, slice(from, Math.min(from + per, count)), key, now.toISOString()));
    }
    return (await Promise.all(parts)).flat();
  };

  return {
    size,
    sign: (credentials, key, now) => dispatch(credentials.length, (from, to) => ({ credentials: credentials.slice(from, to) }), key, now),
    compose: (template, fields, key, now) => dispatch(fields.length, (from, to) => ({ compose: { template, fields: fields.slice(from, to) } }), key, now),
    async close() {
      closed = true;
      const running = slots ?? [];
      slots = [];
      for (const slot of running) fail(slot, 'the signing pool was closed');
      await Promise.all(running.map((slot) => slot.worker.terminate()));
    },
  };
}
