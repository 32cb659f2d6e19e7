/**
 * LOG_FORMAT: on a terminal the server prints one readable line per request (so `npm start`'s next
 * steps stay on screen); to a file or pipe, or with LOG_FORMAT=json, the JSON lines stay as they were;
 * LOG_FORMAT=pretty forces the readable form anywhere. The real app is built on a fake terminal.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../../src/config.ts';
import { buildApp } from '../../src/http/app.ts';
import { chooseLogFormat, humanLogStream } from '../../src/http/log-format.ts';
import { openRuntime, type Runtime } from '../../src/runtime.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const REQUEST_LINE = /^\d\d:\d\d:\d\d (GET|POST) \/\S+ \d{3} \d+\.\d ms$/;

/** A stream that records whole lines, optionally claiming to be a terminal. */
function sink(isTTY: boolean): { stream: PassThrough & { isTTY?: boolean }; lines: string[] } {
  const lines: string[] = [];
  const stream: PassThrough & { isTTY?: boolean } = new PassThrough();
  if (isTTY) stream.isTTY = true;
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  return { stream, lines };
}

describe('human log lines', () => {
  it('turn pino\'s two lines per request into one, and other entries into time, level and message', () => {
    const out: string[] = [];
    const log = humanLogStream({ write: (text) => out.push(text) });
    const time = new Date(2026, 2, 2, 14, 3, 7).getTime();
    log.write(`${JSON.stringify({ level: 30, time, reqId: 'req-1', req: { method: 'GET', path: '/setup' }, msg: 'incoming request' })}\n`);
    expect(out).toEqual([]);
    log.write(`${JSON.stringify({ level: 30, time, reqId: 'req-1', res: { statusCode: 200 }, responseTime: 3.14159, msg: 'request completed' })}\n`);
    // A line may arrive in pieces; it is printed once whole.
    const warning = JSON.stringify({ level: 40, time, msg: 'slow job' });
    log.write(warning.slice(0, 10));
    log.write(`${warning.slice(10)}\n`);
    log.write(`${JSON.stringify({ level: 50, time, msg: 'request failed', err: { message: 'boom', stack: 'Error: boom\n    at here' } })}\nnot json\n`);
    expect(out.join('').split('\n')).toEqual(['14:03:07 GET /setup 200 3.1 ms', '14:03:07 WARN slow job', '14:03:07 ERROR request failed', '    Error: boom', '    at here', 'not json', '']);
  });

  it('are chosen on a terminal or when asked for; JSON otherwise or when asked for', () => {
    expect(chooseLogFormat('auto', { write: () => true, isTTY: true })).toBe('pretty');
    expect(chooseLogFormat('auto', { write: () => true })).toBe('json');
    expect(chooseLogFormat('json', { write: () => true, isTTY: true })).toBe('json');
    expect(chooseLogFormat('pretty', { write: () => true })).toBe('pretty');
    expect(loadConfig({}).logFormat).toBe('auto');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'yaml' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_FORMAT: 'yaml' })).toThrow(/LOG_FORMAT: must be one of auto, json, pretty/);
  });
});

describe('the server\'s log format', () => {
  let database: TestDatabase;
  let runtime: Runtime;
  const apps: FastifyInstance[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    runtime = await openRuntime(loadConfig({ MICROCRED_DATA: database.dataDir, PUBLIC_URL: 'https://issuer.test', JOB_WORKERS: '0' }), {
      fetcher: () => Promise.reject(new Error('offline')),
    });
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await runtime?.close();
    await database?.drop();
  });

  /** Builds the app with LOG_FORMAT `logFormat` writing to a (fake) terminal or pipe, and makes two requests. */
  async function logsOf(logFormat: Config['logFormat'], isTTY: boolean): Promise<string[]> {
    const { stream, lines } = sink(isTTY);
    const app = await buildApp({ runtime: { ...runtime, config: { ...runtime.config, logFormat } }, logStream: stream, webRoot: '/nonexistent' });
    apps.push(app);
    expect((await app.inject({ url: '/api/v1/setup' })).statusCode).toBeLessThan(500);
    expect((await app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: { not: 'a credential' } } })).statusCode).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return lines;
  }

  it('on a terminal: one readable line per request, no JSON', async () => {
    const lines = await logsOf('auto', true);
    const requests = lines.filter((line) => REQUEST_LINE.test(line));
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatch(/ GET \/api\/v1\/setup \d{3} /);
    expect(requests[1]).toMatch(/ POST \/credentials\/verify 400 /);
    expect(lines.filter((line) => line.startsWith('{'))).toEqual([]);
  });

  it('to a pipe, or with LOG_FORMAT=json on a terminal: JSON lines as before (two per request)', async () => {
    for (const [format, tty] of [['auto', false], ['json', true]] as const) {
      const lines = await logsOf(format, tty);
      const entries = lines.map((line) => JSON.parse(line) as { msg?: string; req?: { path?: string } });
      expect(entries.filter((entry) => entry.msg === 'incoming request').map((entry) => entry.req?.path), `${format} tty=${tty}`).toEqual(['/api/v1/setup', '/credentials/verify']);
      expect(entries.filter((entry) => entry.msg === 'request completed')).toHaveLength(2);
    }
  });

  it('LOG_FORMAT=pretty gives the readable lines even to a pipe', async () => {
    const lines = await logsOf('pretty', false);
    expect(lines.filter((line) => REQUEST_LINE.test(line))).toHaveLength(2);
    expect(lines.filter((line) => line.startsWith('{'))).toEqual([]);
  });
});
