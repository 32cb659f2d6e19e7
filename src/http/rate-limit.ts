import type { FastifyInstance } from 'fastify';
import { RateLimited } from '../services/errors.ts';

export interface RateLimitOptions {
  /** Route URLs (as declared) the limit applies to. */
  routes: readonly string[];
  /** Requests per client address per window; 0 disables. */
  perWindow: number;
  windowMs: number;
  /** Most addresses tracked at once (oldest forgotten first), so memory stays bounded. */
  maxClients?: number;
  now?: () => number;
}

/**
 * A fixed-window limit per client address for expensive public endpoints (verification). It lives
 * in this node's memory: it protects the node, and no other node needs it (unlike the login limit,
 * which is in the database so that an attacker cannot spread guesses over nodes).
 */
export function registerRateLimit(app: FastifyInstance, options: RateLimitOptions): void {
  if (options.perWindow <= 0) return;
  const routes = new Set(options.routes);
  const maxClients = options.maxClients ?? 10_000;
  const now = options.now ?? Date.now;
  const windows = new Map<string, { start: number; count: number }>();
  app.addHook('onRequest', async (request) => {
    if (!routes.has(request.routeOptions.url ?? '')) return;
    const at = now();
    let window = windows.get(request.ip);
    if (!window || at - window.start >= options.windowMs) {
      windows.delete(request.ip);
      if (windows.size >= maxClients) windows.delete(windows.keys().next().value!);
      window = { start: at, count: 0 };
      windows.set(request.ip, window);
    }
    window.count++;
    if (window.count > options.perWindow) throw new RateLimited(Math.ceil((window.start + options.windowMs - at) / 1000));
  });
}
