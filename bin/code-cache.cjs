'use strict';
const {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} = require('node:fs');
const module_ = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

/**
 * A V8 code cache for dist/ges.cjs, saved at the end of a run with the code that run compiled.
 * The cache lives in $XDG_CACHE_HOME/ges, default ~/.cache/ges: used only when that folder
 * and the file are the user's own and nobody else can write them (cached code is code), and
 * written through a fresh exclusive temporary file. Any trouble: compile without it.
 */

function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || path.join(process.env.HOME || '', '.cache');
  return path.join(base, 'ges');
}

/** The user's own, and writable by nobody else. */
function safe(st) {
  const uid = process.getuid?.();
  return uid === undefined || ((st.uid === uid || st.uid === 0) && (st.mode & 0o022) === 0);
}

/**
 * The cache file's bytes when it is a regular file of the user's own, checked on the descriptor
 * it is read through (no window to swap it after the check; a FIFO is opened without blocking
 * and refused).
 */
function readOwn(file) {
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = fstatSync(fd);
    return st.isFile() && safe(st) ? readFileSync(fd) : undefined;
  } finally {
    closeSync(fd);
  }
}

module.exports = function load(file) {
  const require = module_.createRequire(file);
  // The build writes the bundle in ASCII, already wrapped as a CommonJS module function.
  const source = readFileSync(file, 'latin1');
  const st = statSync(file);
  const dir = cacheDir();
  const cacheFile = path.join(
    dir,
    `code-${process.version}-${st.size}-${Math.floor(st.mtimeMs)}.bin`,
  );
  let cachedData;
  try {
    if (safe(statSync(dir))) cachedData = readOwn(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // No importModuleDynamically: code compiled from a cache cannot use it on Node 20, so the
  // build leaves no import() in the bundle (a user's ES module config goes through
  // dist/import-file.cjs, which Node loads itself).
  const script = new vm.Script(source, { filename: file, cachedData });
  const exports = {};
  const mod = { exports, filename: file, id: file };
  script.runInThisContext().call(exports, exports, require, mod, file, path.dirname(file));
  let saved = false;
  /** Saves the cache once (when there was none, or V8 refused it), with the code compiled so far. */
  const save = () => {
    if (saved || (cachedData && !script.cachedDataRejected)) return;
    saved = true;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (!safe(statSync(dir))) return;
      const data = script.createCachedData();
      // Opened exclusively ('wx'): a link planted at the name is never followed (no crypto: it costs 3 ms to load).
      const temp = path.join(
        dir,
        `.code-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`,
      );
      const fd = openSync(temp, 'wx', 0o600);
      try {
        writeSync(fd, data);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, cacheFile);
      // This Node's caches of other builds are stale now; other Nodes' are kept (switching
      // between Node versions must not make each throw the other's cache away).
      const prefix = `code-${process.version}-`;
      for (const name of readdirSync(dir))
        if (name.startsWith(prefix) && name.endsWith('.bin') && name !== path.basename(cacheFile))
          rmSync(path.join(dir, name), { force: true });
    } catch {
      // no cache this time
    }
  };
  return { cli: mod.exports, save };
};
