#!/usr/bin/env node
'use strict';
// CommonJS on purpose: Node starts a CommonJS entry sooner than an ES module one.
const { mkdirSync, readdirSync, readFileSync, rmSync, statSync } = require('node:fs');
const path = require('node:path');

// A reader that went away (`ges job cancel movies - < ids | head -1`) is no error of ours:
// what is still written goes nowhere, the run finishes, and the exit code is its outcome's.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') process.exit(1);
  });
}

const ROOT = path.join(__dirname, '..');

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
    const help = JSON.parse(read('dist/help.json'));
    const key = args.slice(0, -1).join(' ');
    // Own keys only: `ges constructor --help` is an unknown command, not Object's constructor.
    return Object.hasOwn(help, key) ? help[key] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The folder (made 0700 when missing) is fit for cached code: a folder of the user's own (or
 * root's) that nobody else can write, as every cached file's folder must be.
 */
function privateFolder(dir) {
  let st = statSync(dir, { throwIfNoEntry: false });
  if (!st) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    st = statSync(dir);
  }
  const uid = process.getuid?.();
  const own = uid === undefined || ((st.uid === uid || st.uid === 0) && (st.mode & 0o022) === 0);
  return st.isDirectory() && own;
}

/**
 * Node's compile cache (22.10+) for the bundle, in the user's cache folder under compile/:
 * only when there is one (an absolute home) and it is private, else the run goes without.
 * Node writes it through a temporary file it leaves behind when the disk is full: the cache
 * is written when the process exits, and any such file removed then.
 */
function enableCompileCache() {
  const nodeModule = require('node:module');
  if (!nodeModule.enableCompileCache || !nodeModule.flushCompileCache) return;
  try {
    const { cache } = require(path.join(ROOT, 'dist/paths.cjs')).userDirs(process.env);
    const dir = cache && path.join(cache, 'compile');
    if (!dir || !privateFolder(cache) || !privateFolder(dir)) return;
    const { ENABLED } = nodeModule.constants.compileCacheStatus;
    if (nodeModule.enableCompileCache(dir).status !== ENABLED) return;
    process.once('exit', () => {
      try {
        nodeModule.flushCompileCache();
        const written = nodeModule.getCompileCacheDir();
        for (const name of readdirSync(written))
          if (/^[0-9a-f]{8}\.[0-9A-Za-z]{6}$/.test(name)) rmSync(path.join(written, name));
      } catch {
        // the cache is only a cache
      }
    });
  } catch {
    // no cache this run
  }
}

/** Resolves once everything written so far has been handed to the OS. */
const flushed = (stream) => new Promise((resolve) => stream.write('', () => resolve()));

async function run(args) {
  const answer = quickAnswer(args);
  if (answer !== undefined) {
    process.stdout.write(answer);
    return 0;
  }
  // On Node 20, V8 optimises undici's WebAssembly parser as soon as it has read an answer or
  // two, and holds the exit until that compile ends (and the memory it took): baseline code
  // reads a few answers, or a batch's thousand, at least as fast. Node 22+ does not do this.
  if (process.versions.node.startsWith('20.'))
    require('node:v8').setFlagsFromString('--liftoff-only');
  enableCompileCache();
  const cli = require(path.join(ROOT, 'dist/ges.cjs'));
  // Ctrl-C, SIGTERM (a CI timeout, `docker stop`) and SIGHUP stop the run the same way: requests
  // in flight are aborted and every job is reported. A second signal exits at once, with the
  // code the CLI gives that signal. (Before this point a signal ends the process as Node's
  // default does: nothing has been sent yet.)
  const stop = new AbortController();
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    const exitCode = cli.signalExitCode(name);
    process.on(name, () => (stop.signal.aborted ? process.exit(exitCode) : stop.abort(name)));
  }
  return cli.main(args, { stop: stop.signal });
}

run(process.argv.slice(2)).then(
  async (code) => {
    process.exitCode = code;
    // Exit now rather than when idle: the HTTP pool's timers would hold the process longer.
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit(code);
  },
  (error) => {
    process.stderr.write(`internal error: ${error?.message ?? error}\n`);
    process.exit(1);
  },
);
