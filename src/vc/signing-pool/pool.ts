import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { decodePublicKeyMultibase, decodeSecretKeyMultibase, publicKeyFromSeed, type Ed25519Multikey } from '../keys/ed25519.ts';
import { itemCount, sliceItems, type SignBatch, type SignItems, type SignJob, type SignReply, type SignResult, type SigningKey } from './protocol.ts';
import type { createJobSigner } from './sign-job.ts';

export interface SigningPoolOptions {
  /** Worker threads (default: one per core, `availableParallelism()`); 0 signs in this thread. */
  workers?: number;
  /** Credentials per message (default 32): a message round trip costs about as much as a signature. */
  chunk?: number;
  /**
   * The worker's entry file (default ./worker.js beside this module: under tsx it loads the
   * TypeScript through tsx; tests put a failing one in front of it).
   */
  script?: URL;
}

/**
 * Signs batches of credentials on worker threads, so that bulk issuance uses every core and the
 * calling thread stays free (for the database, the CSV, the output). The output is byte for byte
 * what the calling thread's engine would give (same fast path, same bundled contexts, same `now`).
 * Used by the server's credential service and by `microcred issue --csv`.
 */
export interface SigningPool {
  /** Worker threads (0: signs in the calling thread). */
  readonly size: number;
  /**
   * One result per credential, in the order given; a credential that cannot be signed is its own
   * failed result. Rejects when a worker stops with part of the batch (the others are unaffected)
   * or the pool is closed. Memory is the caller's to bound: it decides how many batches are in flight.
   */
  sign(batch: SignBatch): Promise<SignResult[]>;
  /** Stops the workers; pending batches are rejected. The pool cannot be used afterwards. */
  close(): Promise<void>;
}

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (results: SignResult[]) => void; reject: (error: Error) => void }>;
  alive: boolean;
}

/**
 * A pool of signing workers, started on first use (an instance that never issues in bulk starts no
 * thread). Workers hold the process open only while they have work, so a forgotten `close()` does
 * not keep it alive. A worker that stops fails only its own pending work and is replaced for the
 * next batch.
 *
 * @example
 *   const pool = createSigningPool();
 *   const results = await pool.sign({ credentials, key: { id: keyId, seed }, now: new Date() });
 *   await pool.close();
 */
export function createSigningPool(options: SigningPoolOptions = {}): SigningPool {
  const size = Math.max(0, options.workers ?? availableParallelism());
  const chunk = Math.max(1, options.chunk ?? 32);
  let closed = false;
  let seq = 0;

  if (size === 0) {
    // Small jobs, or one core: starting a thread would cost more than it saves. The engine (and jsonld)
    // is loaded on first use only, so a caller that hands the work to threads never loads it itself.
    let sign: ReturnType<typeof createJobSigner> | undefined;
    return {
      size,
      async sign(batch) {
        if (closed) throw new Error('the signing pool is closed');
        sign ??= (await import('./sign-job.ts')).createJobSigner();
        return (await sign(jobOf(seq++, batch, batch))).results;
      },
      async close() {
        closed = true;
      },
    };
  }

  let slots: Slot[] | undefined;
  const fail = (slot: Slot, reason: string) => {
    if (!slot.alive) return;
    slot.alive = false;
    const error = new Error(reason);
    for (const waiter of slot.pending.values()) waiter.reject(error);
    slot.pending.clear();
  };

  const script = options.script ?? new URL('./worker.js', import.meta.url);
  const spawn = (): Slot => {
    const worker = new Worker(script);
    worker.unref();
    const slot: Slot = { worker, pending: new Map(), alive: true };
    worker.on('message', (reply: SignReply) => {
      const waiter = slot.pending.get(reply.seq);
      if (!waiter) return;
      slot.pending.delete(reply.seq);
      if (slot.pending.size === 0) worker.unref();
      waiter.resolve(reply.results);
    });
    worker.on('error', (error) => fail(slot, `signing worker failed: ${error.message}`));
    // A worker can also stop without an error event (out of memory, process.exit in a dependency).
    worker.on('exit', (code) => fail(slot, `signing worker stopped (exit code ${code})`));
    return slot;
  };

  const post = (slot: Slot, job: SignJob): Promise<SignResult[]> => new Promise((resolve, reject) => {
    if (slot.pending.size === 0) slot.worker.ref();
    slot.pending.set(job.seq, { resolve, reject });
    slot.worker.postMessage(job);
  });

  return {
    size,
    async sign(batch) {
      if (closed) throw new Error('the signing pool is closed');
      const count = itemCount(batch);
      if (count === 0) return [];
      // A worker that stopped (its pending work already failed) is replaced for the next batches.
      slots = slots ? slots.map((slot) => (slot.alive ? slot : spawn())) : Array.from({ length: size }, spawn);
      const parts: Promise<SignResult[]>[] = [];
      // Even messages: 100 credentials at 32 a message go as 4 × 25, not 3 × 32 + 4.
      const per = Math.ceil(count / Math.ceil(count / chunk));
      for (let from = 0; from < count; from += per) {
        const alive = slots.filter((slot) => slot.alive);
        if (alive.length === 0) throw new Error('every signing worker has stopped');
        // The least busy worker: a slow or dead one does not hold back the others.
        const slot = alive.reduce((best, candidate) => (candidate.pending.size < best.pending.size ? candidate : best));
        parts.push(post(slot, jobOf(seq++, batch, sliceItems(batch, from, Math.min(from + per, count)))));
      }
      return (await Promise.all(parts)).flat();
    },
    async close() {
      closed = true;
      const running = slots ?? [];
      slots = [];
      for (const slot of running) fail(slot, 'the signing pool was closed');
      await Promise.all(running.map((slot) => slot.worker.terminate()));
    },
  };
}

/** The message for (part of) a batch: only the fields a worker reads, so nothing else is copied. */
function jobOf(seq: number, batch: SignBatch, items: SignItems): SignJob {
  return { ...items, seq, key: batch.key, now: batch.now.toISOString(), ...(batch.format ? { format: batch.format } : {}) } as SignJob;
}

/**
 * The signed texts of a batch, or the first failure as an error (`signing failed: …`): for callers
 * that give up on the whole batch (the server's issuance runs in one transaction).
 */
export async function signAll(pool: SigningPool, batch: SignBatch): Promise<string[]> {
  const results = await pool.sign(batch);
  return results.map((result) => {
    if (!result.ok) throw new Error(`signing failed: ${result.error}`);
    return result.text;
  });
}

/** The pool's key from a Multikey with its secret. Throws TypeError when the secret is missing or does not match. */
export function signingKeyFromMultikey(key: Ed25519Multikey): SigningKey {
  const seed = decodeSecretKeyMultibase(key.secretKeyMultibase);
  if (!seed) throw new TypeError('The key has no valid Ed25519 secretKeyMultibase.');
  const expected = decodePublicKeyMultibase(key.publicKeyMultibase);
  if (!expected || Buffer.compare(Buffer.from(expected), Buffer.from(publicKeyFromSeed(seed))) !== 0) {
    throw new TypeError('The key’s secretKeyMultibase does not match its publicKeyMultibase.');
  }
  return { id: key.id, seed };
}
