/**
 * `npm run demo`: the tool's main job end to end against the built-in emulator.
 * Starts an emulator on a free port, creates jobs through the GES API, runs the real
 * `bin/ges.cjs` against it, and exits non-zero if anything behaved other than documented.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from './emulator/server.js';

const BIN = fileURLToPath(new URL('../bin/ges.cjs', import.meta.url));
const TOKEN = 'demo-token';

interface Step {
  title: string;
  args: string[];
  expectCode: number;
  check?: (stdout: string) => boolean;
}

/** Runs the CLI as a child process (asynchronously: the emulator lives in this process). */
function run(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** A profile by address and one by graph name (the emulated management plane, as a region). */
function writeConfig(emulator: Emulator, config: string): void {
  writeFileSync(
    config,
    `profiles:\n  demo:\n    endpoint: ${emulator.url}\n` +
      `    projectId: ${emulator.projectId}\n` +
      `    auth:\n      type: token\n      token: \${DEMO_GES_TOKEN}\n` +
      // No endpoint: graphs are found by name through the (emulated) management plane, as with a
      // region.
      `  byname:\n    managementEndpoint: ${emulator.url}\n` +
      `    projectId: ${emulator.projectId}\n` +
      `    auth:\n      type: token\n      token: \${DEMO_GES_TOKEN}\n`,
    { mode: 0o600 },
  );
}

/** This process's environment without the user's GES settings, pointed at the demo's config. */
function demoEnv(config: string, dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GES_CONFIG: config,
    GES_PROFILE: 'demo',
    DEMO_GES_TOKEN: TOKEN,
    XDG_CACHE_HOME: dir,
  };
  for (const name of Object.keys(env)) {
    if (/^(GES_(ENDPOINT|PROJECT_ID|TOKEN)|HUAWEICLOUD_SDK_)/.test(name)) delete env[name];
  }
  return env;
}

/** The IDs of the demo's jobs: two cancelled, one finished, one left running, one by name. */
interface DemoJobs {
  query: string;
  pagerank: string;
  finished: string;
  running: string;
  byName: string;
}

/** Jobs created through the GES API (and one finished job), as a user's code would. */
async function createJobs(emulator: Emulator): Promise<DemoJobs> {
  const post = async (route: string, body: unknown): Promise<string> => {
    const res = await fetch(
      `${emulator.url}/ges/v1.0/${emulator.projectId}/graphs/movies${route}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': TOKEN },
        body: JSON.stringify(body),
      },
    );
    return ((await res.json()) as { jobId: string }).jobId;
  };
  const query = await post('/vertices/action?action_id=query', { labels: ['movie'] });
  const pagerank = await post('/action?action_id=execute-algorithm', {
    algorithmName: 'pagerank',
    parameters: { alpha: 0.85 },
  });
  const finished = emulator.state.createJob(
    'movies',
    { command: 'execute-algorithm', jobType: 0, cancellable: true },
    { url: '/', body: {} },
    { status: 'success' },
  ).jobId;
  const running = await post('/indices', {
    indexName: 'ageIndex',
    indexType: 'GlobalCompositeVertexIndex',
    hasLabel: 'true',
    indexProperty: ['age'],
  });
  const byName = await post('/edges/action?action_id=query', { labels: ['rate'] });
  return { query, pagerank, finished, running, byName };
}

function demoSteps(jobs: DemoJobs): Step[] {
  const { query, pagerank, finished, running, byName } = jobs;
  return [
    {
      title: "List the graph's jobs",
      args: ['job', 'list', 'movies'],
      expectCode: 0,
      check: (out) => out.includes(query),
    },
    {
      title: 'Cancel a running vertex query',
      args: ['job', 'cancel', 'movies', query],
      expectCode: 0,
      check: (out) => out.includes('Cancelled'),
    },
    {
      title: 'Cancel a pagerank job, for a script (--json)',
      args: ['job', 'cancel', 'movies', pagerank, '--json'],
      expectCode: 0,
      check: (out) =>
        (JSON.parse(out) as { results: { outcome: string }[] }).results[0]?.outcome === 'cancelled',
    },
    {
      title: 'Try to cancel a job that already finished (exit 4, GES.8303)',
      args: ['job', 'cancel', 'movies', finished],
      expectCode: 4,
    },
    {
      title: "Check that job's status",
      args: ['job', 'status', 'movies', finished],
      expectCode: 0,
      check: (out) => out.includes('success'),
    },
    {
      title: "List the project's graphs from the management plane",
      args: ['graph', 'list', '-p', 'byname'],
      expectCode: 0,
      check: (out) => out.startsWith('movies\trunning'),
    },
    {
      title: "Cancel a job with only the graph's name: its address comes from the management plane",
      args: ['job', 'cancel', 'movies', byName, '-p', 'byname'],
      expectCode: 0,
      check: (out) => out.includes(`Cancelled job ${byName}`),
    },
    {
      title: 'List again: one job left',
      args: ['job', 'list', 'movies', '--status', 'running'],
      expectCode: 0,
      check: (out) => out.includes(running) && !out.includes(query),
    },
  ];
}

/** Runs each step with the real binary; the number of steps that did not behave. */
async function runSteps(steps: Step[], env: NodeJS.ProcessEnv): Promise<number> {
  let failures = 0;
  for (const step of steps) {
    console.log(`# ${step.title}`);
    console.log(`$ ges ${step.args.join(' ')}`);
    const r = await run(step.args, env);
    process.stdout.write(r.stdout);
    process.stdout.write(r.stderr);
    const ok = r.status === step.expectCode && (step.check?.(r.stdout) ?? true);
    console.log(`${ok ? 'ok' : 'UNEXPECTED'}: exit ${r.status} (expected ${step.expectCode})\n`);
    if (!ok) failures++;
  }
  return failures;
}

async function main(): Promise<number> {
  const emulator = await startEmulator({ port: 0, token: TOKEN, pendingMs: 0, runningMs: 600_000 });
  const dir = mkdtempSync(path.join(tmpdir(), 'ges-demo-'));
  const config = path.join(dir, 'ges.yaml');
  writeConfig(emulator, config);
  const env = demoEnv(config, dir);
  const jobs = await createJobs(emulator);
  console.log(
    `GES emulator on ${emulator.url} (project ${emulator.projectId}, graph movies); ` +
      `config ${config}\n`,
  );
  const steps = demoSteps(jobs);
  const failures = await runSteps(steps, env);
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(
    failures === 0
      ? `demo: all ${steps.length} steps behaved as documented`
      : `demo: ${failures} of ${steps.length} steps did not behave as documented`,
  );
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`demo failed: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
