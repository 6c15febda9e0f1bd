#!/usr/bin/env node
/**
 * The limits the formatter cannot keep: no line of code, test or script over 100 characters
 * (Biome wraps code, not strings or comments). Function length is Biome's
 * noExcessiveLinesPerFunction (biome.json).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MAX = 100;
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => /^(src|test|bench|bin|\.ci)\/.*\.(ts|mts|cts|js|mjs|cjs)$/.test(f));

const long = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // deleted in the work tree
  }
  text.split('\n').forEach((line, i) => {
    if ([...line].length > MAX) long.push(`${file}:${i + 1}: ${[...line].length} characters`);
  });
}
if (long.length > 0) {
  process.stderr.write(`${long.join('\n')}\n${long.length} line(s) over ${MAX} characters\n`);
  process.exit(1);
}
