import { execFileSync, spawn } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { PassThrough } from 'node:stream';
import { setTimeout as realDelay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { expect, vi } from 'vitest';
import { sha256 } from '../../src/core/config/trust.js';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/ges.cjs');

/** Secrets used by tests; no run may print any of them. */
export const TOKEN = 'tok-9f8e7d6c5b4a-SECRET';

/** A team's config: two profiles (token and AK/SK auth, secrets from ${...}), graphs of one. */
export const TEAM_CONFIG = `# my team's GES settings
defaultProfile: dev
profiles:
  # the test graph
  dev:
    endpoint: http://192.168.0.20
    projectId: devproject
    graphs: [movies, friends]
    auth:
      type: token
      token: \${GES_TOKEN}
  prod:
    endpoint: https://100.93.1.2
    projectId: prodproject
    auth:
      type: aksk
      accessKey: AKIDEXAMPLE12345678
      secretKey: \${SK}
`;
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
  /**
   * A bound on the run: runGes kills the child after this long (20 s unless given); runMain
   * fails the test once this long has passed without an exit code (no bound unless given).
   */
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
  /** With `tty`: the terminals' width (a spinner runs only on a terminal of known width). */
  columns?: number;
  /** Aborts the run as a signal would (its reason: "SIGINT", "SIGTERM", ...). */
  stop?: AbortSignal;
  /** Keep stdin open (a pipe nobody closes). */
  openStdin?: boolean;
  /**
   * Called once the command first asks stdin for data: the run is past its start (a stop is
   * heard from then on) and waits on stdin. A readiness signal, instead of a guessed delay.
   */
  onStdinRead?: () => void;
  /** Called with each piece of output as it is written: a readiness signal too. */
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

/**
 * An output stream for runMain: a terminal when `tty` says so, and with `columns` one a
 * spinner draws on (it moves the cursor as a terminal's stream does, with escape sequences).
 */
function testStream({ tty, columns }: InProcessOptions): PassThrough & { isTTY?: boolean } {
  const stream = Object.assign(new PassThrough(), { isTTY: tty });
  if (!tty || columns === undefined) return stream;
  return Object.assign(stream, {
    columns,
    cursorTo: (x: number, y?: number) => readline.cursorTo(stream, x, y),
    moveCursor: (dx: number, dy: number) => readline.moveCursor(stream, dx, dy),
    clearLine: (dir: -1 | 0 | 1) => readline.clearLine(stream, dir),
    clearScreenDown: () => readline.clearScreenDown(stream),
  });
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
  const stdout = testStream(options);
  const stderr = testStream(options);
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  let stdoutWrites = 0;
  const write = stdout.write.bind(stdout);
  stdout.write = ((...args: Parameters<typeof write>) => {
    stdoutWrites++;
    return write(...args);
  }) as typeof stdout.write;
  stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    options.onOutput?.('stdout', d);
  });
  stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    options.onOutput?.('stderr', d);
  });
  const onStdinRead = options.onStdinRead;
  if (onStdinRead) {
    // A stream's async iterator calls read() to take data; read(0) only refills the buffer.
    const read = stdin.read.bind(stdin);
    let told = false;
    stdin.read = ((size?: number) => {
      if (!told && size !== 0) {
        told = true;
        queueMicrotask(onStdinRead);
      }
      return read(size);
    }) as typeof stdin.read;
  }
  if (options.stdin !== undefined) stdin.write(options.stdin);
  if (!options.openStdin) stdin.end();
  const run = main(args, {
    streams: { stdout, stderr, stdin },
    env: testEnv(home, options.env),
    cwd: options.cwd ?? home,
    stop: options.stop,
  });
  const code = await within(run, options.timeoutMs, `ges ${args.join(' ')}`);
  await new Promise((r) => setImmediate(r));
  const result = { code, stdout: out, stderr: err, stdoutWrites };
  expectNoSecrets(result, options.secrets);
  return result;
}

/** `work`, or a failure naming `what` once `ms` of real time have passed without an end. */
async function within<T>(work: Promise<T>, ms: number | undefined, what: string): Promise<T> {
  if (ms === undefined) return work;
  const limit = new AbortController();
  const late = realDelay(ms, undefined, { signal: limit.signal }).then(() => {
    throw new Error(`${what}: still running after ${ms} ms`);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    limit.abort();
  }
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

/**
 * Calls the emulator's control API, on a connection of its own: a kept-alive connection the
 * emulator is closing as the next call goes out is reset (ECONNRESET) under load.
 */
export function control(
  emu: Emulator,
  method: string,
  route: string,
  body?: unknown,
): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${emu.url}/emulator/${route}`, { method, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('error', reject);
      res.on('end', () => {
        try {
          resolve(JSON.parse(text));
        } catch {
          reject(new Error(`${method} /emulator/${route}: ${res.statusCode} ${text}`));
        }
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
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

/** Polls `check` in real time every few milliseconds for at most `ms`: whether it came true. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  ms = 10_000,
): Promise<boolean> {
  const end = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > end) return false;
    await realDelay(5);
  }
  return true;
}

/**
 * Fake time for commands run in this process: the timers a command waits on (setTimeout:
 * polls, backoff, Retry-After, --max-time, progress lines) and Date (deadlines, ages, the time
 * elapsed). Requests keep their real per-attempt deadlines (setInterval and performance stay
 * real, as sockets do). Undo with vi.useRealTimers(), in afterEach.
 */
export function fakeTime(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
}

/** A clock for an emulator that follows the test's: `emulator({ now: testNow })`. */
export const testNow = (): number => Date.now();

/** The HTTP requests under way in this process, as undici tells them. */
const requestsUnderWay = new Set<unknown>();
const requestOf = (message: unknown): unknown => (message as { request: unknown }).request;
subscribe('undici:request:create', (m) => requestsUnderWay.add(requestOf(m)));
for (const channel of ['undici:request:trailers', 'undici:request:error'])
  subscribe(channel, (m) => requestsUnderWay.delete(requestOf(m)));

/** Whether real I/O is under way: a request, or a file or name lookup. */
function busy(): boolean {
  return (
    requestsUnderWay.size > 0 ||
    process.getActiveResourcesInfo().some((r) => /^(FSReq|CloseReq|GetAddrInfo)/.test(r))
  );
}

/**
 * Lets `work` (a command run in this process after fakeTime()) go on as a process would on a
 * machine with no load: while I/O is under way, real time passes; once none is, the clock jumps
 * to the next timer (a poll, a backoff, a deadline). An emulator made with `now: testNow`
 * keeps the same clock, so no outcome depends on how busy the machine is, and nothing sleeps.
 * A fault's delayMs is a timer held while its request is under way: step those with
 * vi.advanceTimersByTimeAsync instead.
 */
export async function onFakeTime<T>(work: Promise<T>, limitMs = 86_400_000): Promise<T> {
  let settled = false;
  const done = work.finally(() => {
    settled = true;
  });
  done.catch(() => undefined);
  const start = Date.now();
  let idle = 0;
  while (!settled) {
    await realDelay(1);
    if (settled || busy()) {
      idle = 0;
      continue;
    }
    // Idle twice running: what had just resolved has had its turn.
    if (++idle < 2) continue;
    idle = 0;
    if (Date.now() - start > limitMs) throw new Error(`still running after ${limitMs} ms`);
    await vi.advanceTimersToNextTimerAsync();
  }
  return done;
}

/**
 * `npm pack` of this checkout into a new temporary folder: the tarball's path and the folder.
 * dist/ is built (the suite's setup saw to it); --ignore-scripts keeps it as the tests use it.
 */
export function packTarball(prefix: string): { work: string; tarball: string } {
  const work = mkdtempSync(path.join(tmpdir(), prefix));
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  return { work, tarball: path.join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!) };
}
