'use strict';
/**
 * Imports a user's JavaScript config file (CommonJS or ES module), as cosmiconfig does. Kept out
 * of the bundle (the build copies it beside dist/ges.cjs) and loaded by Node's own loader: V8's
 * code cache, which bin/code-cache.cjs compiles the bundle with, does not keep what import()
 * needs, and require() cannot load an ES module on Node 20.
 */
module.exports = function importFile(url) {
  return import(url);
};
