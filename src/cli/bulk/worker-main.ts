import { parentPort, workerData } from 'node:worker_threads';
import type { SignRequest, WorkerSetup } from './protocol.ts';
import { createRowSigner } from './signing.ts';

const sign = createRowSigner(workerData as WorkerSetup);
parentPort!.on('message', (batch: SignRequest[]) => {
  void Promise.all(batch.map(sign)).then((responses) => parentPort!.postMessage(responses));
});
