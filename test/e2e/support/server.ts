import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config.ts';
import { startServer } from '../../../src/http/server.ts';
import type { Runtime, RuntimeOptions } from '../../../src/runtime.ts';
import { freePort } from '../../support/net.ts';

export interface TestServer {
  /** http://127.0.0.1:<port>, no trailing slash. */
  url: string;
  dataDir: string;
  /** The server's services and database, for a test's setup and checks. */
  runtime: Runtime;
  close(): Promise<void>;
}

/**
 * Starts the real microcred server in this process on 127.0.0.1 with an ephemeral port, SQLite in a
 * fresh temporary data folder and the development outbox, serving the built web app from `webRoot`.
 */
export async function startTestServer(options: { webRoot: string } & Pick<RuntimeOptions, 'fetcher' | 'allowAddress'>): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'microcred-e2e-'));
  const port = await freePort();
  const config = loadConfig({ HOST: '127.0.0.1', PORT: String(port), MICROCRED_DATA: dataDir, LOG_LEVEL: 'warn' });
  const server = await startServer(config, { ...options, logger: false });
  return {
    url: server.url,
    dataDir,
    runtime: server.runtime,
    async close() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
