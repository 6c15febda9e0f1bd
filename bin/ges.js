#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+ keeps compiled code between runs (dist/ges.cjs included); Node 20 gets ours below.
module.enableCompileCache?.();

// A reader that went away (`ges job cancel movies - < ids | head -1`) is no error of ours:
// what is still written goes nowhere, the run finishes, and the exit code is its outcome's.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') process.exit(1);
  });
}

/**
 * `--version` and `--help` are answered here, from package.json and the help the build
 * stored (dist/help.json, commander's own text), without loading the CLI.
 */
function quickAnswer(args) {
  const read = (file) => readFileSync(new URL(file, import.meta.url), 'utf8');
  if (args.length === 1 && args[0] === '--version') return `${JSON.parse(read('../package.json')).version}\n`;
  const last = args[args.length - 1];
  if (last !== '--help' && last !== '-h') return undefined;
  try {
    return JSON.parse(read('../dist/help.json'))[args.slice(0, -1).join(' ')];
  } catch {
    return undefined;
  }
}

/** Resolves once everything written so far has been handed to the OS. */
const flushed = (stream) => new Promise((resolve) => stream.write('', () => resolve()));

const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

/**
 * The CLI, one CommonJS bundle (dist/ges.cjs). Node 22+ caches its compiled code itself. On
 * Node 20, V8's code cache for it is kept in $XDG_CACHE_HOME/ges (a folder of the user's own,
 * 0700; the file 0600), keyed by Node's version and the bundle's size and time, so a new Node
 * or a new build never uses a stale one. Returns the bundle's exports and, on Node 20, a
 * function that saves the cache when it was missing or refused.
 */
async function loadCli() {
  const file = new URL('../dist/ges.cjs', import.meta.url);
  const require = module.createRequire(file);
  if (NODE_MAJOR >= 22) return { cli: require(file.pathname), save: () => {} };
  const { default: codeCache } = await import('./code-cache.js');
  return codeCache(file.pathname, require);
}

const args = process.argv.slice(2);
const answer = quickAnswer(args);
let code = 0;
if (answer !== undefined) process.stdout.write(answer);
else {
  // Ctrl-C, SIGTERM (a CI timeout, `docker stop`) and SIGHUP stop the run the same way: requests
  // in flight are aborted and every job is reported. A second signal exits at once.
  const stop = new AbortController();
  const exitCodes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const [name, exitCode] of Object.entries(exitCodes)) {
    process.on(name, () => (stop.signal.aborted ? process.exit(exitCode) : stop.abort(name)));
  }
  // llhttp (undici's parser) is WebAssembly: on Node 20 V8's optimising tier-up of it costs
  // ~35 MB and holds exit ~150 ms for a parser that reads a few small answers. Baseline code
  // is plenty. Set just before it compiles: set earlier, the flag change makes every later
  // built-in miss its code cache. Node 22+ does not need it.
  // The code cache is saved before that: V8 refuses cached code made under other flags.
  const { cli, save } = await loadCli();
  const beforeHttp =
    NODE_MAJOR < 22
      ? () => {
          save();
          process.getBuiltinModule('node:v8').setFlagsFromString('--liftoff-only');
        }
      : undefined;
  code = await cli.main(args, { stop: stop.signal, beforeHttp });
  save();
}
process.exitCode = code;
// Exit now rather than when idle: the HTTP pool's timers would hold the process ~100 ms more.
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
