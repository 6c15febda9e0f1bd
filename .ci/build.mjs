#!/usr/bin/env node
/**
 * The build behind `npm run build`: type-check with tsc, bundle with esbuild into dist/
 * (one file per entry, shared chunks, every command and the undici parts in chunks
 * loaded only when used), then store every command's help for bin/ges.js.
 * Bundling measurably pays here: see README, "Performance".
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

rmSync(path.join(root, 'dist'), { recursive: true, force: true });
run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);

/** undici's HTTP/2 client loads node:http2 (~10 ms) for a protocol ges never asks for (allowH2 is off). */
const withoutHttp2 = {
  name: 'without-http2',
  setup(build) {
    build.onResolve({ filter: /[/\\]client-h2\.js$|^\.\/client-h2\.js$/ }, () => ({ path: 'client-h2', namespace: 'ges-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'ges-stub' }, () => ({
      contents: 'module.exports = function connectH2 () { throw new Error("HTTP/2 is not used by ges") }',
      loader: 'js',
    }));
  },
};

await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts', 'src/demo.ts'],
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

writeFileSync(path.join(root, 'dist/help.json'), run(process.execPath, [path.join(root, 'bin/ges.js'), '__help-json']));
