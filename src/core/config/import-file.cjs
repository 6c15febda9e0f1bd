'use strict';
/**
 * Imports an ES module by URL (a user's ES module config, as a data: URL of its checked bytes).
 * Kept out of the bundle (the build copies it beside dist/ges.cjs) and loaded by Node's own
 * loader: V8's code cache, which bin/code-cache.cjs compiles the bundle with, does not keep what
 * import() needs, and require() cannot load an ES module on Node 20.
 */
module.exports = function importFile(url) {
  return import(url);
};
