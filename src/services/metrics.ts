import type { Metrics } from '../services/context.ts';

/**
 * Prometheus counters of this process (each node is scraped on its own). An explicit object, bounded
 * by the label sets the code uses (no user input becomes a label).
 */
export class MetricsRegistry implements Metrics {
  readonly #counters = new Map<string, Map<string, number>>();
  readonly #help = new Map<string, string>();

  describe(name: string, help: string): void {
    this.#help.set(name, help);
  }

  increment(name: string, labels: Record<string, string> = {}, by = 1): void {
    const key = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',');
    let series = this.#counters.get(name);
    if (!series) this.#counters.set(name, (series = new Map()));
    series.set(key, (series.get(key) ?? 0) + by);
  }

  /** Prometheus text exposition format, with gauges computed at scrape time appended. */
  render(gauges: { name: string; help: string; value: number; labels?: Record<string, string> }[] = []): string {
    const lines: string[] = [];
    for (const [name, series] of [...this.#counters].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`# HELP ${name} ${this.#help.get(name) ?? name}`, `# TYPE ${name} counter`);
      for (const [labels, value] of series) lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
    }
    const seen = new Set<string>();
    for (const gauge of gauges) {
      if (!seen.has(gauge.name)) {
        seen.add(gauge.name);
        lines.push(`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`);
      }
      const labels = Object.entries(gauge.labels ?? {}).map(([k, v]) => `${k}="${v}"`).join(',');
      lines.push(`${gauge.name}${labels ? `{${labels}}` : ''} ${gauge.value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
