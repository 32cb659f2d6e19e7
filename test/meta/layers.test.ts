import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Every .ts/.js file under a folder of the repository. */
function filesUnder(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|tsx|js|mjs)$/.test(entry.name)) found.push(path);
    }
  };
  walk(join(root, folder));
  return found;
}

/**
 * The relative specifiers a source imports or re-exports: static imports (type-only included),
 * `export … from`, dynamic `import()` and `new URL(…, import.meta.url)` (worker entry files).
 */
export function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bnew\s+URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) specifiers.push(match[1]!);
  return specifiers.filter((specifier) => specifier.startsWith('.'));
}

/** Files under `from` that import anything under `forbidden` (both repository-relative folders). */
function violations(from: string, forbidden: string): string[] {
  const target = resolve(root, forbidden);
  const found: string[] = [];
  for (const file of filesUnder(from)) {
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      const imported = resolve(dirname(file), specifier);
      if (imported === target || imported.startsWith(`${target}/`)) found.push(`${relative(root, file)} → ${specifier}`);
    }
  }
  return found;
}

// DESIGN.md, Architecture: folders are layers and imports only point down. These are the two
// boundaries that were crossed before (services ↔ jobs, routes reading tables).
describe('layers', () => {
  it('the queue knows no service', () => {
    expect(violations('src/queue', 'src/services')).toEqual([]);
  });

  it('HTTP reaches the store only through services (type-only imports included)', () => {
    expect(violations('src/http', 'src/store')).toEqual([]);
  });

  it('the signing pool is a vc concern: no storage, services, HTTP or CLI', () => {
    for (const outer of ['src/store', 'src/services', 'src/http', 'src/cli', 'src/queue']) expect(violations('src/vc', outer)).toEqual([]);
  });

  it('finds imports that do exist (services use the queue), so an empty answer means something', () => {
    expect(violations('src/services', 'src/queue').length).toBeGreaterThan(0);
  });

  it('sees every form of import it checks (so it can fail)', () => {
    const source = [
      "import type { DB } from '../store/schema.ts';",
      "import { x,\n  y } from '../services/index.ts';",
      "export { z } from './z.ts';",
      "export * from '../a.ts';",
      "const m = await import('../cli/main.ts');",
      "new Worker(new URL('./worker.js', import.meta.url));",
      "import 'node:fs';",
    ].join('\n');
    expect(importsOf(source).sort()).toEqual(['../a.ts', '../cli/main.ts', '../services/index.ts', '../store/schema.ts', './worker.js', './z.ts']);
  });
});
