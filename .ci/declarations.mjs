/**
 * The library's one declaration file (dist/index.d.ts), from the declarations tsc emits for
 * src/index.ts: that file and every file it imports from, put together as one module. Users
 * get the types the entry exports and nothing else: no path of ours a user could not import.
 * The library keeps its public types in files that import little (src/core/library/types.ts,
 * src/core/errors.ts), so what this follows stays small; it fails, rather than emit something
 * wrong, on anything it does not know how to put together.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** `import ... from './x.js';` and `export ... from './x.js';`, over one or more lines. */
const FROM =
  /^(import|export)\s+(type\s+)?(\{[^}]*\}|\*(?:\s+as\s+\w+)?|\w+)\s+from\s+'([^']+)';\n/gm;
/** A declaration at the top of a file, for the check that no two files declare one name. */
const DECLARED = new RegExp(
  '^(?:export\\s+)?(?:declare\\s+)?(?:abstract\\s+)?' +
    '(?:class|interface|type|function|const|let|enum|namespace)\\s+(\\w+)',
  'gm',
);

function relative(specifier) {
  if (!specifier.startsWith('.'))
    throw new Error(`declarations: a package import (${specifier}) in the library's types`);
  return specifier;
}

/** Reads `file` and what it imports from, each file once, the entry first. */
function collect(file, files = new Map()) {
  if (files.has(file)) return files;
  const text = readFileSync(file, 'utf8');
  files.set(file, text);
  for (const m of text.matchAll(FROM))
    collect(path.resolve(path.dirname(file), relative(m[4]).replace(/\.js$/, '.d.ts')), files);
  return files;
}

/** A file imported from: its declarations, no longer exported (the entry says what is). */
function inner(text) {
  return (
    text
      // A file's opening comment followed by another is about the file: not for users.
      .replace(/^\/\*\*[\s\S]*?\*\/\n(?=\/\*\*)/, '')
      .replace(FROM, (_whole, kind) => {
        if (kind === 'export') throw new Error('declarations: a re-export beyond the entry');
        return '';
      })
      .replace(/^export \{\};\n/gm, '')
      .replace(/^export (?=declare |interface |type |abstract |const |function |class )/gm, '')
  );
}

/** The entry: its imports dropped, its re-exports kept as plain export lists. */
function entry(text) {
  return text.replace(FROM, (_whole, kind, type, names) =>
    kind === 'export' ? `export ${type ?? ''}${names};\n` : '',
  );
}

export function bundleDeclarations(entryFile) {
  const files = collect(entryFile);
  const parts = [];
  const declared = new Map();
  for (const [file, text] of files) {
    const body = file === entryFile ? entry(text) : inner(text);
    for (const m of body.matchAll(DECLARED)) {
      const before = declared.get(m[1]);
      if (before && before !== file)
        throw new Error(`declarations: ${m[1]} is declared in two files; rename one`);
      declared.set(m[1], file);
    }
    parts.push(body.trim());
  }
  const out = `${parts.join('\n\n')}\n`;
  const leak = /import\(|from\s+'\.|require\(/.exec(out);
  if (leak) throw new Error(`declarations: a path is left in dist/index.d.ts (${leak[0]})`);
  return out;
}
