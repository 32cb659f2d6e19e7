import { parentPort } from 'node:worker_threads';
import type { SignJob } from './protocol.ts';
import { createJobSigner } from './sign-job.ts';

const sign = createJobSigner();
// One job at a time, in order: a job is already a batch, and the thread has one core's worth of work.
let queue = Promise.resolve();
parentPort!.on('message', (job: SignJob) => {
  queue = queue.then(async () => parentPort!.postMessage(await sign(job)));
});
