/**
 * The "shape" of a JSON-LD document: everything that decides which quads JSON-LD expansion produces,
 * except the string values that only end up verbatim in those quads (the leaves).
 */

/** Thrown (and caught by the cache) for input the fast path does not model: the general algorithm takes it. */
export class UnsupportedShapeError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnsupportedShapeError';
  }
}

export interface DocumentShape {
  /** Canonical description of keys, array lengths, leaf kinds and every value that is not a leaf. */
  structure: string;
  /** The substitutable string values, in document order (the order `withLeaves` visits them). */
  leaves: string[];
}

// `type` is kept whole because type values select type-scoped contexts and become vocabulary IRIs.
// Keywords other than @id and @value (e.g. @language, @index, @direction) change how a value is
// read, so their values are part of the shape too.
function isValueKey(key: string | undefined): boolean {
  if (key === undefined) return false;
  if (key === 'type') return true;
  return key.startsWith('@') && key !== '@id' && key !== '@value';
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** JSON text of a value that is part of the shape; refuses anything JSON cannot carry faithfully. */
function fixedJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new UnsupportedShapeError('non-finite number');
      return String(value);
    case 'boolean':
      return String(value);
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map(fixedJson).join(',')}]`;
      if (!isPlainObject(value)) throw new UnsupportedShapeError('non-plain object');
      let out = '{';
      for (const key of Object.keys(value)) out += `${JSON.stringify(key)}:${fixedJson(value[key])},`;
      return `${out}}`;
    }
    default:
      throw new UnsupportedShapeError(`value of type ${typeof value}`);
  }
}

function scalar(value: unknown): string {
  switch (typeof value) {
    case 'number':
      // String() tells every number apart except 0 and -0, which jsonld writes identically.
      return `n${String(value)}`;
    case 'boolean':
      return value ? 't' : 'f';
    case 'undefined':
      // Objects built in code often carry `key: undefined`; jsonld drops it, and so does the template.
      return 'u';
    default:
      if (value === null) return 'z';
      throw new UnsupportedShapeError(`value of type ${typeof value}`);
  }
}

// Appends to `out` rather than concatenating: a joined array is one flat string, cheap to hash as a key.
function describeValue(value: unknown, key: string | undefined, leaves: string[], out: string[]): void {
  if (key === '@context' || isValueKey(key)) {
    out.push('v', fixedJson(value));
    return;
  }
  if (typeof value === 'string') {
    leaves.push(value);
    out.push('s');
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    // Array members inherit the key: `type: ["A", "B"]` is handled above, `@id` stays a leaf.
    for (const item of value) {
      describeValue(item, key, leaves, out);
      out.push(',');
    }
    out.push(']');
    return;
  }
  if (typeof value === 'object' && value !== null) {
    if (!isPlainObject(value)) throw new UnsupportedShapeError('non-plain object');
    out.push('{');
    // Length-prefixed keys: unambiguous whatever characters a key holds, and cheaper than quoting.
    for (const k of Object.keys(value)) {
      out.push(`${k.length}#${k}:`);
      describeValue(value[k], k, leaves, out);
      out.push(',');
    }
    out.push('}');
    return;
  }
  out.push(scalar(value));
}

/** Describes a document; throws UnsupportedShapeError for values JSON cannot carry. */
export function describeShape(document: Record<string, unknown>): DocumentShape {
  const leaves: string[] = [];
  const out: string[] = [];
  describeValue(document, undefined, leaves, out);
  return { structure: out.join(''), leaves };
}

function rebuild(value: unknown, key: string | undefined, replace: (index: number) => string, counter: { next: number }): unknown {
  if (key === '@context' || isValueKey(key)) return value;
  if (typeof value === 'string') return replace(counter.next++);
  if (Array.isArray(value)) return value.map((item) => rebuild(item, key, replace, counter));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // defineProperty, not assignment: a `__proto__` key must stay an ordinary key, as in JSON.parse.
      Object.defineProperty(out, k, { value: rebuild(v, k, replace, counter), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/**
 * A copy of the document with leaf `i` replaced by `replace(i)`, visiting leaves in the same order
 * as `describeShape` (the document must already have been described without error).
 */
export function withLeaves(document: Record<string, unknown>, replace: (index: number) => string): Record<string, unknown> {
  return rebuild(document, undefined, replace, { next: 0 }) as Record<string, unknown>;
}
