#!/usr/bin/env node
/**
 * The build behind `npm run build`: type-check with tsc, bundle with esbuild into dist/
 * (dist/ges.cjs, the CLI in one file, dist/demo.js, and the library, dist/index.js with its
 * declarations), then store every command's help for bin/ges.cjs.
 * Bundling measurably pays here: see bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { bundleDeclarations } from './declarations.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) =>
  execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

rmSync(path.join(root, 'dist'), { recursive: true, force: true });
run(process.execPath, [
  path.join(root, 'node_modules/typescript/bin/tsc'),
  '-p',
  'tsconfig.json',
  '--noEmit',
]);

/**
 * src/core/http/undici.ts imports undici's files one by one (undici has no "exports" map, and
 * its index costs ~80 ms more). Should undici move or reshape one, fail here, not at run time.
 */
const require = createRequire(import.meta.url);
for (const [file, check] of [
  [
    'undici/lib/dispatcher/agent.js',
    (m) => typeof m === 'function' && typeof m.prototype.dispatch === 'function',
  ],
  ['undici/lib/dispatcher/env-http-proxy-agent.js', (m) => typeof m === 'function'],
  ['undici/lib/dispatcher/dispatcher.js', (m) => typeof m === 'function'],
  [
    'undici/lib/api/index.js',
    (m) => typeof m?.request === 'function' && typeof m?.connect === 'function',
  ],
  ['undici/lib/dispatcher/client-h2.js', (m) => typeof m === 'function'],
]) {
  let mod;
  try {
    mod = require(path.join(root, 'node_modules', file));
  } catch (error) {
    throw new Error(
      `build: ${file} cannot be loaded (${error.message}); undici's layout changed: ` +
        'update src/core/http/undici.ts and this list',
    );
  }
  if (!check(mod))
    throw new Error(
      `build: ${file} no longer exports what src/core/http/undici.ts expects; update it`,
    );
}

/**
 * Stand-ins, each kept only where bench/README.md shows it pays on Node 24 and 26. undici's
 * HTTP/2 client loads node:http2 (and node:crypto) for a protocol ges never asks for (allowH2
 * is off). cosmiconfig's env-paths reads node:os at load for its global search, which ges does
 * not use (it takes cosmiconfig's loaders only: docs/ARCHITECTURE.md says why).
 */
const stubs = [
  {
    file: /[/\\]client-h2\.js$|^\.\/client-h2\.js$/,
    name: 'client-h2',
    contents:
      'module.exports = function connectH2 () { throw new Error("HTTP/2 is not used by ges") }',
  },
  {
    file: /^env-paths$/,
    name: 'env-paths',
    contents: 'module.exports = () => { throw new Error("ges does not search with cosmiconfig") }',
  },
];
/**
 * Node built-ins a dependency loads at start for something ges does not use then, stood in for
 * where that dependency asks (and only there). Loaded when first used: node:crypto, which
 * cosmiconfig's loaders load to name the temporary files of TypeScript configs (ges reads none),
 * node:fs/promises and node:os, which cosmiconfig's search and JavaScript loaders use (ges
 * searches and reads files itself), node:assert for undici (below),
 * and node:child_process, which commander loads for executable subcommands (ges has none). Never
 * loaded: node:http (and its server, agent and timing modules) for undici, which reads two
 * things of it: the class of node:http's responses, which its destroy() treats apart (ges hands
 * undici none), and http.maxHeaderSize, the default header limit of the connections undici's
 * proxy agent makes: Node's default, 16 KiB, the limit src/core/http/client.ts sets for the
 * others (a --max-http-header-size given to node is not seen).
 */
// An import helper's look at __esModule (TypeScript's __importDefault) is no use.
const onFirstUse = (builtin) =>
  'let m; module.exports = new Proxy({}, { get: (_, key) => key === "__esModule" ? ' +
  `undefined : (m ??= require("node:${builtin}"))[key] })`;
/**
 * undici's invariants, `assert(value)` on every request: checked here, and node:assert loaded
 * only to throw its AssertionError, or for any other of its functions.
 */
const checkFirst =
  'let m; const load = () => (m ??= require("node:assert")); ' +
  'function assert(value, message) { if (!value) load().ok(false, message ?? ' +
  '"undici: an internal assertion failed"); } ' +
  'module.exports = new Proxy(assert, { get: (t, key) => key in t ? t[key] : load()[key] });';
const undiciFile = (file) => new RegExp(`[/\\\\]undici[/\\\\]lib[/\\\\]${file}$`);
const lazyBuiltins = [
  {
    name: 'crypto-for-cosmiconfig',
    builtin: /^(node:)?crypto$/,
    importer: /[/\\]cosmiconfig[/\\]dist[/\\]loaders\.js$/,
    contents: onFirstUse('crypto'),
  },
  {
    name: 'fs-promises-for-cosmiconfig',
    builtin: /^(node:)?fs\/promises$/,
    importer: /[/\\]cosmiconfig[/\\]dist[/\\](loaders|Explorer)\.js$/,
    contents: onFirstUse('fs/promises'),
  },
  {
    name: 'os-for-cosmiconfig',
    builtin: /^(node:)?os$/,
    importer: /[/\\]cosmiconfig[/\\]dist[/\\]ExplorerBase\.js$/,
    contents: onFirstUse('os'),
  },
  {
    name: 'assert-for-undici',
    builtin: /^(node:)?assert$/,
    importer: /[/\\]undici[/\\]lib[/\\]/,
    contents: checkFirst,
  },
  {
    name: 'child-process-for-commander',
    builtin: /^(node:)?child_process$/,
    importer: /[/\\]commander[/\\]lib[/\\]command\.js$/,
    contents: onFirstUse('child_process'),
  },
  {
    name: 'http-for-undici-util',
    builtin: /^(node:)?http$/,
    importer: undiciFile('core[/\\\\]util\\.js'),
    contents: 'module.exports = { IncomingMessage: class NotNodeHttp {} }',
  },
  {
    name: 'http-for-undici-client',
    builtin: /^(node:)?http$/,
    importer: undiciFile('dispatcher[/\\\\]client\\.js'),
    contents: `module.exports = { maxHeaderSize: ${16 * 1024} }`,
  },
];
const stubbed = new Set();
/**
 * Files of their own in dist/, which the binary's bundle requires only when a run needs them, so
 * that every start does not read and check them: undici's proxy agent (see
 * src/core/http/undici-proxy.ts), the code undici's HTTP/1 client loads for bodies other than a
 * string or bytes (ges sends none), its HTTP parser for CPUs without WebAssembly SIMD, the
 * spinner (ora, with its spinners and its own copy of chalk: terminals only) and the JSON parser
 * cosmiconfig loads for JSON configs (with its code frames).
 */
const undiciClient = /[/\\]undici[/\\]lib[/\\]dispatcher[/\\]client-h1\.js$/;
const apart = [
  { name: 'undici-proxy', entry: 'src/core/http/undici-proxy.ts', file: /^\.\/undici-proxy\.js$/ },
  {
    name: 'undici-body',
    entry: 'node_modules/undici/lib/web/fetch/body.js',
    file: /^\.\.\/web\/fetch\/body\.js$/,
    importer: undiciClient,
  },
  {
    name: 'ora',
    esm: true,
    entry: 'node_modules/ora/index.js',
    file: /^ora$/,
    importer: /[/\\]src[/\\]cli[/\\]output\.ts$/,
  },
  {
    name: 'parse-json',
    entry: 'node_modules/parse-json/index.js',
    file: /^parse-json$/,
    importer: /[/\\]cosmiconfig[/\\]dist[/\\]loaders\.js$/,
  },
  {
    name: 'llhttp-wasm',
    entry: 'node_modules/undici/lib/llhttp/llhttp-wasm.js',
    file: /^\.\.\/llhttp\/llhttp-wasm\.js$/,
    importer: undiciClient,
  },
];
const keptApart = new Set();
const filesApart = {
  name: 'files-apart',
  setup(build) {
    for (const part of apart)
      build.onResolve({ filter: part.file }, (args) => {
        if (part.importer && !part.importer.test(args.importer)) return undefined;
        keptApart.add(part.name);
        return { path: `./${part.name}.cjs`, external: true };
      });
  },
};
const withoutUnused = {
  name: 'without-unused',
  setup(build) {
    for (const stub of stubs)
      build.onResolve({ filter: stub.file }, () => {
        stubbed.add(stub.name);
        return { path: stub.name, namespace: 'ges-stub' };
      });
    for (const lazy of lazyBuiltins) {
      build.onResolve({ filter: lazy.builtin }, (args) => {
        if (!lazy.importer.test(args.importer)) return undefined;
        stubbed.add(lazy.name);
        return { path: lazy.name, namespace: 'ges-stub' };
      });
    }
    build.onLoad({ filter: /.*/, namespace: 'ges-stub' }, (args) => ({
      contents: [...stubs, ...lazyBuiltins].find((s) => s.name === args.path).contents,
      loader: 'js',
    }));
  },
};

await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['src/demo.ts'],
  outbase: 'src',
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  // cosmiconfig loads users' .js/.ts config files with its own require tricks: keep it as
  // installed.
  external: ['cosmiconfig'],
  define: { __GES_VERSION__: JSON.stringify(version) },
  // CommonJS dependencies (undici) call require() for Node's built-ins.
  banner: {
    js:
      "import { createRequire as __gesRequire } from 'node:module'; " +
      'const require = __gesRequire(import.meta.url);',
  },
  plugins: [withoutUnused],
  logLevel: 'warning',
});

// The library (package.json "exports"): dist/index.js, one ES module that imports its
// dependencies as installed, and its one declaration file, dist/index.d.ts
// (.ci/declarations.mjs), from the declarations tsc emits for it.
await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  packages: 'external',
  define: { __GES_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
});
const declarations = mkdtempSync(path.join(tmpdir(), 'ges-types-'));
try {
  run(process.execPath, [
    path.join(root, 'node_modules/typescript/bin/tsc'),
    '-p',
    '.ci/tsconfig.library.json',
    '--outDir',
    declarations,
  ]);
  writeFileSync(
    path.join(root, 'dist/index.d.ts'),
    bundleDeclarations(path.join(declarations, 'index.d.ts')),
  );
} finally {
  rmSync(declarations, { recursive: true, force: true });
}

// The binary's bundle: one CommonJS file with everything (commands, undici's parts, the YAML
// parser), which bin/ges.cjs require()s: one file to resolve, read and compile (and keep in
// Node's compile cache) instead of dozens of modules on every start. Without comments or
// indentation (less to read, hash and keep in memory; renaming identifiers as well made
// compiling slower); licences go to dist/<name>.cjs.LEGAL.txt. And dist/paths.cjs, which
// bin/ges.cjs loads first to find the user's cache folder: the one place that decides user
// folders, in CommonJS.
const binaryOptions = {
  absWorkingDir: root,
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.18',
  minifyWhitespace: true,
  legalComments: 'external',
  define: { __GES_VERSION__: JSON.stringify(version) },
  plugins: [withoutUnused, filesApart],
  logLevel: 'warning',
};
await esbuild.build({
  entryPoints: {
    ges: 'src/cli/main.ts',
    paths: 'src/core/paths.ts',
    ...Object.fromEntries(apart.filter((p) => !p.esm).map((part) => [part.name, part.entry])),
  },
  ...binaryOptions,
});
// An ES module kept apart: as `import()` of a CommonJS file gives its module.exports as the
// default, module.exports is made the module's default export.
for (const part of apart.filter((p) => p.esm))
  await esbuild.build({
    entryPoints: { [part.name]: part.entry },
    footer: { js: 'module.exports = module.exports.default;' },
    ...binaryOptions,
  });

for (const part of apart) {
  if (!keptApart.has(part.name))
    throw new Error(
      `build: nothing imports ${part.entry} as expected any more: update .ci/build.mjs`,
    );
}
for (const stub of [...stubs, ...lazyBuiltins]) {
  if (!stubbed.has(stub.name))
    throw new Error(
      `build: ${stub.name} was not found to stand in for; a dependency changed its files: ` +
        'update .ci/build.mjs',
    );
}
writeFileSync(
  path.join(root, 'dist/help.json'),
  run(process.execPath, [path.join(root, 'bin/ges.cjs'), '__help-json']),
);
// The man page, from the same help text (.ci/man.mjs).
run(process.execPath, [path.join(root, '.ci/man.mjs')]);
