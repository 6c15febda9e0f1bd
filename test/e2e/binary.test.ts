import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import {
  createJob,
  emulator,
  envFor,
  parseJson,
  ROOT,
  runGes,
  runMain,
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

  it("answers --help from dist/help.json with the CLI's own help, for every command", async () => {
    const stored = JSON.parse(readFileSync(path.join(ROOT, 'dist/help.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(Object.keys(stored)).toEqual(expect.arrayContaining(['', 'job cancel', 'config']));
    for (const [command, text] of Object.entries(stored)) {
      const args = [...command.split(' ').filter(Boolean), '--help'];
      expect({ command, stdout: (await runMain(args)).stdout }).toEqual({ command, stdout: text });
    }
  });

  it('a word that names something of every object is no stored help: the CLI answers', async () => {
    for (const word of ['constructor', '__proto__', 'toString']) {
      const r = await runGes([word, '--help']);
      expect({ word, stderr: r.stderr }).toEqual({ word, stderr: '' });
      expect(r.stdout).toContain('Usage: ges');
    }
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

  // Node 22.10+ (enableCompileCache and flushCompileCache); on Node 20 there is none.
  const compileCache = typeof createRequire(import.meta.url)('node:module').flushCompileCache;
  const hasCompileCache = compileCache === 'function';
  /** The files in each of Node's folders under the compile cache folder (one per Node version). */
  const compiled = (dir: string): string[] =>
    existsSync(dir)
      ? readdirSync(dir).flatMap((v) => readdirSync(path.join(dir, v)).map((f) => `${v}/${f}`))
      : [];

  it.runIf(hasCompileCache)(
    "keeps Node's compile cache in the user's private cache folder, and runs from it",
    async () => {
      const home = tempHome();
      const dir = path.join(home, '.cache/ges/compile');
      const first = await runGes(['config', 'path'], { home });
      expect(first.code).toBe(0);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(compiled(dir).length).toBeGreaterThan(0);
      // A temporary file Node left (a full disk) is removed by the next run.
      const [version] = readdirSync(dir);
      const leftover = path.join(dir, version!, '0123abcd.Xy12Zq');
      writeFileSync(leftover, '');
      const second = await runGes(['config', 'path'], {
        home,
        env: { NODE_DEBUG_NATIVE: 'COMPILE_CACHE' },
      });
      expect(second.code).toBe(0);
      expect(second.stdout).toBe(first.stdout);
      expect(second.stderr).toMatch(/dist\/ges\.cjs was accepted/);
      expect(existsSync(leftover)).toBe(false);
    },
  );

  it.runIf(hasCompileCache)(
    'keeps no compile cache without an absolute home, or in a folder others can write',
    async () => {
      const cwd = tempHome();
      const homeless = await runGes(['config', 'path'], {
        cwd,
        env: { HOME: undefined, XDG_CACHE_HOME: undefined, XDG_CONFIG_HOME: undefined },
      });
      expect(homeless.code).toBe(0);
      expect(readdirSync(cwd)).toEqual(['.config']);
      for (const open of ['.cache/ges', '.cache/ges/compile']) {
        const home = tempHome();
        mkdirSync(path.join(home, open), { recursive: true });
        chmodSync(path.join(home, open), 0o777);
        expect((await runGes(['config', 'path'], { home })).code).toBe(0);
        expect(compiled(path.join(home, '.cache/ges/compile'))).toEqual([]);
      }
    },
  );

  it.runIf(!hasCompileCache)('keeps no compile cache where Node has none', async () => {
    const home = tempHome();
    expect((await runGes(['config', 'path'], { home })).code).toBe(0);
    expect(existsSync(path.join(home, '.cache'))).toBe(false);
  });

  it(
    'imports an ES module config from the bundle and finds a graph by name, twice, ' +
      'nothing on stderr',
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
      for (const run of ['looks the graph up', 'uses the cached address']) {
        const status = await runGes(['job', 'status', 'movies', done], { home, env: { T: TOKEN } });
        expect({ run, ...status }).toMatchObject({ run, code: 0, stderr: '' });
        expect(status.stdout.split('\n')[0]).toBe(`Job ${done} on graph movies: success`);
      }
      const cached = readdirSync(path.join(home, '.cache/ges'));
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
