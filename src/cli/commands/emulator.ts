import { parseDurationOption } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import { GRAPH_NAME, PROJECT_ID } from '../../core/ges/constants.js';
import { GRAPH_STATES, stateWords } from '../../core/ges/management.js';
import { readPemFile } from '../../core/http/tls.js';
import { parseNumberOption } from '../../core/validate.js';
import { EDITIONS, TOKEN_REFUSALS } from '../../emulator/context.js';
import { EMULATOR_DEFAULTS } from '../../emulator/defaults.js';
import type { Emulator, Fault, EmulatorOptions as StartOptions } from '../../emulator/server.js';
import { AFTER_CANCEL } from '../../emulator/state.js';
import type { CommandContext } from '../context.js';
import type { EmulatorOptions } from '../program/tools.js';

/** The emulator's job timing: up to a day; a plain number is milliseconds. */
const EMULATOR_TIME = { plainUnit: 'ms', min: 0, max: 86_400_000 } as const;

/** A flag whose value is one of a few words. */
function choice<T extends string>(flag: string, value: string, words: readonly T[]): T {
  if (!(words as readonly string[]).includes(value))
    throw new UsageError(`invalid ${flag} ${JSON.stringify(value)}: use ${words.join(', ')}`);
  return value as T;
}

/** --fault takes the JSON that POST /emulator/faults takes. */
function parseFault(text: string): Fault {
  let fault: unknown;
  try {
    fault = JSON.parse(text);
  } catch {
    throw new UsageError(
      `invalid --fault ${JSON.stringify(text)}: not JSON; ` +
        `e.g. --fault '{"method":"DELETE","status":503,"count":2}'`,
    );
  }
  if (typeof fault !== 'object' || fault === null || Array.isArray(fault))
    throw new UsageError(`invalid --fault ${JSON.stringify(text)}: expected a JSON object`);
  return fault as Fault;
}

function readPem(flag: string, file: string): string {
  const read = readPemFile(file);
  if ('why' in read) throw new UsageError(`cannot read ${flag} ${file}: ${read.why}`);
  return read.pem;
}

/** A state's words as one word: "rolling-back". */
const word = (words: string): string => words.replaceAll(' ', '-');

/** A state as --graph takes it: a code ("900") or its words with "-" for spaces ("stopped"). */
function stateCode(graph: string, state: string): string {
  if (/^\d{1,4}$/.test(state)) return state;
  const code = Object.keys(GRAPH_STATES).find(
    (c) => word(GRAPH_STATES[c]!) === state.toLowerCase(),
  );
  if (code) return code;
  throw new UsageError(
    `invalid --graph ${JSON.stringify(`${graph}:${state}`)}: ` +
      `unknown state ${JSON.stringify(state)}`,
    `use a state code or one of: ${[...new Set(Object.values(GRAPH_STATES).map(word))].join(', ')}`,
  );
}

/** --graph name or name:state (how the management plane lists it: stopped, frozen, ...). */
function parseGraphs(values: string[]): { graphs: string[]; graphStates: Record<string, string> } {
  const graphs: string[] = [];
  const graphStates: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf(':');
    const name = at < 0 ? value : value.slice(0, at);
    const state = at < 0 ? undefined : value.slice(at + 1);
    if (!GRAPH_NAME.test(name))
      throw new UsageError(
        `invalid --graph ${JSON.stringify(value)}: a graph name starts with a letter; ` +
          'letters, digits, "_", "-"; at most 64 characters',
      );
    graphs.push(name);
    if (state !== undefined) graphStates[name] = stateCode(name, state);
  }
  return { graphs, graphStates };
}

/** Flags that go together. */
function checkPairs(opts: EmulatorOptions): void {
  if ((opts.ak === undefined) !== (opts.sk === undefined))
    throw new UsageError('--ak and --sk go together');
  if (opts.securityToken !== undefined && opts.ak === undefined)
    throw new UsageError('--security-token needs --ak and --sk');
  const iamParts = [opts.iamDomain, opts.iamUser, opts.iamPassword];
  if (iamParts.some((p) => p !== undefined) && iamParts.some((p) => p === undefined)) {
    throw new UsageError('--iam-domain, --iam-user and --iam-password go together');
  }
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined))
    throw new UsageError('--tls-cert and --tls-key go together');
}

/** The flags as startEmulator takes them, each checked. */
function startOptions(ctx: CommandContext, opts: EmulatorOptions): StartOptions {
  // --project-id is the global option; for the emulator it names the project it serves.
  const projectId = ctx.options.projectId ?? EMULATOR_DEFAULTS.projectId;
  if (!PROJECT_ID.test(projectId))
    throw new UsageError(
      `invalid --project-id ${JSON.stringify(projectId)}: letters and digits, 1 to 64 characters`,
    );
  const tokenLifetimeMs = parseDurationOption('--token-lifetime', opts.tokenLifetime, {
    plainUnit: 's',
    min: 1000,
    max: 7 * 86_400_000,
  });
  checkPairs(opts);
  return {
    host: opts.host,
    port: parseNumberOption('--port', opts.port, { min: 0, max: 65535, integer: true }),
    projectId,
    ...parseGraphs(opts.graph ?? []),
    token: opts.auth ? opts.token : null,
    pendingMs: parseDurationOption('--pending-ms', opts.pendingMs, EMULATOR_TIME),
    runningMs: parseDurationOption('--running-ms', opts.runningMs, EMULATOR_TIME),
    cancelDelayMs: parseDurationOption('--cancel-delay-ms', opts.cancelDelayMs, EMULATOR_TIME),
    edition: choice('--edition', opts.edition, EDITIONS),
    afterCancel: choice('--after-cancel', opts.afterCancel, AFTER_CANCEL),
    tokenRefusal: choice('--refuse-token-as', opts.refuseTokenAs, TOKEN_REFUSALS),
    accessKey: opts.ak,
    secretKey: opts.sk,
    securityToken: opts.securityToken,
    tls: opts.tlsCert
      ? { cert: readPem('--tls-cert', opts.tlsCert), key: readPem('--tls-key', opts.tlsKey!) }
      : undefined,
    faults: (opts.fault ?? []).map(parseFault),
    iam: opts.iamDomain
      ? {
          domain: opts.iamDomain,
          user: opts.iamUser!,
          password: opts.iamPassword!,
          tokenLifetimeMs,
        }
      : undefined,
  };
}

/** Says where the emulator listens and how to point ges at it (one JSON line with --json). */
function announce(ctx: CommandContext, emulator: Emulator, options: StartOptions): void {
  const { output } = ctx;
  const ready = {
    endpoint: emulator.url,
    projectId: emulator.projectId,
    graphs: emulator.graphs,
    token: emulator.token,
  };
  if (output.flags.json) return void ctx.streams.stdout.write(`${JSON.stringify(ready)}\n`);
  // the address is the result
  if (output.flags.quiet)
    return void ctx.streams.stdout.write(`GES emulator listening on ${emulator.url}\n`);
  const graphs = emulator.graphs.map((g) => {
    const state = options.graphStates?.[g];
    return state === undefined || state === '200' ? g : `${g} (${stateWords(state)})`;
  });
  output.result(`GES emulator listening on ${emulator.url}`);
  output.result(
    `  project ${emulator.projectId}, graphs ${graphs.join(', ')}, ` +
      `${emulator.token === null ? 'no static token' : `token ${emulator.token}`}`,
  );
  if (options.accessKey)
    output.result(
      `  AK/SK signed requests accepted for access key ${options.accessKey}` +
        `${options.securityToken ? ' (with a security token)' : ''}`,
    );
  if (options.iam)
    output.result(
      `  IAM password login at ${emulator.url}/v3/auth/tokens ` +
        `for ${options.iam.domain}/${options.iam.user}`,
    );
  output.result('Point ges at it with:');
  output.result(
    `  export GES_ENDPOINT=${emulator.url} GES_PROJECT_ID=${emulator.projectId}` +
      `${emulator.token === null ? '' : ` GES_TOKEN=${emulator.token}`}`,
  );
  output.result('Press Ctrl-C to stop.');
}

/** Runs the emulator in the foreground until Ctrl-C (SIGINT) or SIGTERM; exits 0 then. */
export async function runEmulator(ctx: CommandContext, opts: EmulatorOptions): Promise<number> {
  const { output } = ctx;
  const options = startOptions(ctx, opts);
  const { startEmulator } = await import('../../emulator/server.js');
  let emulator: Emulator;
  try {
    emulator = await startEmulator(options);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new UsageError(
      `cannot listen on ${opts.host}:${options.port}: ${e.code ?? e.message}`,
      e.code === 'EADDRINUSE' ? 'pick another --port, or --port 0 for a free one' : undefined,
    );
  }
  announce(ctx, emulator, options);
  // Runs until Ctrl-C, SIGTERM or SIGHUP (or --max-time) aborts the run.
  if (!ctx.signal.aborted)
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
  await emulator.close();
  output.info('emulator stopped');
  return 0;
}
