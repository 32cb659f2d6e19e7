import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARK_SVG } from '../../src/http/brand.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('the API documentation page and the favicon carry the platform\'s mark', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
  });
  afterAll(async () => {
    await t.close();
  });

  it('/docs has its own title, stylesheet, favicon and mark', async () => {
    const page = await t.app.inject('/docs/');
    const html = page.statusCode === 302 ? (await t.app.inject(page.headers.location as string)).body : page.body;
    expect(html).toContain('<title>microcred API</title>');
    const favicon = /<link rel="icon"[^>]*href="([^"]+favicon\.svg)"/.exec(html)?.[1];
    expect(favicon, html.split('\n').filter((l) => /title|icon|css|logo/.test(l)).join('\n')).toBeDefined();
    const icon = await t.app.inject(new URL(favicon!, 'http://x/docs/').pathname);
    expect(icon.statusCode).toBe(200);
    expect(icon.body).toBe(MARK_SVG);
    const css = /href="([^"]*microcred\.css)"/.exec(html)?.[1];
    expect((await t.app.inject(new URL(css!, 'http://x/docs/').pathname)).body).toContain('#12263f');
    // The mark replaces Swagger's in the top bar (the page's script carries it as a data URL).
    const script = await t.app.inject('/docs/static/swagger-initializer.js');
    expect(script.body).toContain(Buffer.from(MARK_SVG).toString('base64'));
  });

  it('the web app serves the same mark as its favicon', () => {
    expect(readFileSync(new URL('../../web/public/favicon.svg', import.meta.url), 'utf8')).toBe(MARK_SVG);
    expect(readFileSync(new URL('../../web/index.html', import.meta.url), 'utf8')).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml" />');
  });
});
