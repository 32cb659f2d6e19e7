/**
 * The server's logs for a person at a terminal: pino writes two JSON lines per request (incoming,
 * completed), which buries `npm start`'s "next steps" at once. This destination turns them into one
 * short line per request (`14:03:07 GET /setup 200 3.1 ms`) and other entries into `time LEVEL message`.
 * Machines keep the JSON: it is used only on a TTY or with LOG_FORMAT=pretty (see `chooseLogFormat`).
 */

export type LogFormat = 'auto' | 'json' | 'pretty';

/** What the destination writes to: standard output or any stream (tests pass a fake terminal). */
export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** JSON for files, pipes and log collectors; the human form on a terminal, or when asked for. */
export function chooseLogFormat(format: LogFormat, out: TextSink): 'json' | 'pretty' {
  if (format !== 'auto') return format;
  return out.isTTY === true ? 'pretty' : 'json';
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
// Requests whose completion never comes (a dropped connection logs its own line) must not grow the map.
const MAX_PENDING = 1000;

interface Entry {
  level?: number;
  time?: number;
  msg?: string;
  reqId?: string;
  req?: { method?: string; path?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  err?: { message?: string; stack?: string };
}

/**
 * A pino destination that prints one line per request and a readable line for everything else.
 *
 *   Fastify({ logger: { level: 'info', stream: humanLogStream(process.stdout) } })
 */
export function humanLogStream(out: TextSink): { write(chunk: string): void } {
  // The request line is known at "incoming request", the status and time at "request completed".
  const pending = new Map<string, string>();
  let partial = '';
  const format = (line: string): string | undefined => {
    let entry: Entry;
    try {
      entry = JSON.parse(line) as Entry;
    } catch {
      return line; // not pino's: pass it through unchanged
    }
    const clock = new Date(entry.time ?? Date.now()).toTimeString().slice(0, 8);
    if (entry.msg === 'incoming request' && entry.reqId && entry.req) {
      pending.set(entry.reqId, `${entry.req.method ?? '?'} ${entry.req.path ?? entry.req.url ?? '?'}`);
      if (pending.size > MAX_PENDING) pending.delete(pending.keys().next().value!);
      return undefined;
    }
    if (entry.msg === 'request completed' && entry.res) {
      const request = (entry.reqId && pending.get(entry.reqId)) || '(request)';
      if (entry.reqId) pending.delete(entry.reqId);
      const time = typeof entry.responseTime === 'number' ? ` ${entry.responseTime.toFixed(1)} ms` : '';
      return `${clock} ${request} ${entry.res.statusCode ?? '?'}${time}`;
    }
    const level = LEVELS[entry.level ?? 30] ?? String(entry.level);
    const error = entry.err ? `\n${indent(entry.err.stack ?? entry.err.message ?? '')}` : '';
    return `${clock} ${level} ${entry.msg ?? ''}${error}`;
  };
  return {
    write(chunk: string) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      const text = lines.filter((line) => line.trim() !== '').map(format).filter((line) => line !== undefined).join('\n');
      if (text) out.write(`${text}\n`);
    },
  };
}

function indent(text: string): string {
  return text.split('\n').map((line) => `    ${line.trim()}`).join('\n');
}
