import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import {
  control,
  createJob,
  emulator,
  envFor,
  packTarball,
  ROOT,
  requestLog,
  tempHome,
} from './helpers.js';

/**
 * The library as a user's project gets it: the packed tarball installed into a fresh project,
 * the documented example (docs/examples/cancel-all.mjs) type-checked there by this
 * repository's own tsc, strictly, against the declarations the package ships, then run against
 * the emulator.
 */

let emu: Emulator;
beforeAll(async () => {
  emu = await emulator();
});
afterAll(() => emu.close());

/** A TypeScript user's file: the exported types resolve, the internal names do not. */
const TYPES_CHECK = `
import type { CancelRecord, ClientOptions, GesClient, JobRecord, WaitRecord } from 'ges-cli';
import { GesAbortError, GesConfigError, GesConnectionError, GesHttpError } from 'ges-cli';
// @ts-expect-error: the core's own name is not exported
import { HttpError } from 'ges-cli';

export async function use(client: GesClient, options: ClientOptions): Promise<string[]> {
  const seen: string[] = [String(options.timeout), String(HttpError)];
  const records: CancelRecord[] = [];
  for await (const r of client.cancelJobs('movies', ['a1'])) records.push(r);
  for await (const job of client.listJobs('movies', { status: ['running'] })) {
    const j: JobRecord = job;
    seen.push(j.jobId);
  }
  for await (const w of client.waitJobs('movies', ['a1'], { timeout: 5000 })) {
    const r: WaitRecord = w;
    seen.push(r.outcome);
  }
  try {
    await client.jobStatus('movies', 'a1');
  } catch (error) {
    if (error instanceof GesHttpError) seen.push(\`\${error.status} \${error.code}\`, error.hint!);
    if (error instanceof GesConnectionError) seen.push(String(error.code));
    if (error instanceof GesConfigError || error instanceof GesAbortError) seen.push(error.message);
  }
  return seen;
}
`;

describe('docs/library.md', () => {
  it('shows the example as docs/examples/cancel-all.mjs holds it', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/library.md'), 'utf8');
    const example = readFileSync(path.join(ROOT, 'docs/examples/cancel-all.mjs'), 'utf8');
    const blocks = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toContain(example);
  });
});

describe('the packed library', () => {
  it('installs into a project, type-checks the example and runs it', {
    timeout: 180_000,
  }, async () => {
    const { work, tarball } = packTarball('ges-library-pack-');
    const project = path.join(work, 'project');
    mkdirSync(project);
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'uses-ges', private: true, type: 'module' }),
    );
    const home = tempHome();
    // --prefer-offline: the packages npm ci fetched are in npm's cache already.
    execFileSync(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball],
      { cwd: project, stdio: 'ignore', env: { ...process.env, HOME: home } },
    );
    copyFileSync(
      path.join(ROOT, 'docs/examples/cancel-all.mjs'),
      path.join(project, 'cancel-all.mjs'),
    );
    writeFileSync(path.join(project, 'types-check.mts'), TYPES_CHECK);
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          allowJs: true,
          checkJs: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [path.join(ROOT, 'node_modules/@types')],
        },
        files: ['cancel-all.mjs', 'types-check.mts'],
      }),
    );
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const checked = await promisify(execFile)(process.execPath, [tsc, '-p', project], {
      encoding: 'utf8',
    }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    expect(checked).toBe('');

    const ids = [
      await createJob(emu),
      await createJob(emu, { status: 'pending', pendingMs: 600_000 }),
    ];
    await control(emu, 'DELETE', 'requests');
    const run = await promisify(execFile)(process.execPath, ['cancel-all.mjs', 'movies'], {
      cwd: project,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: home, ...(envFor(emu) as Record<string, string>) },
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n').sort()).toEqual(
      ids.map((id) => `${id}: cancelled`).sort(),
    );
    const deletes = (await requestLog(emu)).filter((r) => r.method === 'DELETE');
    expect(deletes).toHaveLength(2);
  });
});
