#!/usr/bin/env node
'use strict';
// CommonJS on purpose: Node 20 starts a CommonJS entry ~4 ms sooner than an ES module one.
const { readFileSync } = require('node:fs');
const path = require('node:path');

// A reader that went away (`ges job cancel movies - < ids | head -1`) is no error of ours:
// what is still written goes nowhere, the run finishes, and the exit code is its outcome's.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') process.exit(1);
  });
}

const ROOT = path.join(__dirname, '..');
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

/**
 * `--version` and `--help` are answered here, from package.json and the help the build
 * stored (dist/help.json, commander's own text), without loading the CLI.
 */
function quickAnswer(args) {
  const read = (file) => readFileSync(path.join(ROOT, file), 'utf8');
  if (args.length === 1 && args[0] === '--version')
    return `${JSON.parse(read('package.json')).version}\n`;
  const last = args[args.length - 1];
  if (last !== '--help' && last !== '-h') return undefined;
  try {
    return JSON.parse(read('dist/help.json'))[args.slice(0, -1).join(' ')];
  } catch {
    return undefined;
  }
}

/** Resolves once everything written so far has been handed to the OS. */
const flushed = (stream) => new Promise((resolve) => stream.write('', () => resolve()));

/**
 * The CLI, one CommonJS bundle (dist/ges.cjs), compiled with V8's code cache (bin/code-cache.cjs):
 * on every Node, since the cache it saves at the end of a run holds the code that run compiled,
 * where Node 22+'s own compile cache holds only the bundle's top level (one cancel: 0.88x the
 * time on Node 24). `save` stores it.
 */
function loadCli() {
  return require('./code-cache.cjs')(path.join(ROOT, 'dist/ges.cjs'));
}

async function run(args) {
  const answer = quickAnswer(args);
  if (answer !== undefined) {
    process.stdout.write(answer);
    return 0;
  }
  // Ctrl-C, SIGTERM (a CI timeout, `docker stop`) and SIGHUP stop the run the same way: requests
  // in flight are aborted and every job is reported. A second signal exits at once.
  const stop = new AbortController();
  const exitCodes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const [name, exitCode] of Object.entries(exitCodes)) {
    process.on(name, () => (stop.signal.aborted ? process.exit(exitCode) : stop.abort(name)));
  }
  const { cli, save } = loadCli();
  // llhttp (undici's parser) is WebAssembly: on Node 20 V8's optimising tier-up of it costs
  // ~35 MB and holds exit ~150 ms for a parser that reads a few small answers. Baseline code
  // is plenty. Set just before it compiles: set earlier, the flag change makes every later
  // built-in miss its code cache. The code cache is saved before that: V8 refuses cached code
  // made under other flags. Node 22+ needs neither.
  const beforeHttp =
    NODE_MAJOR < 22
      ? () => {
          require('node:v8').setFlagsFromString('--liftoff-only');
          // Once the parser is compiled, V8's flags are put back: the code cache saved at the
          // end then matches the flags the next run compiles under (V8 refuses a mismatch).
          return () =>
            require('node:v8').setFlagsFromString(
              '--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering',
            );
        }
      : undefined;
  const code = await cli.main(args, { stop: stop.signal, beforeHttp });
  save();
  return code;
}

run(process.argv.slice(2)).then(
  async (code) => {
    process.exitCode = code;
    // Exit now rather than when idle: the HTTP pool's timers would hold the process ~100 ms more.
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit(code);
  },
  (error) => {
    process.stderr.write(`internal error: ${error?.message ?? error}\n`);
    process.exit(1);
  },
);
