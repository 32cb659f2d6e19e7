import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createTestApp, setUpOrganisation, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';

warnIfPostgresSkipped();

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

for (const dialect of DIALECTS) {
  describe(`operations: health, metrics, OpenAPI, problems (${dialect})`, () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp(dialect, { env: { METRICS_TOKEN } });
      await setUpOrganisation(t.app);
    });
    afterAll(async () => {
      await t.close();
    });

    it('/health says the database is reachable', async () => {
      const response = await t.app.inject('/health');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok', database: 'ok' });
    });

    it('/metrics answers 401 without METRICS_TOKEN as a bearer token, or with another token or an API key', async () => {
      const { apiKey } = await t.runtime.services.accounts.init({ organisationName: 'Metrics Org', email: 'metrics@org.test', password: 'metrics-password-1' });
      for (const headers of [{}, { authorization: `Bearer ${METRICS_TOKEN}x` }, { authorization: `Bearer ${METRICS_TOKEN.slice(0, -1)}` }, { authorization: METRICS_TOKEN }, { authorization: `Bearer ${apiKey}` }]) {
        const response = await t.app.inject({ url: '/metrics', headers });
        expect(response.statusCode, JSON.stringify(headers)).toBe(401);
        expect(response.headers['content-type']).toContain('application/problem+json');
        expect(response.headers['www-authenticate']).toBe('Bearer realm="metrics"');
        expect(response.body).not.toContain('microcred_');
      }
    });

    it('/metrics speaks Prometheus text with request counts and the job queue', async () => {
      await t.app.inject('/api/v1/setup');
      const response = await t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/plain');
      expect(response.body).toContain('# TYPE microcred_http_requests_total counter');
      expect(response.body).toMatch(/microcred_http_requests_total\{method="GET",route="\/api\/v1\/setup",status="200"\} \d+/);
      expect(response.body).toContain('microcred_logins_total');
    });

    it('/docs serves the interactive documentation and /docs/json an OpenAPI 3.1 document of every route', async () => {
      const ui = await t.app.inject('/docs/');
      expect(ui.statusCode).toBe(200);
      expect(ui.headers['content-type']).toContain('text/html');
      const spec = (await t.app.inject('/docs/json')).json();
      expect(spec.openapi).toBe('3.1.0');
      for (const path of ['/api/v1/setup', '/api/v1/auth/login', '/api/v1/organisations/{orgId}/api-keys', '/issuers/{issuerId}/did.json', '/health']) {
        expect(spec.paths[path], path).toBeDefined();
      }
      expect(spec.paths['/metrics'].get.security).toEqual([{ metricsToken: [] }]);
      expect(Object.keys(spec.paths['/metrics'].get.responses)).toEqual(expect.arrayContaining(['200', '401', '404']));
      expect(spec.components.securitySchemes.metricsToken).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(spec.paths['/api/v1/auth/login'].post.responses['429']).toBeDefined();
      expect(spec.components.schemas.Problem).toBeDefined();
    });

    it('unknown routes, bad JSON and wrong content types are problem+json, never stack traces', async () => {
      const missing = await t.app.inject('/nothing/here');
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['content-type']).toContain('application/problem+json');
      const badJson = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"email":' });
      expect(badJson.statusCode).toBe(400);
      expect(badJson.json().type).toContain('https://w3id.org/microcred/problems/');
      expect(badJson.body).not.toMatch(/at .*\.ts:\d+/);
      const form = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=a' });
      expect(form.statusCode).toBe(415);
      const huge = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: 'a'.repeat(2 * 1024 * 1024) }) });
      expect(huge.statusCode).toBe(413);
    });

    // Last: it closes the database under the running app.
    it('when the database is gone, /health is 503 and other requests are 500s that hide the cause', async () => {
      await t.runtime.store.destroy();
      const health = await t.app.inject('/health');
      expect(health.statusCode).toBe(503);
      expect(health.json()).toEqual({ status: 'unavailable', database: 'unreachable' });
      const response = await t.app.inject('/api/v1/setup');
      expect(response.statusCode).toBe(500);
      expect(response.json().title).toBe('Internal error');
      expect(response.body).not.toMatch(/driver|destroy|sqlite|pool|kysely/i);
    });
  });
}

describe('/metrics without METRICS_TOKEN', () => {
  it('is not served at all: 404 with or without an Authorization header', async () => {
    const t = await createTestApp('sqlite');
    try {
      for (const headers of [{}, { authorization: 'Bearer anything-at-all-0123456789' }]) {
        const response = await t.app.inject({ url: '/metrics', headers });
        expect(response.statusCode).toBe(404);
        expect(response.headers['content-type']).toContain('application/problem+json');
        expect(response.body).not.toContain('microcred_');
      }
    } finally {
      await t.close();
    }
  });

  it('a METRICS_TOKEN too short to be a secret stops the configuration', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ METRICS_TOKEN: 'has a space in it 0123456789' })).toThrow(/METRICS_TOKEN/);
    expect(loadConfig({ METRICS_TOKEN: METRICS_TOKEN }).metricsToken).toBe(METRICS_TOKEN);
  });
});

describe('request validation problems are said in words', () => {
  it('names the field and the rule without library jargon', async () => {
    const t = await createTestApp('sqlite');
    try {
      const empty = await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: { organisationName: '', email: 'a@b.eu', password: 'x'.repeat(300) } });
      expect(empty.statusCode).toBe(400);
      const errors = empty.json().errors as { pointer: string; message: string }[];
      expect(errors).toContainEqual({ pointer: '/organisationName', message: 'must not be empty' });
      expect(errors).toContainEqual({ pointer: '/password', message: 'must be at most 256 characters' });
      expect(JSON.stringify(errors)).not.toMatch(/must NOT|should/);
      const badId = await t.app.inject('/api/v1/organisations/not-a-uuid');
      expect(badId.json().errors[0]).toEqual({ pointer: '/params/orgId', message: 'is not a valid id' });
      const wrongType = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: { not: 'text' }, password: 'x' } });
      expect(wrongType.json().errors[0]).toEqual({ pointer: '/email', message: 'must be a text' });
    } finally {
      await t.close();
    }
  });
});
