// Compiles src/ to dist/ once (at `npm ci`, through the `prepare` script, and on `npm run build` and
// `npm start`), so that bin/microcred.js starts plain JavaScript instead of compiling TypeScript with
// tsx on every run. Vitest keeps running the TypeScript sources; dist/ is git-ignored.
//
// One output file per source file, in the same folders (dist/vc/engine.mjs for src/vc/engine.ts):
// modules keep loading lazily (a command loads only what it imports), and every path a module finds
// from its own location (`new URL('./schemas/…', import.meta.url)`, the worker scripts, `../../web/dist`)
// points to the same place as from src/, because dist/ sits beside src/ and the files that are not
// code (JSON contexts and schemas) are copied. Packages stay in node_modules (not bundled).
//
// The worker bootstraps (src/**/*.js: `register()` tsx, then import the worker's .ts module) keep their
// names, since the pools start them by name (`new URL('./worker.js', import.meta.url)`), with tsx's
// register() replaced by a no-op: the built worker imports built JavaScript. Compiled TypeScript
// modules end in .mjs instead, so a module can never overwrite a bootstrap of the same name (the
// signing pool's bootstrap is src/vc/signing-pool/worker.js, its module worker-main.ts).
//
// Two things are done once here rather than on every run: the OB 3.0 / CLR JSON Schemas are compiled to
// standalone validators (dist/vc/schemas/*.validate.cjs, which src/vc/structure.ts loads when present),
// and jsonld is bundled into dist/vendor/jsonld.mjs without loading its HTTP client (buildJsonld).
//
// The build is written beside dist/ and swapped in when complete, and dist/BUILD.json (written last)
// records which sources it was made from; bin/microcred.js runs dist/ only when that still matches src/.
//
// Usage: node scripts/build.js
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { URL, fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import * as esbuild from 'esbuild';
import { sourceFingerprint } from './source-fingerprint.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/**
 * One output module per input module: every import stays an import, relative ones renamed .ts → .mjs,
 * and jsonld's taken from the build's copy (vendor/jsonld.mjs, below).
 * @param {string} src
 */
const oneFilePerModule = (src) => ({
  name: 'one-file-per-module',
  /** @param {import('esbuild').PluginBuild} build */
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (args.path === 'tsx/esm/api') return { path: args.path, namespace: 'no-tsx' };
      if (args.path === 'jsonld') return { path: relative(dirname(relative(src, args.importer)), 'vendor/jsonld.mjs').replace(/^(?!\.)/, './'), external: true };
      if (args.path.startsWith('.')) return { path: args.path.replace(/\.ts$/, '.mjs'), external: true };
      return { path: args.path, external: true };
    });
    build.onLoad({ filter: /.*/, namespace: 'no-tsx' }, () => ({
      contents: '// The build already compiled the TypeScript: nothing to register.\nexport function register() { return () => {}; }\n',
      loader: 'js',
    }));
  },
});

/**
 * jsonld in one file, with its Node.js document loader's HTTP client (@digitalbazaar/http-client and
 * undici: about a hundred modules and two thirds of jsonld's loading time) loaded only if that loader
 * is ever used. microcred always passes its own document loader (the bundled contexts, and the
 * guarded fetcher where the caller allows the network), so it never is. rdf-canonize stays shared
 * with microcred's own import of it when both resolve to the same copy.
 * @param {string} outfile
 */
async function buildJsonld(outfile) {
  const fromJsonld = createRequire(require.resolve('jsonld'));
  const shared = ['rdf-canonize'].filter((name) => fromJsonld.resolve(name) === require.resolve(name));
  await esbuild.build({
    entryPoints: [require.resolve('jsonld')],
    outfile,
    bundle: true,
    platform: 'node',
    // An ES module: Node.js would otherwise scan the whole CommonJS file for its export names on every
    // import. Its own require() calls (the shared and lazy packages) go through createRequire.
    format: 'esm',
    banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
    target: 'node20',
    external: shared,
    logLevel: 'warning',
    plugins: [{
      name: 'lazy-http-client',
      setup(build) {
        build.onResolve({ filter: /^@digitalbazaar\/http-client$/ }, (args) => (args.namespace === 'lazy-http-client' ? { path: args.path, external: true } : { path: args.path, namespace: 'lazy-http-client' }));
        build.onLoad({ filter: /.*/, namespace: 'lazy-http-client' }, () => ({
          contents: `// Loaded by jsonld's Node.js document loader only when it fetches (it uses httpClient.get).
let client;
exports.httpClient = new Proxy({}, { get: (_, name) => (client ??= require('@digitalbazaar/http-client').httpClient)[name] });
`,
          loader: 'js',
        }));
      },
    }],
  });
}

/**
 * Builds src/ into dist/ (or `outdir`, which must also sit beside src/: tests build into their own
 * folder) and returns what it did.
 */
export async function build({ outdir = join(root, 'dist') } = {}) {
  const started = performance.now();
  const src = join(root, 'src');
  // Taken before reading any source: a file changed during the build makes the build stale at once.
  const fingerprint = sourceFingerprint(root);
  const files = readdirSync(src, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
  const modules = files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
  const bootstraps = files.filter((file) => file.endsWith('.js'));
  const assets = files.filter((file) => !/\.(ts|js)$/.test(file));

  const partial = join(root, `.dist-partial-${process.pid}-${randomUUID()}`);
  rmSync(partial, { recursive: true, force: true });
  try {
    const options = { outbase: src, outdir: partial, bundle: true, plugins: [oneFilePerModule(src)], platform: /** @type {const} */ ('node'), format: /** @type {const} */ ('esm'), target: 'node20', sourcemap: /** @type {const} */ ('linked'), logLevel: /** @type {const} */ ('warning') };
    await Promise.all([
      esbuild.build({ ...options, entryPoints: modules, outExtension: { '.js': '.mjs' } }),
      esbuild.build({ ...options, entryPoints: bootstraps }),
      buildJsonld(join(partial, 'vendor', 'jsonld.mjs')),
    ]);
    for (const file of assets) {
      const to = join(partial, relative(src, file));
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(file, to);
    }
    // The JSON Schemas' validators, compiled now rather than on every run (src/vc/structure.ts).
    const structure = await import(pathToFileURL(join(partial, 'vc', 'structure.mjs')).href);
    for (const [file, code] of Object.entries(structure.precompiledSchemaValidators())) {
      writeFileSync(join(partial, 'vc', file), code);
    }
    writeFileSync(join(partial, 'BUILD.json'), `${JSON.stringify({ sources: fingerprint, builtAt: new Date().toISOString() })}\n`);
    const old = join(root, `.dist-old-${process.pid}-${randomUUID()}`);
    try {
      renameSync(outdir, old);
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'ENOENT') throw error;
    }
    renameSync(partial, outdir);
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return { modules: modules.length, assets: assets.length, ms: performance.now() - started };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await build();
  console.log(`microcred: built dist/ from src/ (${result.modules} modules, ${result.assets} other files) in ${(result.ms / 1000).toFixed(1)} s`);
}
