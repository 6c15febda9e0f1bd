import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { createJob, emulator, envFor, packTarball, tempHome } from './helpers.js';

/**
 * The package as users install it: `npm pack`, then `npm install -g` of the tarball into a
 * temporary prefix (dependencies from the npm registry). No install script runs and npm
 * prints no warning; the installed `ges` answers --version and cancels a job.
 */

let emu: Emulator;
beforeAll(async () => {
  emu = await emulator();
});
afterAll(() => emu.close());

describe('the packed tarball', () => {
  it('installs without scripts or warnings and runs', { timeout: 180_000 }, async () => {
    const { work, tarball } = packTarball('ges-pack-');
    const prefix = path.join(work, 'prefix');
    // --prefer-offline: the packages npm ci fetched are in npm's cache already.
    const log = execFileSync(
      'npm',
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--foreground-scripts',
        tarball,
      ],
      {
        cwd: work,
        encoding: 'utf8',
        env: { ...process.env, npm_config_loglevel: 'warn', HOME: tempHome() },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    expect(log).not.toMatch(/warn|install script|postinstall|prepare/i);
    const ges = path.join(prefix, 'bin/ges');
    // Asynchronously: the emulator answering it lives in this process.
    const run = async (args: string[]): Promise<string> =>
      (
        await promisify(execFile)(ges, args, {
          encoding: 'utf8',
          env: {
            PATH: process.env.PATH ?? '',
            HOME: tempHome(),
            ...(envFor(emu) as Record<string, string>),
          },
        })
      ).stdout;
    expect(await run(['--version'])).toMatch(/^\d+\.\d+\.\d+\n$/);
    const id = await createJob(emu);
    expect(await run(['job', 'cancel', 'movies', id])).toBe(
      `✓ Cancelled job ${id} on graph movies\n`,
    );
  });
});
