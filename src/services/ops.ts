import type { ServiceContext } from './context.ts';
import type { MetricsRegistry } from './metrics.ts';

export interface OpsDeps {
  /** True while the database answers (the store's ping). */
  ping(): Promise<boolean>;
  /** This process's counters, rendered at /metrics. */
  registry: Pick<MetricsRegistry, 'render'>;
}

/**
 * What operations see: whether the database answers, and the Prometheus text of this process's
 * counters with the job queue's gauges (read from the database, so every node reports the same).
 */
export function createOpsService(ctx: Pick<ServiceContext, 'queue'>, deps: OpsDeps) {
  return {
    /** Whether the database is reachable (/health). */
    healthy: (): Promise<boolean> => deps.ping(),

    /** The Prometheus exposition text (/metrics). */
    async metrics(): Promise<string> {
      const counts = await ctx.queue.counts();
      // Only states that have jobs, as Prometheus scrapes of this endpoint always showed.
      const gauges = Object.entries(counts).filter(([, n]) => n > 0)
        .map(([status, n]) => ({ name: 'microcred_jobs', help: 'Background jobs by state', value: n, labels: { status } }));
      return deps.registry.render(gauges);
    },
  };
}

export type OpsService = ReturnType<typeof createOpsService>;
