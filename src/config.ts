import { isAbsolute, resolve } from 'node:path';

/**
 * Configuration of the server and of `microcred init`, read from the environment and validated at
 * start-up: a wrong value stops the process with a message naming the variable, before anything
 * listens or writes. Nothing branches on NODE_ENV.
 */
export interface Config {
  port: number;
  host: string;
  /** Base URL under which credentials, DID documents and status lists are published. No trailing slash. */
  publicUrl: string;
  /** Absolute data folder: the SQLite file, the master key, uploaded files. */
  dataDir: string;
  /** PostgreSQL URL; undefined means SQLite in the data folder. */
  databaseUrl?: string;
  /** smtp:// or smtps:// URL; undefined means the development outbox in the database. */
  smtpUrl?: string;
  mailFrom: string;
  /** Base64 of 32 bytes; undefined means `master.key` in the data folder (created on first run). */
  masterKey?: string;
  tls?: { certFile: string; keyFile: string };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `auto`: one readable line per request on a terminal, JSON lines otherwise; `json` or `pretty` force one. */
  logFormat: 'auto' | 'json' | 'pretty';
  /** Trust X-Forwarded-* headers (behind a load balancer). */
  trustProxy: boolean;
  /** Background job workers in this process (0 disables running jobs here). */
  jobWorkers: number;
  /** Verification requests per minute per client address on the public verify endpoints (0: no limit). */
  verifyRateLimit: number;
  /** Server processes sharing the port (`microcred serve`); each is a full node. */
  workers: number;
  /**
   * Seconds a verifier may cache this instance's status lists: written into each list as its `ttl`
   * (in milliseconds, Bitstring Status List §2.2) and sent as the list's Cache-Control max-age.
   */
  statusListTtlSeconds: number;
  /** Bearer token that opens /metrics; undefined: /metrics is not served (404). */
  metricsToken?: string;
  /** Hours an xAPI statement that earned nothing is kept for audit before a job purges it. */
  xapiAuditHours: number;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;

function integer(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function url(name: string, raw: string, protocols: string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a URL: "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.map((p) => p.replace(':', '')).join(' or ')}, got "${parsed.protocol.replace(':', '')}"`);
  }
  return raw;
}

/**
 * Reads the configuration. `PORT` (3000), `HOST` (127.0.0.1), `MICROCRED_DATA` (./data),
 * `DATABASE_URL`, `PUBLIC_URL` (http(s)://HOST:PORT), `TLS_CERT` + `TLS_KEY`, `SMTP_URL`, `MAIL_FROM`,
 * `MICROCRED_MASTER_KEY`, `LOG_LEVEL`, `LOG_FORMAT` (auto, json, pretty), `TRUST_PROXY`, `JOB_WORKERS`, `VERIFY_RATE_LIMIT` (per minute per address), `WORKERS` (server processes),
 * `STATUS_LIST_TTL` (seconds, 300), `METRICS_TOKEN` (at least 16 characters), `XAPI_AUDIT_HOURS` (unmatched xAPI statements kept, 72).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const certFile = env.TLS_CERT || undefined;
  const keyFile = env.TLS_KEY || undefined;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new ConfigError(certFile ? 'TLS_KEY' : 'TLS_CERT', 'TLS_CERT and TLS_KEY must be given together');
  }
  const scheme = certFile ? 'https' : 'http';
  const defaultHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const publicUrl = url('PUBLIC_URL', env.PUBLIC_URL || `${scheme}://${defaultHost}:${port}`, ['http:', 'https:']).replace(/\/+$/, '');
  if (new URL(publicUrl).search || new URL(publicUrl).hash) throw new ConfigError('PUBLIC_URL', 'must not have a query or fragment');
  const dataRaw = env.MICROCRED_DATA || './data';
  const dataDir = isAbsolute(dataRaw) ? dataRaw : resolve(cwd, dataRaw);
  const databaseUrl = env.DATABASE_URL ? url('DATABASE_URL', env.DATABASE_URL, ['postgres:', 'postgresql:']) : undefined;
  const smtpUrl = env.SMTP_URL ? url('SMTP_URL', env.SMTP_URL, ['smtp:', 'smtps:']) : undefined;
  const mailFrom = env.MAIL_FROM || `microcred <no-reply@${new URL(publicUrl).hostname}>`;
  const masterKey = env.MICROCRED_MASTER_KEY || undefined;
  if (masterKey !== undefined && Buffer.from(masterKey, 'base64').length !== 32) {
    throw new ConfigError('MICROCRED_MASTER_KEY', 'must be the base64 of exactly 32 random bytes (openssl rand -base64 32)');
  }
  const logLevel = (env.LOG_LEVEL || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const logFormat = (env.LOG_FORMAT || 'auto') as Config['logFormat'];
  if (!LOG_FORMATS.includes(logFormat)) throw new ConfigError('LOG_FORMAT', `must be one of ${LOG_FORMATS.join(', ')}`);
  const trustProxy = env.TRUST_PROXY === 'true' || env.TRUST_PROXY === '1';
  const jobWorkers = integer(env, 'JOB_WORKERS', 1, 0, 16);
  const verifyRateLimit = integer(env, 'VERIFY_RATE_LIMIT', 600, 0, 10_000_000);
  const workers = integer(env, 'WORKERS', 1, 1, 64);
  // At most a day: a revocation must reach verifiers in time; at least a second (0 would defeat caching).
  const statusListTtlSeconds = integer(env, 'STATUS_LIST_TTL', 300, 1, 86_400);
  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && (metricsToken.length < 16 || /[^\x21-\x7e]/.test(metricsToken))) {
    throw new ConfigError('METRICS_TOKEN', 'must be at least 16 printable characters without spaces (openssl rand -hex 32)');
  }
  const xapiAuditHours = integer(env, 'XAPI_AUDIT_HOURS', 72, 1, 24 * 90);
  return {
    port,
    host,
    publicUrl,
    dataDir,
    databaseUrl,
    smtpUrl,
    mailFrom,
    masterKey,
    tls: certFile && keyFile ? { certFile, keyFile } : undefined,
    logLevel,
    logFormat,
    trustProxy,
    jobWorkers,
    verifyRateLimit,
    workers,
    statusListTtlSeconds,
    metricsToken,
    xapiAuditHours,
  };
}
