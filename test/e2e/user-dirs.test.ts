import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PrivateCache } from '../../src/core/cache.js';
import { sha256 } from '../../src/core/config/trust.js';
import type { Emulator } from '../../src/emulator/index.js';
import {
  control,
  emulator,
  parseJson,
  ROOT,
  requestLog,
  runGes,
  runMain,
  TOKEN,
  tempHome,
  writeFile,
} from './helpers.js';

/**
 * The user directories come from the environment by the XDG rule (paths.ts), never from the
 * working directory: with HOME unset and relative XDG_* values, ges has no user config
 * directory and no cache, says so where it must record something, and reads, writes and runs
 * nothing from a folder that merely looks like a home.
 */

let good: Emulator;
let evil: Emulator;
beforeAll(async () => {
  good = await emulator({ graphs: ['movies'] });
  evil = await emulator({ graphs: ['movies'] });
});
afterAll(async () => {
  await good.close();
  await evil.close();
});
beforeEach(async () => {
  await control(good, 'DELETE', 'requests');
  await control(evil, 'DELETE', 'requests');
});

/** No home at all: HOME unset, and XDG values that are relative (they count as unset). */
const NO_HOME = { HOME: undefined, XDG_CONFIG_HOME: '.config', XDG_CACHE_HOME: '.cache' };
const NO_CONFIG_DIR =
  'there is no user config directory: HOME is not set and XDG_CONFIG_HOME is not an ' +
  'absolute path either';

/** Every entry under `dir` with what it holds: a change anywhere changes this. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name);
      const st = lstatSync(full);
      const what = st.isDirectory()
        ? 'dir'
        : st.isSymbolicLink()
          ? `link ${readlinkSync(full)}`
          : createHash('sha256').update(readFileSync(full)).digest('hex');
      out[path.relative(dir, full)] = `${(st.mode & 0o7777).toString(8)} ${st.mtimeMs} ${what}`;
      if (st.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out;
}

const yaml = (endpoint: string, extra = '') =>
  `profiles:\n  default:\n    ${endpoint}\n    projectId: demo\n${extra}` +
  `    auth: {type: token, token: "\${GES_TOKEN}"}\n`;

describe('with HOME unset', () => {
  it('config trust, untrust and init --global exit 2 saying why; nothing is written', async () => {
    const dir = tempHome();
    const file = writeFile(dir, 'repo/.gesrc.yaml', yaml(`endpoint: ${good.url}`));
    const before = snapshot(dir);
    const init = ['-p', 'x', '--endpoint', good.url, '--project-id', 'demo', '--auth', 'none'];
    for (const args of [
      ['config', 'trust', file],
      ['config', 'untrust', file],
      ['config', 'init', '--global', ...init],
      ['config', 'init', ...init],
    ]) {
      const r = await runMain(args, { cwd: path.join(dir, 'repo'), env: NO_HOME });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(NO_CONFIG_DIR);
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it('the search goes up to the root; a found file cannot be trusted, only named', async () => {
    const dir = tempHome();
    const file = writeFile(dir, '.gesrc.yaml', yaml(`endpoint: ${evil.url}`));
    const cwd = path.join(dir, 'a/b');
    mkdirSync(cwd, { recursive: true });
    const where = parseJson(
      (await runMain(['config', 'path', '--json'], { cwd, env: NO_HOME })).stdout,
    );
    expect(where.file).toBe(file);
    expect(where.searched.dirs).toEqual([cwd, path.join(dir, 'a'), ...ancestors(dir)]);
    expect(where.searched.globalDir).toBeNull();
    const r = await runMain(['job', 'list', 'movies'], {
      cwd,
      env: { ...NO_HOME, GES_TOKEN: TOKEN },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`config file ${file} is not trusted`);
    expect(r.stderr).toContain(`${NO_CONFIG_DIR}, so no trust can be recorded`);
    expect(r.stderr).toContain(`ges --config '${file}'`);
    expect(await requestLog(evil)).toEqual([]);
  });

  it('config path and doctor advise naming the file: no trust can be recorded', async () => {
    const dir = tempHome();
    const file = writeFile(dir, 'repo/.gesrc.yaml', yaml(`endpoint: ${evil.url}`));
    const cwd = path.join(dir, 'repo');
    const where = await runMain(['config', 'path'], { cwd, env: NO_HOME });
    expect(where.stdout).toContain(`ges --config '${file}'`);
    expect(where.stdout).not.toContain('ges config trust');
    const doctor = await runMain(['doctor', 'movies'], { cwd, env: NO_HOME });
    expect(doctor.code).toBe(2);
    expect(doctor.stdout.split('\n')[0]).toContain(`fix: ${NO_CONFIG_DIR}`);
    expect(doctor.stdout).toContain(`ges --config '${file}'`);
    expect(await requestLog(evil)).toEqual([]);
  });

  it('runs without a cache, saying so only with --verbose', async () => {
    const dir = tempHome();
    const cfg = writeFile(dir, 'named.yaml', yaml(`managementEndpoint: ${good.url}`));
    const before = snapshot(dir);
    const args = ['job', 'list', 'movies', '--config', cfg];
    const quiet = await runMain(args, { cwd: dir, env: { ...NO_HOME, GES_TOKEN: TOKEN } });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('No jobs on graph movies\n');
    const verbose = await runMain([...args, '-v'], {
      cwd: dir,
      env: { ...NO_HOME, GES_TOKEN: TOKEN },
    });
    expect(verbose.code).toBe(0);
    expect(verbose.stderr).toContain('no cache: there is no user cache directory: HOME is not set');
    // No cache: the graph's address is looked up on each run.
    const lists = (await requestLog(good)).filter((q) => q.path.startsWith('/v2/'));
    expect(lists).toHaveLength(2);
    expect(snapshot(dir)).toEqual(before);
  });
});

/** `dir`'s ancestors, nearest first, up to the root. */
function ancestors(dir: string): string[] {
  const out = [];
  for (let d = dir; ; d = path.dirname(d)) {
    out.push(d);
    if (path.dirname(d) === d) return out;
  }
}

describe('a home that cannot be written', () => {
  it.each([
    ['a home that is a file', (dir: string) => writeFile(dir, 'home-file', 'x')],
    ['a home in a read-only file system', () => '/proc'],
  ])('%s: config trust is exit 2 naming the file and why', async (_, home) => {
    const dir = tempHome();
    const file = writeFile(dir, 'repo/.gesrc.yaml', yaml(`endpoint: ${good.url}`));
    const h = home(dir);
    const r = await runMain(['config', 'trust', file], {
      cwd: dir,
      env: { HOME: h, XDG_CONFIG_HOME: undefined, XDG_CACHE_HOME: undefined },
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`cannot write the trust list ${h}/.config/ges/trusted.json: `);
    expect(r.stderr).not.toContain('internal error');
  });
});

describe('many runs at once', () => {
  it('30 ges config trust at once record all 30; readers meanwhile never fail', {
    timeout: 120_000,
  }, async () => {
    const home = tempHome();
    const files = Array.from({ length: 30 }, (_, i) =>
      writeFile(home, `src/r${i}/.gesrc.yaml`, yaml(`endpoint: ${good.url}`, `    # ${i}\n`)),
    );
    const readerRepo = path.join(home, 'src/r0');
    const first = await runGes(['config', 'trust', files[0]!], { home, cwd: home });
    expect(first.code, first.stderr).toBe(0);
    // 36 processes on a loaded machine: each bounded well inside the test's own bound.
    const timeoutMs = 100_000;
    const [trusts, reads] = await Promise.all([
      Promise.all(files.slice(1).map((f) => runGes(['config', 'trust', f], { home, timeoutMs }))),
      Promise.all(
        Array.from({ length: 6 }, () =>
          runGes(['config', 'list', '--json'], { home, cwd: readerRepo, timeoutMs }),
        ),
      ),
    ]);
    for (const r of trusts) expect(r.code, r.stderr).toBe(0);
    for (const r of reads) expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(readFileSync(path.join(home, '.config/ges/trusted.json'), 'utf8'));
    expect(Object.keys(list.files).sort()).toEqual(files.map((f) => realpathSync(f)).sort());
    expect(readdirSync(path.join(home, '.config/ges')).sort()).toEqual(['trusted.json']);
  });
});

describe('a hostile folder, with HOME unset, through the binary', () => {
  it('reads nothing from it, writes nothing there and runs nothing from there', async () => {
    const dir = tempHome();
    const marker = path.join(path.dirname(dir), `${path.basename(dir)}-PWNED`);
    const run =
      `import { writeFileSync } from 'node:fs'; ` +
      `writeFileSync(${JSON.stringify(marker)}, 'x');`;
    // What a home would hold, at relative paths: the config folder (relative XDG_CONFIG_HOME),
    // with a JavaScript config and a trust list that trusts the folder's .gesrc.yaml; a "~" folder
    // with a config; the cache (relative XDG_CACHE_HOME) sending movies to the evil server.
    const local = writeFile(dir, '.gesrc.yaml', yaml(`endpoint: ${evil.url}`));
    writeFile(dir, '.config/ges/config.mjs', `${run}\nexport default {};\n`);
    writeFile(
      dir,
      '.config/ges/trusted.json',
      JSON.stringify({ version: 1, files: { [local]: { sha256: sha256(readFileSync(local)) } } }),
    );
    writeFile(dir, '~/.config/ges/config.yaml', yaml(`endpoint: ${evil.url}`));
    const planted = new PrivateCache(path.join(dir, '.cache/ges'));
    await planted.write('graphs', [good.url, 'demo'], {
      addresses: { private: { movies: { endpoint: evil.url, fetchedAt: Date.now() } } },
    });
    const named = writeFile(tempHome(), 'named.yaml', yaml(`managementEndpoint: ${good.url}`));
    const before = snapshot(dir);
    const env = { ...NO_HOME, GES_TOKEN: TOKEN };

    const refused = await runGes(['job', 'list', 'movies'], { cwd: dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`config file ${local} is not trusted`);
    const init = ['-p', 'x', '--endpoint', good.url, '--project-id', 'demo', '--auth', 'none'];
    for (const args of [
      ['config', 'trust'],
      ['config', 'init', '--global', ...init],
    ]) {
      const r = await runGes(args, { cwd: dir, env });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(NO_CONFIG_DIR);
    }
    const used = await runGes(['job', 'list', 'movies', '--config', named, '-v'], {
      cwd: dir,
      env,
    });
    expect(used.code, used.stderr).toBe(0);
    expect(used.stderr).toContain('no cache: there is no user cache directory');
    expect((await requestLog(good)).map((q) => q.path.split('?')[0])).toEqual([
      '/v2/demo/graphs',
      '/ges/v1.0/demo/graphs/movies/jobs/status',
    ]);

    expect(await requestLog(evil)).toEqual([]);
    expect(existsSync(marker)).toBe(false);
    expect(withoutCodeCache(snapshot(dir))).toEqual(withoutCodeCache(before));
  });
});

/**
 * bin/code-cache.cjs decides its folder itself (not through paths.ts) while it exists: its
 * compiled-code files are left out of the comparison until then.
 */
function withoutCodeCache(files: Record<string, string>): Record<string, string> {
  if (!existsSync(path.join(ROOT, 'bin/code-cache.cjs'))) return files;
  return Object.fromEntries(
    Object.entries(files).filter(
      ([name]) => !/^\.cache\/ges\/code-.*\.bin$/.test(name) && name !== '.cache/ges',
    ),
  );
}
