/**
 * microcred's mark (a badge with a check), for the favicon and the API documentation page. The web
 * app serves the same drawing as web/public/favicon.svg (test/http/docs-brand.test.ts keeps them equal).
 */
export const MARK_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><circle cx="32" cy="28" r="22" fill="#12263f"/><path d="M20 46 14 62l10-4 6 6 4-14M44 46l6 16-10-4-6 6-4-14" fill="#1d4ed8"/><path d="m22 28 7 7 13-14" fill="none" stroke="#fff" stroke-width="6" stroke-linecap="round" stroke-linejoin="round"/></svg>\n';

/** The API page in the platform's colours: its own title, mark and favicon instead of Swagger's. */
export const DOCS_CSS = [
  '.swagger-ui .topbar { background: #12263f; }',
  '.swagger-ui .topbar .download-url-wrapper .download-url-button { background: #1d4ed8; }',
  '.swagger-ui .topbar-wrapper img { height: 40px; }',
  '.swagger-ui .info .title { color: #12263f; }',
].join('\n');
