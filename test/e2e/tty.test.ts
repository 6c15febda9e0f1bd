import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { BIN, control, createJob, emulator, hasScript, TOKEN, tempHome } from './helpers.js';

/**
 * Runs a shell line under a pseudo-terminal (util-linux `script`), returning what the terminal
 * showed.
 */
function underTty(
  line: string,
  env: Record<string, string>,
  /** Types Ctrl-C once the screen shows what this asks for. */
  ctrlCWhen?: (screen: string) => boolean,
): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', line, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', HOME: tempHome(), ...env },
    });
    let screen = '';
    let typed = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      screen += d;
      if (ctrlCWhen && !typed && ctrlCWhen(screen)) {
        typed = true;
        child.stdin.write('\u0003');
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}

describe.skipIf(!hasScript)('on a terminal', () => {
  let emu: Emulator;
  let env: Record<string, string>;
  beforeAll(async () => {
    emu = await emulator();
    env = { GES_ENDPOINT: emu.url, GES_PROJECT_ID: 'demo', GES_TOKEN: TOKEN };
    await createJob(emu);
  });
  afterAll(() => emu.close());

  it('job list prints a coloured table with a header, and a spinner while waiting', async () => {
    await control(emu, 'POST', 'faults', {
      path: '/jobs/status',
      delayMs: 400,
      status: 200,
      body: { jobs: [{ jobId: 'j1', status: 'running' }], totalCount: 1 },
    });
    const { code, screen } = await underTty(`stty cols 100; node ${BIN} job list movies`, env);
    expect(code).toBe(0);
    expect(screen).toContain('\u001b[1mID  ');
    expect(screen).toContain('Listing jobs on graph movies'); // the spinner
    expect(screen).not.toContain(TOKEN);
  });

  it('NO_COLOR and --no-color turn colour off; CI turns the spinner off', async () => {
    for (const [line, extra] of [
      [`stty cols 100; node ${BIN} job list movies`, { NO_COLOR: '1', CI: 'true' }],
      [`stty cols 100; node ${BIN} job list movies --no-color`, { CI: 'true' }],
    ] as const) {
      const { code, screen } = await underTty(line, { ...env, ...extra });
      expect(code).toBe(0);
      expect(screen).toMatch(/ID +KIND +STATUS +PROGRESS +AGE/);
      expect(screen).not.toContain('\u001b[');
    }
  });

  it('NO_COLOR keeps the spinner but draws it without colour', async () => {
    await control(emu, 'POST', 'faults', {
      path: '/jobs/status',
      delayMs: 400,
      status: 200,
      body: { jobs: [{ jobId: 'j1', status: 'running' }], totalCount: 1 },
    });
    const { code, screen } = await underTty(`stty cols 100; node ${BIN} job list movies`, {
      ...env,
      NO_COLOR: '1',
      TERM: 'xterm-256color', // a terminal chalk would colour
    });
    expect(code).toBe(0);
    expect(screen).toContain('Listing jobs on graph movies');
    expect(screen).not.toMatch(/\u001b\[[\d;]*m/); // no colour or bold, only cursor moves
  });

  it('job list --watch redraws in place; after Ctrl-C a whole table, exit 130', async () => {
    // Ctrl-C typed once three frames are drawn; -echo keeps the terminal from echoing "^C".
    const watch = `node ${BIN} job list movies --watch --interval 500ms`;
    const line = `stty cols 100 rows 20 -echo; exec ${watch}`;
    const { code, screen } = await underTty(
      line,
      env,
      (shown) => shown.split('\u001b[J').length > 3,
    );
    expect(code).toBe(130);
    const frames = screen.split('\u001b[J');
    expect(frames.length).toBeGreaterThan(2); // more than one frame drawn
    expect(frames[1]).toMatch(/^\r\u001b\[3A\u001b\[1mID +KIND +STATUS +PROGRESS +AGE/);
    // What follows the last frame is the stop message alone: nothing half drawn.
    expect(frames.at(-1)!.trim()).toBe(
      'interrupted: stopping (press Ctrl-C again to quit at once)',
    );
    expect(screen).not.toContain('\u001b[?25l');
  });

  it('TERM=dumb: no spinner, no colour, no escape sequence at all', async () => {
    await control(emu, 'POST', 'faults', {
      path: '/jobs/status',
      delayMs: 400,
      status: 200,
      body: { jobs: [] },
    });
    const { code, screen } = await underTty(`stty cols 100; node ${BIN} job list movies`, {
      ...env,
      TERM: 'dumb',
    });
    expect(code).toBe(0);
    expect(screen).not.toContain('Listing jobs');
    expect(screen).not.toContain('\u001b');
  });

  it('a terminal that reports no width gets no spinner and does not hang', async () => {
    const { code, screen } = await underTty(`stty cols 0; node ${BIN} job list movies`, env);
    expect(code).toBe(0);
    expect(screen).toMatch(/ID +KIND +STATUS +PROGRESS +AGE/);
    expect(screen).not.toContain('Listing jobs');
  });
});
