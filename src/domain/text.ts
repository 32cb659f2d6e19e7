/**
 * Control characters no text field holds: C0 except tab, line feed and carriage return, DEL and C1.
 * PostgreSQL refuses NUL in text outright; the others only hide text or break what later shows it
 * (mail headers, CSV, terminals). The one rule for JSON bodies (src/http/json-body.ts) and CSV rows.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/**
 * The first control character in the text, named `U+0000`-style, or undefined when there is none.
 *
 * @example controlCharacterIn('Ana\u0000') // 'U+0000'; controlCharacterIn('a\tb\r\n') // undefined
 */
export function controlCharacterIn(text: string): string | undefined {
  const found = CONTROL.exec(text);
  return found ? `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}
