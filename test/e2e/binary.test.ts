import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import {
  createJob,
  emulator,
  envFor,
  parseJson,
  runGes,
  TOKEN,
  tempHome,
  writeFile,
} from './helpers.js';

/**
 * The thin layer through the built binary (bin/ges.cjs and dist/): each command once, and what
 * only the binary does (answering --version and --help from the build's cache). Everything
 * else runs main() in-process; signals, pipes and terminals have their own binary tests.
 */

let emu: Emulator;
beforeAll(async () => {
  emu = await emulator();
});
afterAll(() => emu.close());

describe('bin/ges.cjs', () => {
  it('--version and --help come from the build (package.json, dist/help.json)', async () => {
    const version = await runGes(['--version']);
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const help = await runGes(['job', 'cancel', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: ges job cancel [options] <graph> [jobId...]');
    expect(help.stdout).toContain('Examples:');
    // The cache and the CLI print the same help: `ges help` is answered by the CLI itself.
    const live = await runGes(['help', 'job', 'cancel']);
    expect(live).toMatchObject({ code: 0, stdout: help.stdout, stderr: '' });
    expect((await runGes(['--help'])).stdout).toBe((await runGes(['help'])).stdout);
  });

  it('job cancel, status, list and wait', async () => {
    const env = envFor(emu);
    const a = await createJob(emu);
    const done = await createJob(emu, { status: 'success' });
    expect((await runGes(['job', 'list', 'movies', '--json'], { env })).code).toBe(0);
    const status = await runGes(['job', 'status', 'movies', done], { env });
    expect(status.stdout.split('\n')[0]).toBe(`Job ${done} on graph movies: success`);
    const cancel = await runGes(['job', 'cancel', 'movies', a, '--json'], { env });
    expect(parseJson(cancel.stdout)).toMatchObject({
      ok: true,
      results: [{ outcome: 'cancelled' }],
    });
    expect((await runGes(['job', 'wait', 'movies', done], { env })).code).toBe(0);
  });

  it("keeps V8's code cache privately, and never in a folder others can write", async () => {
    const home = tempHome();
    const dir = path.join(home, '.cache/ges');
    // Another Node's cache stays; this Node's cache of another build is stale.
    const otherNode = writeFile(dir, 'code-v0.0.1-1-1.bin', 'x');
    const otherBuild = writeFile(dir, `code-${process.version}-1-1.bin`, 'x');
    chmodSync(dir, 0o700);
    const run = await runGes(['config', 'path'], { home, cwd: home });
    expect(run.code).toBe(0);
    expect(existsSync(otherNode)).toBe(true);
    expect(existsSync(otherBuild)).toBe(false);
    const cached = readdirSync(dir).filter((f) => f.startsWith(`code-${process.version}-`));
    expect(cached).toHaveLength(1);
    expect(statSync(path.join(dir, cached[0]!)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);

    // A FIFO in the cache's place is refused without blocking, and replaced by a real cache.
    const current = path.join(dir, cached[0]!);
    rmSync(current);
    execFileSync('mkfifo', [current]);
    expect((await runGes(['config', 'path'], { home, cwd: home, timeoutMs: 10_000 })).code).toBe(0);
    expect(statSync(current).isFile()).toBe(true);

    const open = tempHome();
    mkdirSync(path.join(open, '.cache/ges'), { recursive: true });
    chmodSync(path.join(open, '.cache/ges'), 0o777);
    expect((await runGes(['config', 'path'], { home: open, cwd: open })).code).toBe(0);
    expect(readdirSync(path.join(open, '.cache/ges'))).toEqual([]);
  });

  it(
    'runs from its code cache as from the source: ' +
      'an ES module config and a graph found by name, twice, nothing on stderr',
    async () => {
      const home = tempHome();
      writeFile(
        home,
        '.config/ges/config.mjs',
        `export default { profiles: { default: { ` +
          `managementEndpoint: ${JSON.stringify(emu.url)}, ` +
          `projectId: ${JSON.stringify(emu.projectId)}, ` +
          `auth: { type: 'token', token: process.env.T } } } };\n`,
      );
      const done = await createJob(emu, { status: 'success' });
      for (const run of ['compiles and saves the cache', 'runs from the cache']) {
        const status = await runGes(['job', 'status', 'movies', done], { home, env: { T: TOKEN } });
        expect({ run, ...status }).toMatchObject({ run, code: 0, stderr: '' });
        expect(status.stdout.split('\n')[0]).toBe(`Job ${done} on graph movies: success`);
      }
      const cached = readdirSync(path.join(home, '.cache/ges'));
      expect(cached.filter((f) => /^code-v\d.*\.bin$/.test(f))).toHaveLength(1);
      // The graph's address: one file per management endpoint and project.
      expect(cached.filter((f) => f.startsWith('graphs-'))).toHaveLength(1);
    },
  );

  it('config path, completion, and a usage error', async () => {
    const home = tempHome();
    const file = writeFile(home, '.config/ges/config.yaml', 'profiles: {}\n');
    expect((await runGes(['config', 'path'], { cwd: home })).stdout.split('\n')[0]).toBe(
      `${file}  (trusted: in the user config folder)`,
    );
    expect((await runGes(['completion', 'bash'])).stdout).toContain(
      'complete -F _ges_complete ges',
    );
    const bad = await runGes(['job', 'cancel', 'movies', 'a/b']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid job ID');
  });
});
