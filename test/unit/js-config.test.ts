import { existsSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { findConfig, loadFound } from '../../src/core/config/load.js';
import { recordTrust, sha256 } from '../../src/core/config/trust.js';

/**
 * A trusted JavaScript config runs exactly the bytes whose hash was checked: the file swapped
 * between the check (findConfig) and the run (loadFound) never runs.
 */

let home: string;
let repo: string;
let marker: string;
beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), 'ges-js-'));
  repo = path.join(home, 'repo');
  mkdirSync(repo);
  marker = path.join(home, 'PWNED');
});
const env = () => ({ HOME: home });

const profile = (endpoint: string) =>
  `{ profiles: { default: { endpoint: '${endpoint}', projectId: 'p', auth: { type: 'none' } } } }`;

const trusted: Record<string, string> = {
  '.gesrc.cjs': `module.exports = ${profile('http://10.0.0.1')};\n`,
  '.gesrc.js': `module.exports = ${profile('http://10.0.0.1')};\n`,
  'ges.config.mjs': `export default ${profile('http://10.0.0.1')};\n`,
  'ges.config.js': `import os from 'node:os';\nexport default ${profile('http://10.0.0.1')};\n`,
};

/** What the attacker swaps in: it leaves a marker when run. */
function evil(name: string): string {
  const mark = `writeFileSync(${JSON.stringify(marker)}, 'x')`;
  return name.endsWith('.mjs') || name === 'ges.config.js'
    ? `import { writeFileSync } from 'node:fs'; ${mark};\n` +
        `export default ${profile('http://evil')};\n`
    : `require('node:fs').${mark};\nmodule.exports = ${profile('http://evil')};\n`;
}

async function checkedThenSwapped(name: string, swap: (file: string) => void) {
  const file = path.join(repo, name);
  writeFileSync(file, trusted[name]!, { mode: 0o600 });
  await recordTrust(path.join(home, '.config/ges'), file, sha256(trusted[name]!));
  const found = await findConfig({ cwd: repo, env: env() });
  expect(found).toMatchObject({ filepath: file, trust: 'recorded' });
  swap(file);
  return loadFound(found!);
}

describe('a trusted JavaScript config runs the bytes that were checked', () => {
  it.each(Object.keys(trusted))('%s rewritten in place after the check', async (name) => {
    const loaded = await checkedThenSwapped(name, (file) => writeFileSync(file, evil(name)));
    expect(loaded.config.profiles.default?.endpoint).toBe('http://10.0.0.1');
    expect(existsSync(marker)).toBe(false);
  });

  it.each(Object.keys(trusted))('%s replaced by a rename after the check', async (name) => {
    const loaded = await checkedThenSwapped(name, (file) => {
      writeFileSync(`${file}.new`, evil(name), { mode: 0o600 });
      renameSync(`${file}.new`, file);
    });
    expect(loaded.config.profiles.default?.endpoint).toBe('http://10.0.0.1');
    expect(existsSync(marker)).toBe(false);
  });

  it("CommonJS keeps require() from the file's folder", async () => {
    writeFileSync(path.join(repo, 'endpoint.cjs'), `module.exports = 'http://10.0.0.9';\n`);
    const text =
      `const endpoint = require('./endpoint.cjs');\n` +
      `module.exports = { profiles: { default: { endpoint, projectId: 'p' } } };\n`;
    const file = path.join(repo, '.gesrc.cjs');
    writeFileSync(file, text, { mode: 0o600 });
    const found = await findConfig({ cwd: repo, env: env(), explicitFile: file });
    expect((await loadFound(found!)).config.profiles.default?.endpoint).toBe('http://10.0.0.9');
  });

  it('an ES module that imports a file beside it is told why it cannot', async () => {
    const file = path.join(repo, 'ges.config.mjs');
    writeFileSync(file, `import x from './other.mjs';\nexport default x;\n`, { mode: 0o600 });
    const found = await findConfig({ cwd: repo, env: env(), explicitFile: file });
    const error = await loadFound(found!).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toContain(`malformed config file ${file}`);
    expect(error?.message).toContain('run from the bytes ges checked');
    expect(error?.message).not.toContain('base64');
  });
});
