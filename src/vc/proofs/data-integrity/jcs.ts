/**
 * JSON Canonicalization Scheme (RFC 8785), the canonical form under `eddsa-jcs-2022`.
 * Small enough to own: JSON.stringify already gives RFC 8785's number form (ECMAScript
 * Number::toString, RFC 8785 §3.2.2.3) and string escaping (§3.2.2.2); what is left is key order.
 */

/**
 * The RFC 8785 canonical JSON text of a JSON value. Throws TypeError for what JSON cannot carry
 * (undefined, functions, bigint, NaN/Infinity, lone surrogates in strings or keys).
 *
 * @example
 *   canonicalizeJcs({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalizeJcs(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      // RFC 8785 §3.2.2.3: I-JSON has no NaN/Infinity; -0 serialises as 0 (JSON.stringify does).
      if (!Number.isFinite(value)) throw new TypeError('JSON numbers must be finite.');
      return JSON.stringify(value);
    case 'string':
      return serializeString(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item) => canonicalizeJcs(item)).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
      // RFC 8785 §3.2.3: sort by UTF-16 code units, which is what the default string comparison does.
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${serializeString(k)}:${canonicalizeJcs(v)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`A ${typeof value} value cannot be written as JSON.`);
  }
}

// With the `u` flag a surrogate only matches when it is not part of a pair.
const LONE_SURROGATE = /\p{Surrogate}/u;

function serializeString(text: string): string {
  // RFC 8785 §3.2.2.2 requires valid Unicode: a lone surrogate has no UTF-8 form.
  if (LONE_SURROGATE.test(text)) throw new TypeError('JSON strings must be valid Unicode (no lone surrogates).');
  return JSON.stringify(text);
}
