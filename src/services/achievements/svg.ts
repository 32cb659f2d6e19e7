/**
 * A small, strict SVG sanitiser for uploaded achievement images. The upload is parsed as XML (a
 * subset: no DTD, predefined entities only, ASCII names), then re-written from the parse tree
 * keeping only the drawing:
 *
 * - elements: SVG-namespace drawing elements from an allow-list; everything else (script,
 *   foreignObject, handler, iframe, elements of other namespaces such as editor metadata) is dropped
 *   with its content;
 * - attributes: event handlers (`on…`) and `xml:base` go; `href`/`xlink:href`/`src` survive only as a
 *   fragment reference (`#id`) or a `data:` raster image; `url(…)` in any value or style must point
 *   to a fragment; CSS with `@import` or `expression(` is dropped; attributes of foreign namespaces go;
 * - DOCTYPE and ENTITY declarations make the file invalid (entity expansion and external entities are
 *   the classic XML attacks); comments and processing instructions are dropped.
 *
 * Writing from the tree (rather than cutting pieces out of the text) means nothing the parser did
 * not understand can reach the output: every text and attribute value is escaped again.
 */

export const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

const MAX_DEPTH = 128;
const MAX_ELEMENTS = 50_000;
const MAX_ATTRIBUTES = 256;

/** SVG 1.1 / 2 elements that draw or describe a drawing. */
const ALLOWED_ELEMENTS = new Set([
  'a', 'circle', 'clipPath', 'defs', 'desc', 'ellipse', 'feBlend', 'feColorMatrix', 'feComponentTransfer',
  'feComposite', 'feConvolveMatrix', 'feDiffuseLighting', 'feDisplacementMap', 'feDistantLight', 'feDropShadow',
  'feFlood', 'feFuncA', 'feFuncB', 'feFuncG', 'feFuncR', 'feGaussianBlur', 'feImage', 'feMerge', 'feMergeNode',
  'feMorphology', 'feOffset', 'fePointLight', 'feSpecularLighting', 'feSpotLight', 'feTile', 'feTurbulence',
  'filter', 'g', 'image', 'line', 'linearGradient', 'marker', 'mask', 'metadata', 'path', 'pattern', 'polygon',
  'polyline', 'radialGradient', 'rect', 'stop', 'style', 'svg', 'switch', 'symbol', 'text', 'textPath', 'title',
  'tspan', 'use', 'view', 'animate', 'animateMotion', 'animateTransform', 'set', 'mpath',
]);
const ANIMATIONS = new Set(['animate', 'animateMotion', 'animateTransform', 'set']);

export interface SvgElement {
  name: string;
  /** Namespace of the element, resolved from xmlns declarations (undefined: no namespace). */
  ns: string | undefined;
  local: string;
  attributes: SvgAttribute[];
  children: SvgNode[];
}
export interface SvgAttribute {
  name: string;
  ns: string | undefined;
  local: string;
  value: string;
}
export type SvgNode = SvgElement | { text: string };

export type SanitiseResult = { ok: true; svg: string; removed: string[] } | { ok: false; error: string };

class SvgSyntaxError extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9._-]*(?::[A-Za-z_][A-Za-z0-9._-]*)?$/;
const NAME_AT = /[A-Za-z_][A-Za-z0-9._:-]*/y;
// XML 1.0 §2.2: the characters a document may not contain.
// eslint-disable-next-line no-control-regex
const BAD_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

/** Replaces character and predefined entity references; anything else with `&` is malformed XML. */
function decode(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&]{0,10});?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) throw new SvgSyntaxError('a "&" is not part of an entity reference (write &amp;)');
    if (body in PREDEFINED) return PREDEFINED[body]!;
    const numeric = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(body);
    if (!numeric) throw new SvgSyntaxError(`the entity &${body}; is not defined (only &lt; &gt; &amp; &quot; &apos; and character references are allowed)`);
    const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2]);
    if (!isXmlChar(code)) throw new SvgSyntaxError(`the character reference &${body}; is not an allowed XML character`);
    return String.fromCodePoint(code);
  });
}

function splitName(name: string): [string | undefined, string] {
  const colon = name.indexOf(':');
  return colon < 0 ? [undefined, name] : [name.slice(0, colon), name.slice(colon + 1)];
}

/**
 * Parses the SVG text into a tree with namespaces resolved. Throws SvgSyntaxError (with a sentence)
 * on anything that is not well-formed, on DTDs and entity declarations, and beyond the size limits.
 */
export function parseSvg(text: string): SvgElement {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (BAD_CHARS.test(text)) throw new SvgSyntaxError('it contains control characters that XML does not allow');
  let i = 0;
  let root: SvgElement | undefined;
  let elements = 0;
  const stack: { element: SvgElement; scope: Map<string | undefined, string | undefined> }[] = [];
  const scopeOf = () => stack.at(-1)?.scope ?? new Map<string | undefined, string | undefined>([['xml', XML_NS]]);
  const addText = (value: string) => {
    const parent = stack.at(-1);
    if (!parent) {
      if (value.trim() !== '') throw new SvgSyntaxError('it has text outside the <svg> element');
      return;
    }
    const last = parent.element.children.at(-1);
    if (last && 'text' in last) last.text += value;
    else parent.element.children.push({ text: value });
  };
  const expect = (literal: string, what: string) => {
    if (!text.startsWith(literal, i)) throw new SvgSyntaxError(`${what} is malformed`);
    i += literal.length;
  };
  const skipSpace = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const readName = (what: string): string => {
    NAME_AT.lastIndex = i;
    const match = NAME_AT.exec(text);
    if (!match || !NAME.test(match[0])) throw new SvgSyntaxError(`${what} has an invalid name`);
    i += match[0].length;
    return match[0];
  };

  while (i < text.length) {
    if (text[i] !== '<') {
      const next = text.indexOf('<', i);
      const end = next < 0 ? text.length : next;
      const raw = text.slice(i, end);
      if (raw.includes(']]>')) throw new SvgSyntaxError('it contains "]]>" outside a CDATA section');
      addText(decode(raw));
      i = end;
      continue;
    }
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) throw new SvgSyntaxError('a processing instruction is not closed');
      i = end + 2;
      continue;
    }
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) throw new SvgSyntaxError('a comment is not closed');
      i = end + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', i)) {
      if (stack.length === 0) throw new SvgSyntaxError('it has a CDATA section outside the <svg> element');
      const end = text.indexOf(']]>', i + 9);
      if (end < 0) throw new SvgSyntaxError('a CDATA section is not closed');
      addText(text.slice(i + 9, end));
      i = end + 3;
      continue;
    }
    if (text.startsWith('<!', i)) {
      throw new SvgSyntaxError('it contains a DOCTYPE or ENTITY declaration, which uploaded images may not have');
    }
    if (text.startsWith('</', i)) {
      i += 2;
      const name = readName('a closing tag');
      skipSpace();
      expect('>', `the closing tag </${name}>`);
      const open = stack.pop();
      if (!open || open.element.name !== name) throw new SvgSyntaxError(`the closing tag </${name}> does not match ${open ? `<${open.element.name}>` : 'any open element'}`);
      continue;
    }
    // A start tag.
    i += 1;
    const name = readName('a tag');
    const rawAttributes: [string, string][] = [];
    for (;;) {
      const before = i;
      skipSpace();
      if (text.startsWith('/>', i) || text.startsWith('>', i)) break;
      if (i === before) throw new SvgSyntaxError(`the tag <${name}> is malformed (attributes must be separated by spaces)`);
      const attribute = readName(`an attribute of <${name}>`);
      skipSpace();
      expect('=', `the attribute ${attribute} of <${name}>`);
      skipSpace();
      const quote = text[i];
      if (quote !== '"' && quote !== "'") throw new SvgSyntaxError(`the value of ${attribute} in <${name}> is not quoted`);
      const end = text.indexOf(quote, i + 1);
      if (end < 0) throw new SvgSyntaxError(`the value of ${attribute} in <${name}> is not closed`);
      const raw = text.slice(i + 1, end);
      if (raw.includes('<')) throw new SvgSyntaxError(`the value of ${attribute} in <${name}> contains "<"`);
      if (rawAttributes.some(([n]) => n === attribute)) throw new SvgSyntaxError(`<${name}> has the attribute ${attribute} twice`);
      // XML §3.3.3: white space in attribute values is normalised to spaces.
      rawAttributes.push([attribute, decode(raw.replace(/[\t\r\n]/g, ' '))]);
      if (rawAttributes.length > MAX_ATTRIBUTES) throw new SvgSyntaxError(`<${name}> has too many attributes`);
      i = end + 1;
    }
    const selfClosing = text.startsWith('/>', i);
    i += selfClosing ? 2 : 1;

    const scope = new Map(scopeOf());
    for (const [attribute, value] of rawAttributes) {
      if (attribute === 'xmlns') scope.set(undefined, value === '' ? undefined : value);
      else if (attribute.startsWith('xmlns:')) {
        if (value === '') throw new SvgSyntaxError(`the namespace prefix ${attribute.slice(6)} is declared empty`);
        scope.set(attribute.slice(6), value);
      }
    }
    const resolve = (qualified: string, isAttribute: boolean): [string | undefined, string] => {
      const [prefix, local] = splitName(qualified);
      if (qualified === 'xmlns' || prefix === 'xmlns') return [XMLNS_NS, local];
      if (prefix === undefined) return [isAttribute ? undefined : scope.get(undefined), local];
      if (!scope.has(prefix)) throw new SvgSyntaxError(`the namespace prefix "${prefix}" of ${qualified} is not declared`);
      return [scope.get(prefix), local];
    };
    const [ns, local] = resolve(name, false);
    const element: SvgElement = {
      name, ns, local,
      attributes: rawAttributes.map(([attribute, value]) => {
        const [attributeNs, attributeLocal] = resolve(attribute, true);
        return { name: attribute, ns: attributeNs, local: attributeLocal, value };
      }),
      children: [],
    };
    if (++elements > MAX_ELEMENTS) throw new SvgSyntaxError(`it has more than ${MAX_ELEMENTS} elements`);
    const parent = stack.at(-1);
    if (parent) parent.element.children.push(element);
    else if (root) throw new SvgSyntaxError('it has more than one root element');
    else root = element;
    if (!selfClosing) {
      stack.push({ element, scope });
      if (stack.length > MAX_DEPTH) throw new SvgSyntaxError(`its elements are nested more than ${MAX_DEPTH} deep`);
    }
  }
  if (stack.length > 0) throw new SvgSyntaxError(`the element <${stack.at(-1)!.element.name}> is not closed`);
  if (!root) throw new SvgSyntaxError('it has no root element');
  return root;
}

/** A fragment reference or an embedded raster image: the only links an image may keep. */
function safeReference(value: string): boolean {
  // Browsers ignore whitespace and control characters inside a scheme ("java\tscript:").
  // eslint-disable-next-line no-control-regex
  const compact = value.replace(/[\s\u0000-\u001f]/g, '');
  if (compact.startsWith('#')) return /^#[^\s"'<>()\\]*$/.test(compact);
  return /^data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/]*={0,2}$/i.test(compact);
}

/** Every `url(…)` in a value points into the document itself. */
function safeUrls(value: string): boolean {
  const pattern = /url\s*\(\s*(['"]?)([^'")]*)\1\s*\)/gi;
  const urls = [...value.matchAll(pattern)];
  // An unbalanced or escaped url( the pattern could not read is refused outright.
  if ((value.match(/url\s*\(/gi)?.length ?? 0) !== urls.length || value.includes('\\')) return !/url\s*\(/i.test(value);
  return urls.every((m) => /^#[^\s]*$/.test(m[2]!.trim()));
}

function safeCss(css: string): boolean {
  const lower = css.replace(/\/\*[\s\S]*?\*\//g, '').toLowerCase();
  if (/@import|expression\s*\(|-moz-binding|behavior\s*:|javascript:/.test(lower)) return false;
  if (/\\/.test(lower)) return false; // CSS escapes can spell any of the above
  return safeUrls(css);
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

function keepAttribute(element: SvgElement, attribute: SvgAttribute, removed: Set<string>): boolean {
  const { ns, local, value, name } = attribute;
  const drop = (why: string) => {
    removed.add(why);
    return false;
  };
  if (ns === XMLNS_NS) return true;
  if (ns === XML_NS) return local === 'space' || local === 'lang' ? true : drop(`${name} attribute`);
  if (ns !== undefined && ns !== XLINK_NS) return drop(`${name} attribute`);
  if (/^on/i.test(local)) return drop(`${name} event handler`);
  if (local === 'href' || local === 'src') return safeReference(value) ? true : drop(`${name} reference to "${value.slice(0, 60)}" on <${element.name}>`);
  if (local === 'style') return safeCss(value) ? true : drop(`style attribute on <${element.name}>`);
  if (!safeUrls(value)) return drop(`${name} attribute with an external url()`);
  return true;
}

function write(element: SvgElement, removed: Set<string>, out: string[]): void {
  if (element.ns !== SVG_NS || !ALLOWED_ELEMENTS.has(element.local)) {
    removed.add(`<${element.name}> element`);
    return;
  }
  if (ANIMATIONS.has(element.local)) {
    // An animation can set an attribute to anything: one that targets a link, a handler or a style goes.
    const target = element.attributes.find((a) => a.local === 'attributeName' && a.ns === undefined)?.value.trim() ?? '';
    if (/(^|:)href$|^on|^style$|^src$/i.test(target)) {
      removed.add(`<${element.name}> animating ${target}`);
      return;
    }
  }
  if (element.local === 'style') {
    const css = element.children.map((c) => ('text' in c ? c.text : '')).join('');
    if (element.children.some((c) => !('text' in c)) || !safeCss(css)) {
      removed.add('<style> element with unsafe CSS');
      return;
    }
  }
  out.push('<', element.name);
  for (const attribute of element.attributes) {
    if (keepAttribute(element, attribute, removed)) out.push(' ', attribute.name, '="', escapeAttribute(attribute.value), '"');
  }
  const inner: string[] = [];
  for (const child of element.children) {
    if ('text' in child) inner.push(escapeText(child.text));
    else write(child, removed, inner);
  }
  // Empty (or emptied) elements are written self-closed, so a second pass writes the same text.
  const content = inner.join('');
  if (content === '') out.push('/>');
  else out.push('>', content, '</', element.name, '>');
}

/**
 * Sanitises an uploaded SVG image: returns the cleaned SVG text and what was removed (in words), or
 * why the file was refused. Never throws.
 *
 * @example
 *   sanitiseSvg('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect/></svg>')
 *   // → { ok: true, svg: '<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', removed: ['<script> element'] }
 */
export function sanitiseSvg(input: string | Uint8Array): SanitiseResult {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      return { ok: false, error: 'The SVG image is not valid UTF-8 text.' };
    }
  }
  let root: SvgElement;
  try {
    root = parseSvg(text);
  } catch (error) {
    if (error instanceof SvgSyntaxError) return { ok: false, error: `The SVG image is not well-formed XML: ${error.message}.` };
    if (error instanceof RangeError) return { ok: false, error: 'The SVG image is too complex to read.' };
    throw error;
  }
  if (root.ns !== SVG_NS || root.local !== 'svg') {
    return { ok: false, error: `The file is not an SVG image: its root element is <${root.name}>, not <svg xmlns="${SVG_NS}">.` };
  }
  const removed = new Set<string>();
  const out: string[] = [];
  write(root, removed, out);
  return { ok: true, svg: out.join('') + '\n', removed: [...removed] };
}
