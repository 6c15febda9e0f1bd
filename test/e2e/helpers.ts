import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { sha256 } from '../../src/core/config/trust.js';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/ges.cjs');

/** Secrets used by tests; no run may print any of them. */
export const TOKEN = 'tok-9f8e7d6c5b4a-SECRET';
export const PASSWORD = 'pw-Hunter2-SECRET';
export const SECRET_KEY = 'sk-0123456789abcdef-SECRET';
export const SECURITY_TOKEN = 'st-temporary-SECRET';
/** Every token the emulated IAM issues starts with this. */
export const ISSUED_TOKEN_PREFIX = 'MIIEmulated';
export const SECRETS = [TOKEN, PASSWORD, SECRET_KEY, SECURITY_TOKEN, ISSUED_TOKEN_PREFIX];

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  stdin?: string;
  cwd?: string;
  /** HOME for the run; defaults to cwd, or a fresh temporary folder. */
  home?: string;
  /** Secrets this run must not print, on top of SECRETS. */
  secrets?: string[];
  timeoutMs?: number;
}

/** A fresh home folder so no real config on this machine leaks into a test. */
export function tempHome(): string {
  const home = mkdtempSync(path.join(tmpdir(), 'ges-test-'));
  mkdirSync(path.join(home, '.config'), { recursive: true });
  return home;
}

export function writeFile(dir: string, name: string, text: string, mode = 0o600): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, mode);
  return file;
}

/** Records a file as trusted for the user whose home is `home`, as `ges config trust` would. */
export function trust(home: string, file: string): void {
  const dir = path.join(home, '.config/ges');
  mkdirSync(dir, { recursive: true });
  const list = path.join(dir, 'trusted.json');
  const doc = existsSync(list) ? JSON.parse(readFileSync(list, 'utf8')) : { version: 1, files: {} };
  const real = realpathSync(file);
  doc.files[real] = { sha256: sha256(readFileSync(real)), trustedAt: new Date().toISOString() };
  writeFileSync(list, JSON.stringify(doc));
  chmodSync(list, 0o600);
}

/**
 * A config file in a folder under `home`, trusted by its user (for tests that are not about
 * trust).
 */
export function writeTrusted(home: string, name: string, text: string, mode = 0o600): string {
  const file = writeFile(home, name, text, mode);
  trust(home, file);
  return file;
}

/**
 * The environment of a test run: a clean one with its own home, plus `extra` (undefined
 * removes).
 */
function testEnv(
  home: string,
  extra: Record<string, string | undefined> = {},
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    CI: 'true',
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Fails the test, naming the secret and the stream, when a run printed any of the test secrets. */
export function expectNoSecrets(result: RunResult, extra: string[] = []): void {
  for (const secret of [...SECRETS, ...extra]) {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (result[stream].includes(secret))
        expect.fail(`${stream} leaks the secret ${JSON.stringify(secret)}:\n${result[stream]}`);
    }
  }
}

/** Runs bin/ges.cjs as a child process with a clean environment; checks no secret was printed. */
export async function runGes(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const home = options.home ?? options.cwd ?? tempHome();
  const env = testEnv(home, options.env);
  const result = await new Promise<RunResult>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? home,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');
  });
  expectNoSecrets(result, options.secrets);
  return result;
}

export interface InProcessOptions extends RunOptions {
  /** Whether stdout (and stderr) claim to be terminals. */
  tty?: boolean;
  /** Aborts the run as a signal would (its reason: "SIGINT", "SIGTERM", ...). */
  stop?: AbortSignal;
  /** Keep stdin open (a pipe nobody closes). */
  openStdin?: boolean;
}

/**
 * Runs `main()` in this process with test streams, the way bin/ges.cjs runs it: same argv,
 * an injected environment, home and working directory; checks no secret was printed.
 */
export async function runMain(
  args: string[],
  options: InProcessOptions = {},
): Promise<RunResult & { stdoutWrites: number }> {
  const { main } = await import('../../src/cli/main.js');
  const home = options.home ?? options.cwd ?? tempHome();
  const stdout = Object.assign(new PassThrough(), { isTTY: options.tty });
  const stderr = Object.assign(new PassThrough(), { isTTY: options.tty });
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  let stdoutWrites = 0;
  const write = stdout.write.bind(stdout);
  stdout.write = ((...args: Parameters<typeof write>) => {
    stdoutWrites++;
    return write(...args);
  }) as typeof stdout.write;
  stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  if (options.stdin !== undefined) stdin.write(options.stdin);
  if (!options.openStdin) stdin.end();
  const code = await main(args, {
    streams: { stdout, stderr, stdin },
    env: testEnv(home, options.env),
    cwd: options.cwd ?? home,
    stop: options.stop,
  });
  await new Promise((r) => setImmediate(r));
  const result = { code, stdout: out, stderr: err, stdoutWrites };
  expectNoSecrets(result, options.secrets);
  return result;
}

export async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ port: 0, token: TOKEN, pendingMs: 0, runningMs: 600_000, ...options });
}

/** Environment that points ges at an emulator. */
export function envFor(
  emu: Emulator,
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    GES_ENDPOINT: emu.url,
    GES_PROJECT_ID: emu.projectId,
    GES_TOKEN: emu.token ?? undefined,
    ...extra,
  };
}

/** Calls the emulator's control API. */
export async function control(
  emu: Emulator,
  method: string,
  route: string,
  body?: unknown,
): Promise<any> {
  const res = await fetch(`${emu.url}/emulator/${route}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

export async function createJob(
  emu: Emulator,
  body: Record<string, unknown> = {},
): Promise<string> {
  const job = await control(emu, 'POST', 'jobs', { status: 'running', ...body });
  return job.jobId as string;
}

/** The requests the emulator saw (GES calls only). */
export async function requestLog(
  emu: Emulator,
): Promise<{ method: string; path: string; headers: Record<string, string> }[]> {
  return (await control(emu, 'GET', 'requests')).requests;
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export function parseJson(stdout: string): any {
  return JSON.parse(stdout);
}

/** Whether util-linux `script` (a pseudo-terminal for TTY tests) is on this machine. */
export const hasScript = ((): boolean => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
