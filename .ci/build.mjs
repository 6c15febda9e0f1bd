#!/usr/bin/env node
/**
 * The build behind `npm run build`: type-check with tsc, bundle with esbuild into dist/
 * (one file per entry, shared chunks, every command and the undici parts in chunks
 * loaded only when used), then store every command's help for bin/ges.cjs.
 * Bundling measurably pays here: see README, "Performance".
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

rmSync(path.join(root, 'dist'), { recursive: true, force: true });
run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);

/**
 * src/core/http/undici.ts imports undici's files one by one (undici has no "exports" map, and
 * its index costs ~80 ms more). Should undici move or reshape one, fail here, not at run time.
 */
const require = createRequire(import.meta.url);
for (const [file, check] of [
  ['undici/lib/dispatcher/agent.js', (m) => typeof m === 'function' && typeof m.prototype.dispatch === 'function'],
  ['undici/lib/api/api-request.js', (m) => typeof m === 'function'],
  ['undici/lib/dispatcher/env-http-proxy-agent.js', (m) => typeof m === 'function'],
  ['undici/lib/dispatcher/dispatcher.js', (m) => typeof m === 'function'],
  ['undici/lib/api/index.js', (m) => typeof m?.request === 'function' && typeof m?.connect === 'function'],
  ['undici/lib/dispatcher/client-h2.js', (m) => typeof m === 'function'],
]) {
  let mod;
  try {
    mod = require(path.join(root, 'node_modules', file));
  } catch (error) {
    throw new Error(`build: ${file} cannot be loaded (${error.message}); undici's layout changed: update src/core/http/undici.ts and this list`);
  }
  if (!check(mod)) throw new Error(`build: ${file} no longer exports what src/core/http/undici.ts expects; update it`);
}

/** undici's HTTP/2 client loads node:http2 (~10 ms) for a protocol ges never asks for (allowH2 is off). */
let http2Stubbed = 0;
const withoutHttp2 = {
  name: 'without-http2',
  setup(build) {
    build.onResolve({ filter: /[/\\]client-h2\.js$|^\.\/client-h2\.js$/ }, () => (http2Stubbed++, { path: 'client-h2', namespace: 'ges-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'ges-stub' }, () => ({
      contents: 'module.exports = function connectH2 () { throw new Error("HTTP/2 is not used by ges") }',
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
  // cosmiconfig loads users' .js/.ts config files with its own require tricks: keep it as installed.
  external: ['cosmiconfig'],
  define: { __GES_VERSION__: JSON.stringify(version) },
  // CommonJS dependencies (undici) call require() for Node's built-ins.
  banner: { js: "import { createRequire as __gesRequire } from 'node:module'; const require = __gesRequire(import.meta.url);" },
  plugins: [withoutHttp2],
  logLevel: 'warning',
});

// The binary's bundle: one CommonJS file with everything (commands, undici's parts, the YAML
// parser), so bin/ges.cjs compiles it once with a V8 code cache (Node 20) or Node's compile
// cache (22+) instead of resolving and compiling a dozen ES modules on every start.
await esbuild.build({
  absWorkingDir: root,
  entryPoints: { ges: 'src/cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.18',
  define: { __GES_VERSION__: JSON.stringify(version) },
  plugins: [withoutHttp2],
  logLevel: 'warning',
});

if (http2Stubbed === 0) throw new Error("build: undici's HTTP/2 client (client-h2.js) was not found to stub out; its file name changed: update the without-http2 plugin");

writeFileSync(path.join(root, 'dist/help.json'), run(process.execPath, [path.join(root, 'bin/ges.cjs'), '__help-json']));
