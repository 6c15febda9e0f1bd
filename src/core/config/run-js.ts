import { createRequire } from 'node:module';
import path from 'node:path';
import { compileFunction } from 'node:vm';
import importFile from './import-file.cjs';

/**
 * Runs a trusted JavaScript config from the bytes whose hash was checked, never from its path
 * again: a file swapped after the check must not run in its place. An ES module is imported
 * from a `data:` URL of that source (Node's loader runs exactly those bytes; it can then import
 * Node's built-ins and absolute URLs, not a path relative to the file nor a package). CommonJS
 * is compiled with vm.compileFunction as Node wraps a module, with a require() from the file's
 * folder, so its own require() calls work as before. What the module exports is the config, as
 * cosmiconfig takes it: the default export, or module.exports.
 */
export async function runJsConfig(source: string, file: string): Promise<unknown> {
  if (file.endsWith('.mjs')) return runEsModule(source, file);
  let wrapper: ReturnType<typeof compileFunction>;
  try {
    wrapper = compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], {
      filename: file,
    });
  } catch (error) {
    // A .js file is an ES module when CommonJS cannot compile its import/export (Node 22's own
    // detection, without reading a package.json that was never checked).
    if (file.endsWith('.js') && error instanceof SyntaxError && ESM_ONLY.test(error.message))
      return runEsModule(source, file);
    throw error;
  }
  const module = { exports: {} as unknown };
  wrapper.call(
    module.exports,
    module.exports,
    createRequire(file),
    module,
    file,
    path.dirname(file),
  );
  return module.exports;
}

/** What CommonJS cannot compile and an ES module may hold. */
const ESM_ONLY =
  /Cannot use import statement|Unexpected token 'export'|import\.meta|await is only valid/;

async function runEsModule(source: string, file: string): Promise<unknown> {
  const url = `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`;
  try {
    return (await importFile(url)).default;
  } catch (error) {
    const e = error as Error & { code?: string };
    // Node names the module by its URL: the whole source, base64. Name the file instead.
    e.message = e.message.split(url).join(file);
    if (e.code === 'ERR_UNSUPPORTED_RESOLVE_REQUEST')
      e.message =
        `${e.message.split(':')[0]}: an ES module config is run from the bytes ges checked, ` +
        `so it can import Node's built-ins (node:fs) but no file beside it nor any package`;
    throw e;
  }
}
