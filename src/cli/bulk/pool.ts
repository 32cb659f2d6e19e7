import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SignRequest, SignResponse, WorkerSetup } from './protocol.ts';

export interface SigningPool {
  /** Signs a request; responses come back in any order (the caller reorders by `seq`). */
  sign(request: SignRequest): Promise<SignResponse>;
  close(): Promise<void>;
  readonly size: number;
}

const BATCH = 16;

/**
 * A pool of worker threads that sign credentials, one per core by default. Requests are batched
 * (16 per message) because a message round trip costs about as much as a signature.
 * `workers: 0` signs in this thread (small jobs, where starting threads costs more than it saves).
 */
export function createSigningPool(setup: WorkerSetup, options: { workers?: number } = {}): SigningPool {
  const count = options.workers ?? availableParallelism();
  if (count === 0) {
    // Loaded only here: with worker threads, the main thread needs no engine (nor jsonld) at all.
    let signer: Promise<SigningPool['sign']> | undefined;
    const sign: SigningPool['sign'] = async (request) => (await (signer ??= import('./signing.ts').then(({ createRowSigner }) => createRowSigner(setup))))(request);
    return { sign, close: async () => {}, size: 0 };
  }
  const waiting = new Map<number, (response: SignResponse) => void>();
  const settle = (response: SignResponse) => {
    waiting.get(response.seq)?.(response);
    waiting.delete(response.seq);
  };
  const workers = Array.from({ length: count }, () => {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: setup });
    // Requests queued for or sent to this worker: only these fail when it dies, not other workers'.
    const slot = { worker, queue: [] as SignRequest[], scheduled: false, assigned: new Set<number>(), alive: true };
    worker.on('message', (responses: SignResponse[]) => {
      for (const response of responses) {
        slot.assigned.delete(response.seq);
        settle(response);
      }
    });
    const die = (reason: string) => {
      if (!slot.alive) return;
      slot.alive = false;
      for (const seq of slot.assigned) settle({ seq, ok: false, error: reason });
      slot.assigned.clear();
      slot.queue = [];
    };
    worker.on('error', (error) => die(`signing worker failed: ${error.message}`));
    // A worker can also stop without an error event (out of memory, process.exit in a dependency).
    worker.on('exit', (code) => die(`signing worker stopped (exit code ${code}).`));
    return slot;
  });
  let next = 0;
  const flush = (slot: (typeof workers)[number]) => {
    slot.scheduled = false;
    if (slot.queue.length === 0 || !slot.alive) return;
    slot.worker.postMessage(slot.queue);
    slot.queue = [];
  };
  return {
    size: count,
    sign(request) {
      return new Promise((resolve) => {
        const alive = workers.filter((candidate) => candidate.alive);
        if (alive.length === 0) return resolve({ seq: request.seq, ok: false, error: 'every signing worker has stopped.' });
        waiting.set(request.seq, resolve);
        const slot = alive[next++ % alive.length]!;
        slot.assigned.add(request.seq);
        slot.queue.push(request);
        if (slot.queue.length >= BATCH) flush(slot);
        else if (!slot.scheduled) {
          slot.scheduled = true;
          setImmediate(() => flush(slot));
        }
      });
    },
    async close() {
      await Promise.all(workers.map((slot) => slot.worker.terminate()));
    },
  };
}
