import { createServer } from 'node:net';

/**
 * A TCP port free on 127.0.0.1 at the time of asking. PORT=0 would do for listening, but a server's
 * PUBLIC_URL (credential ids, DID documents, status lists) must name the real port, so it is chosen first.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port on 127.0.0.1'))));
    });
  });
}
