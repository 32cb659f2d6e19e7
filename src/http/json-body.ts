import type { FastifyInstance } from 'fastify';
import { controlCharacterIn } from '../domain/text.ts';
import { DomainError, type FieldError } from '../services/errors.ts';

/**
 * How deep a JSON request body may nest (objects and arrays). A real credential, presentation or
 * CLR nests about 10 deep (a presentation of an endorsed credential with evidence and results stays
 * under 20); 64 leaves room for any honest document while everything after the edge (JSON-LD
 * expansion, canonicalisation, JSON.stringify, the database driver) recurses, so a body nested
 * thousands deep would overflow the stack there.
 */
export const MAX_JSON_DEPTH = 64;

/** A JSON body nested deeper than MAX_JSON_DEPTH (400, naming the limit). */
export class TooDeeplyNested extends DomainError {
  readonly status = 400;
  readonly title = 'Invalid request';
  readonly code = 'too-deeply-nested';
  readonly problem_maxDepth: number;
  readonly problem_errors: FieldError[];
  constructor(pointer: string, maxDepth = MAX_JSON_DEPTH) {
    super(`the JSON body nests deeper than ${maxDepth} levels of objects and arrays, the most this server accepts`);
    this.problem_maxDepth = maxDepth;
    this.problem_errors = [{ pointer, message: `nests deeper than ${maxDepth} levels` }];
  }
}

/** A JSON string (value or property name) with a control character in it (400, naming where). */
export class ControlCharacter extends DomainError {
  readonly status = 400;
  readonly title = 'Invalid request';
  readonly code = 'control-character';
  readonly problem_errors: FieldError[];
  constructor(pointer: string, code: string) {
    super(`${pointer} contains the control character ${code}; text may hold tabs and line breaks but no other control characters`);
    this.problem_errors = [{ pointer, message: `contains the control character ${code}` }];
  }
}

function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Throws TooDeeplyNested or ControlCharacter for a parsed JSON value that breaks the edge rules.
 * Recursion stops at MAX_JSON_DEPTH + 1, so checking a hostile body cannot overflow the stack itself.
 *
 * @example checkJsonValue({ a: [[['x']]] }) // fine; checkJsonValue({ name: 'a\u0000' }) throws
 */
export function checkJsonValue(value: unknown, maxDepth = MAX_JSON_DEPTH): void {
  const visit = (node: unknown, pointer: string, depth: number): void => {
    if (typeof node === 'string') {
      const found = controlCharacterIn(node);
      if (found) throw new ControlCharacter(pointer || '/', found);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    if (depth >= maxDepth) throw new TooDeeplyNested(pointer || '/', maxDepth);
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) visit(node[i], `${pointer}/${i}`, depth + 1);
      return;
    }
    for (const [key, child] of Object.entries(node)) {
      const at = `${pointer}/${escape(key)}`;
      const found = controlCharacterIn(key);
      if (found) throw new ControlCharacter(at, found);
      visit(child, at, depth + 1);
    }
  };
  visit(value, '', 0);
}

/**
 * Every `application/json` body goes through Fastify's own parser (prototype-poisoning checks kept)
 * and then through checkJsonValue, before any route's validation or handler sees it.
 */
export function registerJsonBodyRules(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  // parseAs 'string': the body arrives as text.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    void parse(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) return done(error, undefined);
      try {
        checkJsonValue(value);
      } catch (refused) {
        return done(refused as Error, undefined);
      }
      done(null, value);
    });
  });
}
