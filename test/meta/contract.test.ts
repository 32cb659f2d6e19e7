import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { API_KEY_SCOPE_NAMES, ROLE_NAMES } from '../../src/http/contract/accounts.ts';
import { VC_API_FORMAT_NAMES } from '../../src/http/contract/vc-api.ts';
import { VERIFY_MAX_BYTES } from '../../src/http/contract/verifier.ts';
import { IMPORT_MAX_BYTES } from '../../src/http/contract/wallet.ts';
import { VC_API_FORMATS } from '../../src/services/vc-api.ts';
import { MAX_VERIFY_BYTES } from '../../src/services/verifier.ts';
import { MAX_IMPORT_BYTES } from '../../src/services/wallet/ingest.ts';
import { API_KEY_SCOPES, ROLES } from '../../src/domain/roles.ts';
import { WEBHOOK_EVENTS } from '../../src/domain/events.ts';
import { WEBHOOK_EVENT_NAMES } from '../../src/http/contract/webhooks.ts';

/**
 * The API contract (src/http/contract) is what the web app imports instead of restating the server's
 * types (DESIGN.md, http/). These checks keep it that way: the contract pulls in no server code, and
 * web/src declares no type under a name the contract exports.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const contractDir = join(root, 'src/http/contract');
const webDir = join(root, 'web/src');

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && pattern.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

function parse(file: string, text = readFileSync(file, 'utf8')): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
}

/** Every module specifier a file names: imports, re-exports, dynamic import() and require(). */
export function moduleSpecifiers(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      const [argument] = node.arguments;
      found.push(argument && ts.isStringLiteralLike(argument) ? argument.text : '<computed>');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Names a file exports (values and types). */
function exportedNames(source: ts.SourceFile): string[] {
  const names: string[] = [];
  for (const statement of source.statements) {
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) if (ts.isIdentifier(declaration.name)) names.push(declaration.name.text);
    } else if ((ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
      names.push(statement.name.text);
    }
  }
  return names;
}

/** Types and interfaces a file declares, at any depth (a restated shape may hide inside a function). */
export function declaredTypes(source: ts.SourceFile): { name: string; line: number }[] {
  const found: { name: string; line: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isTypeAliasDeclaration(node) || ts.isInterfaceDeclaration(node)) {
      found.push({ name: node.name.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A contract file may import TypeBox and other files of the contract folder, nothing else. */
function outsideImports(file: string, source: ts.SourceFile): string[] {
  return moduleSpecifiers(source).filter((specifier) => {
    if (specifier === '@sinclair/typebox') return false;
    if (!specifier.startsWith('./')) return true;
    return specifier.slice(2).includes('/');
  }).map((specifier) => `${relative(root, file)} imports ${specifier}`);
}

function restated(file: string, source: ts.SourceFile, contractNames: Set<string>): string[] {
  return declaredTypes(source).filter((t) => contractNames.has(t.name)).map((t) => `${relative(root, file)}:${t.line} declares ${t.name}`);
}

const contractFiles = files(contractDir, /\.ts$/);
const contractNames = new Set(contractFiles.flatMap((file) => exportedNames(parse(file))));

describe('the API contract (src/http/contract)', () => {
  it('exists and exports the shapes the web app uses', () => {
    expect(contractFiles.length).toBeGreaterThan(10);
    for (const name of ['IssuedCredential', 'WalletItem', 'Achievement', 'Pathway', 'RecognitionRequest', 'RplCase', 'VerifyAnswer']) expect(contractNames).toContain(name);
  });

  it('imports nothing but @sinclair/typebox and its own files, so the web app can import it', () => {
    expect(contractFiles.flatMap((file) => outsideImports(file, parse(file)))).toEqual([]);
  });

  it('catches a contract file that imports server code (the check can fail)', () => {
    const file = join(contractDir, 'example.ts');
    const source = parse(file, "import { Type } from '@sinclair/typebox';\nimport { ROLES } from '../../store/schema.ts';\nimport { Id } from './common.ts';\nexport type X = import('../auth.ts').Y;\n");
    expect(outsideImports(file, source)).toEqual(['src/http/contract/example.ts imports ../../store/schema.ts', 'src/http/contract/example.ts imports ../auth.ts']);
  });

  it('states the server constants it restates with the same values', () => {
    expect([...ROLE_NAMES]).toEqual([...ROLES]);
    expect([...API_KEY_SCOPE_NAMES]).toEqual([...API_KEY_SCOPES]);
    expect([...WEBHOOK_EVENT_NAMES]).toEqual([...WEBHOOK_EVENTS]);
    expect([...VC_API_FORMAT_NAMES]).toEqual([...VC_API_FORMATS]);
    expect(VERIFY_MAX_BYTES).toBe(MAX_VERIFY_BYTES);
    expect(IMPORT_MAX_BYTES).toBe(MAX_IMPORT_BYTES);
  });
});

describe('the web app (web/src)', () => {
  it('declares no type or interface under a name the contract exports (import it instead)', () => {
    const webFiles = files(webDir, /\.tsx?$/);
    expect(webFiles.length).toBeGreaterThan(10);
    expect(webFiles.flatMap((file) => restated(file, parse(file), contractNames))).toEqual([]);
  });

  it('catches a restated type (the check can fail)', () => {
    const file = join(webDir, 'example.tsx');
    const source = parse(file, 'export interface WalletItem { id: string }\nfunction f() { type IssuedCredential = { id: string }; return null; }\ntype Local = string;\n');
    expect(restated(file, source, contractNames)).toEqual(['web/src/example.tsx:1 declares WalletItem', 'web/src/example.tsx:2 declares IssuedCredential']);
  });
});
