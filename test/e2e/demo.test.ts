import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, tempHome } from './helpers.js';

it('npm run demo (dist/demo.js) runs every step as documented and exits 0', async () => {
  const home = tempHome();
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/demo.js')], {
    env: { PATH: process.env.PATH ?? '', HOME: home, CI: 'true' },
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(stdout).toContain('demo: all 8 steps behaved as documented');
  expect(stdout).not.toContain('UNEXPECTED');
  expect(code).toBe(0);
});
