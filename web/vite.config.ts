import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * The browser application. `vite build` (or `build({configFile: 'web/vite.config.ts'})`) writes
 * web/dist, which the server serves with an SPA fallback for /setup, /login and /console/*.
 * `vite dev` proxies the API and public endpoints to a server on MICROCRED_API (default :3000).
 */
export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // The libraries change less often than the app: a chunk of their own stays cached across releases.
    rollupOptions: { output: { manualChunks: { vendor: ['react', 'react-dom', 'react-router', '@tanstack/react-query'] } } },
  },
  server: {
    // The EU code lists are shared with the server (src/domain/eu-elements.ts, pure). The API's types
    // (src/http/contract) are imported type-only, so nothing of them or of TypeBox reaches the bundle.
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
    proxy: Object.fromEntries(
      ['/api', '/credentials', '/issuers', '/achievements', '/status', '/contexts', '/.well-known'].map((p) => [
        p,
        { target: process.env.MICROCRED_API ?? 'http://127.0.0.1:3000', changeOrigin: false },
      ]),
    ),
  },
});
