/**
 * The browser application is type-checked with its own tsconfig (web/tsconfig.json: DOM, JSX, Bundler
 * resolution), which the root `tsc --noEmit` does not cover. This keeps `npm test` honest about it.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const CONFIG = fileURLToPath(new URL('../../web/tsconfig.json', import.meta.url));

describe('web/ type-checks', () => {
  it('has no TypeScript errors under web/tsconfig.json', () => {
    const read = ts.readConfigFile(CONFIG, (path) => ts.sys.readFile(path));
    expect(read.error).toBeUndefined();
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, fileURLToPath(new URL('../../web/', import.meta.url)));
    expect(parsed.errors).toEqual([]);
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
    const messages = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
      return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
    });
    expect(messages).toEqual([]);
    expect(parsed.fileNames.some((f) => f.endsWith('web/src/main.tsx'))).toBe(true);
  });
});
