import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, control, emulator, ROOT, TOKEN, tempHome, writeFile } from './helpers.js';

/**
 * The shell examples of the README and of docs/, pasted as a user would: each fenced `sh`
 * block runs in bash with `ges` on the PATH. Blocks that need a cloud account, install
 * things, or edit shell start-up files are left out (listed below). A shim records every
 * `ges` exit code: no example may be a usage error (exit 2), so every option and argument
 * shown is real.
 */

interface Block {
  file: string;
  line: number;
  text: string;
}

function blocksOf(file: string): Block[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => ({
    file,
    line: text.slice(0, m.index).split('\n').length,
    text: m[1]!,
  }));
}

const DOCS = readdirSync(path.join(ROOT, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);
const BLOCKS: Block[] = ['README.md', ...DOCS].flatMap(blocksOf);

/**
 * Not run here: npm (the quick start's own commands run in CI), a real IAM login, writing
 * ~/.bashrc and completion folders.
 */
const LEFT_OUT = [
  /^npm (ci|install)/m,
  /myhuaweicloud\.com\/v3\/auth\/tokens/,
  /ges completion/,
  /^# needs a Huawei Cloud account/m,
];
/** jq is not everywhere: a block that pipes into it runs where it is installed (CI installs it). */
const HAS_JQ = spawnSync('jq', ['--version']).status === 0;
const NEEDS_MISSING_TOOL = (b: Block): boolean => !HAS_JQ && /\bjq\b/.test(b.text);

const QUICK_START = (b: Block): boolean => b.text.startsWith('ges emulator &');

function bash(
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd, env, detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 30_000);
    // 'exit', not 'close': a background emulator the block left running holds the pipes open.
    child.on('exit', (code) => {
      clearTimeout(timer);
      setTimeout(() => {
        // Whatever a block left in the background goes with it.
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          // already gone
        }
        resolve({ code, stdout, stderr });
      }, 100);
    });
  });
}

/** A home with a `ges` on the PATH that logs each run's exit code and arguments. */
function sandbox(): { home: string; env: Record<string, string>; log: string } {
  const home = tempHome();
  const log = path.join(home, 'ges-runs.log');
  writeFile(
    home,
    'bin/ges',
    `#!/bin/sh\n"${process.execPath}" "${BIN}" "$@"\nrc=$?\necho "$rc $*" >> "${log}"\nexit $rc\n`,
    0o755,
  );
  const env = {
    PATH: `${path.join(home, 'bin')}:${process.env.PATH}`,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    CI: 'true',
  };
  return { home, env, log };
}

function usageErrors(log: string): string[] {
  let text = '';
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    return [];
  }
  // `ges config init` with no flags asks on a terminal; here there is none, so it says which
  // flags it needs.
  return text.split('\n').filter((l) => l.startsWith('2 ') && l !== '2 config init');
}

describe('the shell examples of the README and docs/', () => {
  it('finds the blocks it runs', () => {
    expect(BLOCKS.filter(QUICK_START)).toHaveLength(1);
    expect(
      BLOCKS.filter((b) => !LEFT_OUT.some((re) => re.test(b.text))).length,
    ).toBeGreaterThanOrEqual(8);
  });

  it(
    'the quick start, as written: ' + 'emulator, a job, list, cancel, exit 4 on the second cancel',
    async () => {
      const { home, env, log } = sandbox();
      const block = BLOCKS.find(QUICK_START)!;
      const r = await bash(block.text, home, env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/✓ Cancelled job \S+ on graph movies/);
      expect(r.stdout).toContain('exit 4');
      expect(r.stderr).toContain('GES.8303');
      expect(usageErrors(log)).toEqual([]);
    },
  );

  for (const block of BLOCKS.filter(
    (b) => !QUICK_START(b) && !LEFT_OUT.some((re) => re.test(b.text)),
  )) {
    it.skipIf(NEEDS_MISSING_TOOL(block))(
      `${block.file} line ${block.line}: ${block.text
        .split('\n')
        .find((l) => l.trim() && !l.startsWith('#'))!
        .slice(0, 60)}`,
      async () => {
        const emu = await emulator({ runningMs: 300 });
        try {
          for (const jobId of ['a1', 'a2', 'a3'])
            await control(emu, 'POST', 'jobs', { status: 'running', jobId });
          const started = (await control(emu, 'POST', 'jobs', { status: 'running' }))
            .jobId as string;
          const { home, env, log } = sandbox();
          writeFile(home, 'started-jobs.txt', `${started}\n`);
          writeFile(
            home,
            '.config/ges/config.yaml',
            `profiles:\n  default:\n    endpoint: ${emu.url}\n    projectId: demo\n` +
              `    auth: {type: token, token: "\${GES_TOKEN}"}\n`,
          );
          const r = await bash(block.text, home, {
            ...env,
            GES_ENDPOINT: emu.url,
            GES_MANAGEMENT_ENDPOINT: emu.url,
            GES_PROJECT_ID: emu.projectId,
            GES_TOKEN: TOKEN,
            GRAPH: 'movies',
            JOB: started,
          });
          expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
          expect(usageErrors(log), r.stderr).toEqual([]);
        } finally {
          await emu.close();
        }
      },
    );
  }
});
