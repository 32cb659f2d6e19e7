import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { startJobRunner } from '../app-jobs.ts';
import { openRuntime, type Runtime, type RuntimeOptions } from '../runtime.ts';
import { buildApp } from './app.ts';

export interface RunningServer {
  app: FastifyInstance;
  runtime: Runtime;
  /** The address it listens on (with the real port when PORT=0). */
  url: string;
  /** Stops accepting connections, finishes in-flight requests and background work, closes the database. */
  stop(): Promise<void>;
}

export interface StartServerOptions extends RuntimeOptions {
  webRoot?: string;
  logger?: boolean | object;
}

/** Opens the runtime, builds the app and listens. `microcred serve` and the tests use it. */
export async function startServer(config: Config, options: StartServerOptions = {}): Promise<RunningServer> {
  const runtime = await openRuntime(config, options);
  const https = config.tls ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } : undefined;
  let app: FastifyInstance;
  try {
    app = await buildApp({ runtime, https, webRoot: options.webRoot, logger: options.logger as never });
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await runtime.close();
    throw error;
  }
  const jobs = startJobRunner(runtime, { workers: config.jobWorkers, log: runtime.ctx.log });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `${config.tls ? 'https' : 'http'}://${host}:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    app,
    runtime,
    url,
    stop() {
      stopping ??= (async () => {
        await app.close();
        await jobs.stop();
        await runtime.close();
      })();
      return stopping;
    },
  };
}
