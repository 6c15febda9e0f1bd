#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+ keeps compiled code between runs; on Node 20 this is a no-op.
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
  const beforeHttp =
    Number(process.versions.node.split('.')[0]) < 22 ? () => process.getBuiltinModule('node:v8').setFlagsFromString('--liftoff-only') : undefined;
  const { main } = await import('../dist/cli/main.js');
  code = await main(args, { stop: stop.signal, beforeHttp });
}
process.exitCode = code;
// Exit now rather than when idle: the HTTP pool's timers would hold the process ~100 ms more.
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
