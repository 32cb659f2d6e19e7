/**
 * Baked SVG images: OB 3.0 §5.3.2 (`<openbadges:credential>` in the namespace
 * https://purl.imsglobal.org/ob/v3p0) and Open Badges 2.0 (`<openbadges:assertion>` in
 * http://openbadges.org). No XML library: a bounded, linear scanner that never expands DTD entities
 * (billion laughs, external entities) and refuses files that declare them.
 */
import {
  MAX_CREDENTIAL_TEXT,
  credentialText,
  interpretBakedText,
  type BakeableCredential,
  type ExtractError,
  type ExtractResult,
} from './types.ts';

export const OB3_SVG_NAMESPACE = 'https://purl.imsglobal.org/ob/v3p0';
export const OB2_SVG_NAMESPACE = 'http://openbadges.org';

const DEFAULT_MAX_CHARS = 8 * 1024 * 1024;
const MAX_DEPTH = 1000;
const MAX_NAMESPACE_DECLARATIONS = 10_000;

function namespaceKind(uri: string): 'ob3' | 'ob2' | undefined {
  const normalised = uri.trim().replace(/\/+$/, '').toLowerCase();
  if (normalised === OB3_SVG_NAMESPACE || normalised === 'http://purl.imsglobal.org/ob/v3p0') return 'ob3';
  if (normalised === OB2_SVG_NAMESPACE || normalised === 'https://openbadges.org') return 'ob2';
  return undefined;
}

interface Attribute {
  name: string;
  value: string;
}

interface StartTag {
  name: string;
  start: number;
  /** Offset just past `>`. */
  end: number;
  selfClosing: boolean;
  attributes: Attribute[];
}

/** A baked-credential element found in the file. */
interface BadgeElement {
  kind: 'ob3' | 'ob2';
  start: number;
  end: number;
  verify?: string;
  content: string;
}

interface Scan {
  ok: true;
  root: StartTag;
  elements: BadgeElement[];
}

class ScanError extends Error {}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML 1.0 §4.6 predefined entities and character references only; anything else is refused. */
function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw;
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const amp = raw.indexOf('&', i);
    if (amp < 0) {
      out += raw.slice(i);
      break;
    }
    out += raw.slice(i, amp);
    const semi = raw.indexOf(';', amp);
    if (semi < 0 || semi - amp > 12) throw new ScanError('The SVG file contains a stray "&" that is not a valid character reference.');
    const name = raw.slice(amp + 1, semi);
    let char: string | undefined;
    if (/^#x[0-9a-fA-F]{1,6}$/.test(name) || /^#[0-9]{1,7}$/.test(name)) {
      const code = name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      if (code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) char = String.fromCodePoint(code);
    } else {
      char = NAMED_ENTITIES[name];
    }
    if (char === undefined) throw new ScanError(`The SVG file uses the entity "&${name.slice(0, 12)};", which microcred does not expand.`);
    out += char;
    i = semi + 1;
  }
  return out;
}

const NAME_START = /[A-Za-z_:]/;
const NAME_CHAR = /[\w.:-]/;

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\n' || c === '\t' || c === '\r';
}

function parseStartTag(text: string, lt: number): StartTag {
  let j = lt + 1;
  if (!NAME_START.test(text[j] ?? '')) throw new ScanError('The SVG file is not well-formed XML (a tag has no valid name).');
  while (j < text.length && NAME_CHAR.test(text[j]!)) j++;
  const name = text.slice(lt + 1, j);
  const attributes: Attribute[] = [];
  const seen = new Set<string>();
  for (;;) {
    const before = j;
    while (isSpace(text[j])) j++;
    const c = text[j];
    if (c === undefined) throw new ScanError('The SVG file ends in the middle of a tag.');
    if (c === '>') return { name, start: lt, end: j + 1, selfClosing: false, attributes };
    if (c === '/') {
      if (text[j + 1] !== '>') throw new ScanError('The SVG file is not well-formed XML (a "/" inside a tag).');
      return { name, start: lt, end: j + 2, selfClosing: true, attributes };
    }
    if (j === before || !NAME_START.test(c)) throw new ScanError('The SVG file is not well-formed XML (an attribute is malformed).');
    const nameStart = j;
    while (j < text.length && NAME_CHAR.test(text[j]!)) j++;
    const attributeName = text.slice(nameStart, j);
    // XML 1.0 §3.1 (Unique Att Spec): XML parsers refuse such a file, so picking one value would read it
    // differently from every other reader.
    if (seen.has(attributeName)) {
      throw new ScanError(`The SVG file is not well-formed XML (an element has the attribute "${attributeName.slice(0, 40)}" twice).`);
    }
    while (isSpace(text[j])) j++;
    if (text[j] !== '=') throw new ScanError('The SVG file is not well-formed XML (an attribute has no value).');
    j++;
    while (isSpace(text[j])) j++;
    const quote = text[j];
    if (quote !== '"' && quote !== "'") throw new ScanError('The SVG file is not well-formed XML (an attribute value is not quoted).');
    const close = text.indexOf(quote, j + 1);
    if (close < 0) throw new ScanError('The SVG file ends in the middle of an attribute value.');
    const raw = text.slice(j + 1, close);
    if (raw.includes('<')) throw new ScanError('The SVG file is not well-formed XML ("<" inside an attribute value).');
    seen.add(attributeName);
    attributes.push({ name: attributeName, value: decodeEntities(raw) });
    j = close + 1;
  }
}

/** Skips a DOCTYPE declaration, refusing one that declares entities. Returns the offset after it. */
function skipDoctype(text: string, lt: number): number {
  let quote: string | undefined;
  let inSubset = false;
  for (let j = lt + 9; j < text.length; j++) {
    const c = text[j]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '[') {
      inSubset = true;
    } else if (c === ']') {
      inSubset = false;
    } else if (c === '>' && !inSubset) {
      // Entity declarations are how billion-laughs and external-entity attacks start; refuse them.
      if (/<!ENTITY/i.test(text.slice(lt, j))) {
        throw new ScanError('The SVG file declares XML entities in its DOCTYPE, which microcred refuses to read for safety.');
      }
      return j + 1;
    }
  }
  throw new ScanError('The SVG file ends inside its DOCTYPE declaration.');
}

interface Frame {
  name: string;
  /** Prefixes this element declared, to unbind when it closes. */
  declared: string[];
}

function splitName(name: string): [prefix: string, local: string] {
  const colon = name.indexOf(':');
  return colon < 0 ? ['', name] : [name.slice(0, colon), name.slice(colon + 1)];
}

/** Reads the content of a badge element: CDATA sections and character data, no child elements. */
function readBadgeContent(text: string, from: number, qualifiedName: string): { content: string; end: number } {
  let content = '';
  let i = from;
  for (;;) {
    const lt = text.indexOf('<', i);
    if (lt < 0) throw new ScanError(`The SVG file never closes its <${qualifiedName}> element.`);
    content += decodeEntities(text.slice(i, lt));
    if (text.startsWith('<![CDATA[', lt)) {
      const close = text.indexOf(']]>', lt + 9);
      if (close < 0) throw new ScanError('The SVG file ends inside a CDATA section.');
      content += text.slice(lt + 9, close);
      i = close + 3;
    } else if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      if (close < 0) throw new ScanError('The SVG file ends inside a comment.');
      i = close + 3;
    } else if (text.startsWith('</', lt)) {
      const close = text.indexOf('>', lt);
      if (close < 0 || text.slice(lt + 2, close).trim() !== qualifiedName) {
        throw new ScanError(`The <${qualifiedName}> element in the SVG file is not closed properly.`);
      }
      return { content, end: close + 1 };
    } else {
      throw new ScanError(`The <${qualifiedName}> element in the SVG file contains unexpected markup.`);
    }
    if (content.length > MAX_CREDENTIAL_TEXT) throw new ScanError('The credential in the SVG file is larger than microcred accepts.');
  }
}

function scan(text: string): Scan {
  const stack: Frame[] = [];
  const elements: BadgeElement[] = [];
  let root: StartTag | undefined;
  let declarations = 0;
  const bindings = new Map<string, string[]>();
  const unbind = (declared: readonly string[]) => {
    for (const prefix of declared) bindings.get(prefix)?.pop();
  };
  let i = 0;
  for (;;) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      if (close < 0) throw new ScanError('The SVG file ends inside a comment.');
      i = close + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const close = text.indexOf(']]>', lt + 9);
      if (close < 0) throw new ScanError('The SVG file ends inside a CDATA section.');
      i = close + 3;
    } else if (text.startsWith('<?', lt)) {
      const close = text.indexOf('?>', lt + 2);
      if (close < 0) throw new ScanError('The SVG file ends inside a processing instruction.');
      i = close + 2;
    } else if (text.slice(lt, lt + 9).toUpperCase() === '<!DOCTYPE') {
      if (root) throw new ScanError('The SVG file has a DOCTYPE after its root element.');
      i = skipDoctype(text, lt);
    } else if (text.startsWith('<!', lt)) {
      throw new ScanError('The SVG file contains markup declarations microcred does not read.');
    } else if (text.startsWith('</', lt)) {
      const close = text.indexOf('>', lt);
      if (close < 0) throw new ScanError('The SVG file ends in the middle of a closing tag.');
      const name = text.slice(lt + 2, close).trim();
      const index = stack.findLastIndex((frame) => frame.name === name);
      if (index < 0) throw new ScanError(`The SVG file closes a </${name.slice(0, 40)}> element it never opened.`);
      while (stack.length > index) unbind(stack.pop()!.declared);
      i = close + 1;
    } else {
      const tag = parseStartTag(text, lt);
      if (!root) {
        if (splitName(tag.name)[1] !== 'svg') throw new ScanError('The file is XML but not an SVG image (its root element is not <svg>).');
        root = tag;
      } else if (stack.length === 0) {
        throw new ScanError('The SVG file has content after its root element.');
      }
      // Namespace scoping (Namespaces in XML §6.1) with one stack of values per prefix: linear in the file.
      const declared: string[] = [];
      for (const attribute of tag.attributes) {
        if (attribute.name !== 'xmlns' && !attribute.name.startsWith('xmlns:')) continue;
        if (++declarations > MAX_NAMESPACE_DECLARATIONS) throw new ScanError('The SVG file declares too many XML namespaces.');
        const prefix = attribute.name === 'xmlns' ? '' : attribute.name.slice(6);
        const values = bindings.get(prefix) ?? [];
        values.push(attribute.value);
        bindings.set(prefix, values);
        declared.push(prefix);
      }
      const [prefix, local] = splitName(tag.name);
      const kind = namespaceKind(bindings.get(prefix)?.at(-1) ?? '');
      if ((kind === 'ob3' && local === 'credential') || (kind === 'ob2' && local === 'assertion')) {
        const verify = tag.attributes.find((attribute) => attribute.name === 'verify')?.value;
        const body = tag.selfClosing ? { content: '', end: tag.end } : readBadgeContent(text, tag.end, tag.name);
        elements.push({ kind, start: tag.start, end: body.end, content: body.content, ...(verify === undefined ? {} : { verify }) });
        unbind(declared);
        i = body.end;
        continue;
      }
      if (tag.selfClosing) unbind(declared);
      else {
        if (stack.length >= MAX_DEPTH) throw new ScanError('The SVG file nests elements too deeply to be read safely.');
        stack.push({ name: tag.name, declared });
      }
      i = tag.end;
    }
  }
  if (!root) throw new ScanError('The file is not an SVG image (no <svg> element was found).');
  return { ok: true, root, elements };
}

function scanSafely(text: unknown, maxChars: number): Scan | ExtractError {
  if (typeof text !== 'string') return { ok: false, error: 'The SVG image must be given as text.' };
  if (text.length > maxChars) return { ok: false, error: 'The SVG image is larger than microcred accepts.' };
  try {
    return scan(text.startsWith('\uFEFF') ? ` ${text.slice(1)}` : text);
  } catch (error) {
    if (error instanceof ScanError) return { ok: false, error: error.message };
    return { ok: false, error: 'The SVG image could not be read.' };
  }
}

export interface ExtractFromSvgOptions {
  /** Largest file accepted, in characters (default 8 Mi). */
  maxChars?: number;
}

/**
 * Reads the credential baked into an SVG: OB 3.0 `<…:credential>` (JSON in CDATA, or a VC-JWT in
 * `verify`) or OB 2.0 `<…:assertion>` (a hosted URL or JWS in `verify`, or the assertion inside),
 * whatever prefix the file binds to those namespaces. Returns `undefined` when there is none and
 * `{ok: false, error}` for a malformed or hostile file or more than one credential. Never throws.
 */
export function extractFromSvg(text: string, options: ExtractFromSvgOptions = {}): ExtractResult {
  const scanned = scanSafely(text, options.maxChars ?? DEFAULT_MAX_CHARS);
  if (!scanned.ok) return scanned;
  if (scanned.elements.length > 1) {
    return { ok: false, error: 'The SVG image carries more than one baked credential, so it is ambiguous which one to trust.' };
  }
  const element = scanned.elements[0];
  if (!element) return undefined;
  const verify = element.verify?.trim() ?? '';
  const content = element.content.trim();
  // OB 3.0 §5.3.2: a JWT goes in `verify`, JSON in the element. OB 2.0: `verify` holds the URL or
  // JWS, and a hosted assertion may also be copied inside; the copy is richer, so it wins.
  const primary = element.kind === 'ob3' ? verify || content : content || verify;
  if (!primary) return { ok: false, error: 'The SVG image has a badge element, but it is empty.' };
  return interpretBakedText(primary, element.kind);
}

/** Alias of {@link extractFromSvg}, named after the OB 2.0 "unbake" operation. */
export const unbakeSvg = extractFromSvg;

function escapeAttribute(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Wraps text in CDATA; `]]>` cannot appear inside one section, so it is split across two. */
function cdata(text: string): string {
  // XML 1.0 §2.2: U+FFFE and U+FFFF are not XML characters; as JSON escapes they read back the same.
  const xmlSafe = text.replaceAll('\uFFFE', '\\ufffe').replaceAll('\uFFFF', '\\uffff');
  return `<![CDATA[${xmlSafe.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

export interface BakeSvgOptions {
  /** The SVG document (text). */
  svg: string;
  /** OB 3.0 credential object, or a VC-JWT compact string. */
  credential: BakeableCredential;
}

/**
 * Returns the SVG with the credential baked in per OB 3.0 §5.3.2: the namespace declared on the root
 * `<svg>` and an `<openbadges:credential>` element right after its opening tag (JSON in CDATA, or
 * a JWT in `verify`). Credentials already baked in (OB 3.0 or 2.0) are removed. Throws TypeError
 * when the SVG cannot be read or the credential is not bakeable.
 */
export function bakeSvg(options: BakeSvgOptions): string {
  if (typeof options !== 'object' || options === null) throw new TypeError('bakeSvg takes an options object.');
  const { svg, credential } = options;
  if (typeof svg !== 'string') throw new TypeError('svg must be the SVG document as a string.');
  const text = credentialText(credential, 'ob3');
  const scanned = scanSafely(svg, DEFAULT_MAX_CHARS);
  if (!scanned.ok) throw new TypeError(scanned.error);
  const { root, elements } = scanned;

  let prefix = root.attributes.find((a) => a.name.startsWith('xmlns:') && namespaceKind(a.value) === 'ob3')?.name.slice(6);
  let declaration = '';
  if (!prefix) {
    const taken = new Set(root.attributes.map((a) => a.name));
    prefix = 'openbadges';
    for (let n = 3; taken.has(`xmlns:${prefix}`); n++) prefix = `openbadges${n}`;
    declaration = ` xmlns:${prefix}="${OB3_SVG_NAMESPACE}"`;
  }
  const element = typeof credential === 'string'
    ? `<${prefix}:credential verify="${escapeAttribute(text)}"></${prefix}:credential>`
    : `<${prefix}:credential>${cdata(text)}</${prefix}:credential>`;

  const tagText = svg.slice(root.start, root.end);
  const openTag = root.selfClosing
    ? `${tagText.slice(0, -2).trimEnd()}${declaration}>`
    : `${tagText.slice(0, -1)}${declaration}>`;
  let rest = '';
  let cursor = root.end;
  for (const old of elements) {
    rest += svg.slice(cursor, old.start);
    cursor = old.end;
  }
  rest += svg.slice(cursor);
  const closing = root.selfClosing ? `</${root.name}>` : '';
  return `${svg.slice(0, root.start)}${openTag}${element}${closing}${rest}`;
}
