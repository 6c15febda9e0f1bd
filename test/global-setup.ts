import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The end-to-end layer runs the built binary (dist/): `npx vitest` straight after an edit must
 * not test yesterday's build. When any source is newer than dist/, build first.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

export default function setup(): void {
  const sources = Math.max(
    newest(path.join(ROOT, 'src')),
    statSync(path.join(ROOT, '.ci/build.mjs')).mtimeMs,
    statSync(path.join(ROOT, 'package.json')).mtimeMs,
  );
  let built = 0;
  try {
    built = statSync(path.join(ROOT, 'dist/help.json')).mtimeMs;
  } catch {
    built = 0;
  }
  if (built < sources) {
    console.log('dist/ is older than the sources: building first');
    execFileSync(process.execPath, [path.join(ROOT, '.ci/build.mjs')], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  }
}
