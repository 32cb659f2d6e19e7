import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', publicUrl: 'http://127.0.0.1:3000', dataDir: '/srv/app/data', logLevel: 'info', jobWorkers: 1, statusListTtlSeconds: 300 });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.metricsToken).toBeUndefined();
    expect(config.tls).toBeUndefined();
  });

  it('reads PORT, HOST, MICROCRED_DATA, DATABASE_URL, PUBLIC_URL, TLS_CERT and TLS_KEY', () => {
    const config = loadConfig({
      PORT: '8443', HOST: '0.0.0.0', MICROCRED_DATA: 'state', DATABASE_URL: 'postgres://u@db:5432/mc',
      TLS_CERT: '/etc/cert.pem', TLS_KEY: '/etc/key.pem',
    }, '/srv');
    expect(config).toMatchObject({ port: 8443, host: '0.0.0.0', dataDir: '/srv/state', databaseUrl: 'postgres://u@db:5432/mc', tls: { certFile: '/etc/cert.pem', keyFile: '/etc/key.pem' } });
    expect(config.publicUrl).toBe('https://localhost:8443');
    expect(loadConfig({ PUBLIC_URL: 'https://badges.uni.eu/' }).publicUrl).toBe('https://badges.uni.eu');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'https://x/?a=1' }, 'PUBLIC_URL'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ TLS_CERT: '/c.pem' }, 'TLS_KEY'],
    [{ TLS_KEY: '/k.pem' }, 'TLS_CERT'],
    [{ MICROCRED_MASTER_KEY: 'c2hvcnQ=' }, 'MICROCRED_MASTER_KEY'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL'],
    [{ STATUS_LIST_TTL: '0' }, 'STATUS_LIST_TTL'],
    [{ STATUS_LIST_TTL: '86401' }, 'STATUS_LIST_TTL'],
    [{ STATUS_LIST_TTL: '5m' }, 'STATUS_LIST_TTL'],
    [{ METRICS_TOKEN: 'too-short' }, 'METRICS_TOKEN'],
  ])('refuses %o, naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message.startsWith(`${variable}:`)).toBe(true);
  });
});
