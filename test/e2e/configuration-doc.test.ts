import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, control, emulator, ROOT, TOKEN, tempHome, writeFile } from './helpers.js';

/**
 * docs/configuration.md's shell examples that show what the page claims beside them, pasted as
 * a user would: each runs in bash with `ges` on the PATH, in a fresh home whose user config
 * has a default profile, against the emulator, and must end well and show the claim. (Every
 * block of docs/ also runs, for its exit codes alone, with the README's.)
 */
const DOC = readFileSync(path.join(ROOT, 'docs/configuration.md'), 'utf8');
const BLOCKS = [...DOC.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => ({
  line: DOC.slice(0, m.index).split('\n').length,
  text: m[1]!,
}));

/** The claims, each by the block that shows it. */
const CLAIMS: [RegExp, (stdout: string, stderr: string) => void][] = [
  [
    /config show -p default --json/,
    // -p default outranks the GES_ENDPOINT the sandbox exports.
    (stdout) => expect(stdout).toMatch(/^file .*config\.yaml \(profile default\)$/m),
  ],
  [/ges --verbose job list/, (_, stderr) => expect(stderr).toMatch(/^setting endpoint = /m)],
  [/config init --local/, (stdout) => expect(stdout).toMatch(/\* +here +http:\/\/127\.0\.0\.1/)],
];
const CLAIMED = BLOCKS.filter((b) => CLAIMS.some(([pattern]) => pattern.test(b.text)));

function bash(
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the shell examples of docs/configuration.md show what it claims', () => {
  it('finds a block for each claim', () => {
    expect(CLAIMED).toHaveLength(CLAIMS.length);
  });

  for (const block of CLAIMED) {
    it(`line ${block.line}: ${block.text.split('\n')[0]!.slice(0, 60)}`, async () => {
      const emu = await emulator({ runningMs: 300 });
      try {
        for (const jobId of ['a1', 'a2', 'a3'])
          await control(emu, 'POST', 'jobs', { status: 'running', jobId });
        const home = tempHome();
        const log = path.join(home, 'ges-runs.log');
        writeFile(
          home,
          'bin/ges',
          `#!/bin/sh\n"${process.execPath}" "${BIN}" "$@"\nrc=$?\necho "$rc $*" >> "${log}"\n` +
            'exit $rc\n',
          0o755,
        );
        writeFile(
          home,
          '.config/ges/config.yaml',
          `profiles:\n  default:\n    endpoint: ${emu.url}\n    projectId: demo\n` +
            `    auth: {type: token, token: "\${GES_TOKEN}"}\n`,
        );
        const r = await bash(block.text, home, {
          PATH: `${path.join(home, 'bin')}:${process.env.PATH}`,
          HOME: home,
          XDG_CONFIG_HOME: path.join(home, '.config'),
          XDG_CACHE_HOME: path.join(home, '.cache'),
          CI: 'true',
          GES_ENDPOINT: emu.url,
          GES_MANAGEMENT_ENDPOINT: emu.url,
          GES_PROJECT_ID: emu.projectId,
          GES_TOKEN: TOKEN,
        });
        expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
        const runs = readFileSync(log, 'utf8').trim().split('\n');
        expect(
          runs.filter((l) => l.startsWith('2 ')),
          r.stderr,
        ).toEqual([]);
        for (const [pattern, claim] of CLAIMS)
          if (pattern.test(block.text)) claim(r.stdout, r.stderr);
      } finally {
        await emu.close();
      }
    });
  }
});
