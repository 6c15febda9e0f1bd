import { Connector, type GraphTarget, type Lookup } from '../core/client.js';
import { type LoadedConfig, loadConfig } from '../core/config/load.js';
import { type Env, resolveSettings, type Settings } from '../core/config/resolve.js';
import { GesApi } from '../core/ges/api.js';
import type { DiscoveryOptions, ManagementApi } from '../core/ges/management.js';
import { readCaFile } from '../core/http/tls.js';
import { whyNoDir } from '../core/paths.js';
import { userAgent } from '../core/version.js';
import type { Output, Streams } from './output.js';
import type { GlobalOptions } from './program.js';
import { settingRows } from './settings-view.js';

/**
 * What stopped a run, from its abort reason: "interrupted (Ctrl-C)",
 * "terminated (SIGTERM)", ...
 */
export function describeStop(signal: AbortSignal): string {
  switch (String(signal.reason)) {
    case 'SIGTERM':
      return 'terminated (SIGTERM)';
    case 'SIGHUP':
      return 'hung up (SIGHUP)';
    case 'max-time':
      return 'stopped by --max-time';
    default:
      return 'interrupted';
  }
}

export interface CommandContext {
  options: GlobalOptions;
  output: Output;
  streams: Streams;
  /** The environment (injected: core never reads process.env). */
  env: Env;
  cwd: string;
  /** Aborted on Ctrl-C, SIGTERM, SIGHUP or --max-time; its reason says which. */
  signal: AbortSignal;
}

/**
 * A command's implementation: its arguments as commander hands them over (positional ones,
 * then its options object, typed by its flags: program/flags.ts), resolving to the exit code.
 */
export type CommandRun<A extends unknown[]> = (ctx: CommandContext, ...args: A) => Promise<number>;
/**
 * Turns a loader of a command's implementation (lazy: --help and other commands never pay for
 * it) into a commander action; main.ts supplies the context, Ctrl-C and exit codes.
 */
export type ActionFactory = <A extends unknown[]>(
  load: () => Promise<CommandRun<A>>,
) => (...args: unknown[]) => Promise<void>;

export interface Connection {
  api: GesApi;
  settings: Settings;
  close(): Promise<void>;
  /** Set when the endpoint was found by graph name. */
  lookup?: Lookup;
  /** The graph to address: as given, or as the management plane spells it. */
  graph?: string;
  /** Set for a connection to the management plane only (connect() without a graph). */
  management?: ManagementApi;
  discovery?: DiscoveryOptions;
  /** With `management`: the GES API at a graph's address, with the same credentials. */
  serviceApi?: (endpoint: string) => GesApi;
}

/** The config file named by --config or GES_CONFIG (no search then), and which of them named it. */
export function explicitConfig(ctx: CommandContext): { file?: string; source?: string } {
  if (ctx.options.config) return { file: ctx.options.config, source: '--config' };
  if (ctx.env.GES_CONFIG) return { file: ctx.env.GES_CONFIG, source: 'GES_CONFIG' };
  return {};
}

/** The config file, named or searched for; null when there is none. */
export function loadFileConfig(ctx: CommandContext): Promise<LoadedConfig | null> {
  return loadConfig({ explicitFile: explicitConfig(ctx).file, cwd: ctx.cwd, env: ctx.env });
}

/**
 * Reads the config and merges flags and environment into settings; with --verbose, one line
 * per setting says where its value came from (secrets masked). Sends nothing.
 */
export async function loadSettings(ctx: CommandContext): Promise<Settings> {
  const loaded = await loadFileConfig(ctx);
  for (const warning of loaded?.warnings ?? []) ctx.output.warn(warning);
  const settings = resolveSettings(ctx.options, ctx.env, loaded);
  if (ctx.options.verbose) {
    for (const [name, value, source] of settingRows(settings, ctx.env))
      ctx.output.trace(`setting ${name} = ${value}${source ? ` (${source})` : ''}`);
  }
  return settings;
}

/**
 * The GES API for `graph`. Finding a graph by its name sends requests before any command shows
 * a status line: on a terminal, one shows while they are retried or slow.
 */
async function findTarget(
  ctx: CommandContext,
  connector: Connector,
  graph: string | undefined,
): Promise<GraphTarget<string | undefined>> {
  const finding =
    graph !== undefined && !connector.settings.endpoint
      ? ctx.output.whileConnecting(`Finding graph ${graph} through the management plane`)
      : undefined;
  try {
    return await connector.target(graph, ctx.options.dryRun);
  } finally {
    finding?.stop();
  }
}

/**
 * Settings -> CA, then the core's Connector: warnings, authenticator, HTTP clients and the GES
 * API. With no endpoint but a region, `graph` is found by name through the management plane
 * (its address cached); a cached address that does not answer is looked up again once.
 * `choices`: settings already read (config show), and how many requests the command keeps in
 * flight (the pool's size).
 */
export async function connect(
  ctx: CommandContext,
  graph?: string,
  choices: { settings?: Settings; connections?: number } = {},
): Promise<Connection> {
  const settings = choices.settings ?? (await loadSettings(ctx));
  const ca = settings.caFile
    ? readCaFile(settings.caFile, settings.sources.caFile!, ctx.cwd)
    : undefined;
  const connector = await Connector.open(settings, {
    ca,
    userAgent: userAgent(),
    signal: ctx.signal,
    trace: ctx.options.verbose ? ctx.output.trace : undefined,
    warn: (message) => ctx.output.warn(message),
    connections: choices.connections,
    insecureSource: settings.sources.insecure,
    cacheNote: ctx.output.trace,
    noCache: whyNoDir(ctx.env, 'cache'),
    // On a terminal, the spinner tells a request that is retried or slow.
    ...ctx.output.attemptListener(),
  });
  const close = (): Promise<void> => connector.close();
  const { discovery } = connector;
  if (!graph && discovery) {
    // A command without a graph (graph list) reaches only the management plane.
    const management = connector.management!;
    connector.warnAbout([discovery.managementEndpoint]);
    const api = new GesApi(management.http, settings.projectId, settings.language);
    const serviceApi = (address: string): GesApi => connector.serviceApi(address);
    return { api, management, discovery, serviceApi, settings, close };
  }
  const { api, lookup, graph: named } = await findTarget(ctx, connector, graph);
  if (lookup) settings.sources.endpoint = lookup.source;
  return { api, settings, close, graph: named, ...(lookup ? { lookup } : {}) };
}
