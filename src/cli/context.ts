import { createAuthenticator } from '../core/auth/authenticator.js';
import { PrivateCache } from '../core/cache.js';
import { type LoadedConfig, loadConfig } from '../core/config/load.js';
import { type Env, resolveSettings, type Settings } from '../core/config/resolve.js';
import { GesError } from '../core/errors.js';
import { GesApi } from '../core/ges/api.js';
import {
  type DiscoveryOptions,
  forgetAddress,
  ManagementApi,
  resolveGraphAddress,
} from '../core/ges/management.js';
import { networkWarnings } from '../core/http/address.js';
import { HttpClient, type HttpClientOptions, type PreparedRequest } from '../core/http/client.js';
import { readCaFile } from '../core/http/tls.js';
import { whyNoDir } from '../core/paths.js';
import type { Output, Streams } from './output.js';
import type { GlobalOptions } from './program.js';
import { settingRows } from './settings-view.js';
import { userAgent } from './version.js';

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

/** How a graph's address was found by its name (for --dry-run, --verbose and config show). */
export interface Lookup {
  /** The graph's name as the management plane spells it. */
  graph: string;
  /** The management-plane list request (credentials masked): for --dry-run, which shows it. */
  request?: PreparedRequest;
  /** null when --dry-run did not look. */
  endpoint: string | null;
  source: string;
}

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
 * Settings -> CA, warnings, authenticator, HTTP clients and the GES API. With no endpoint but
 * a region, `graph` is found by name through the management plane (its address cached); a
 * cached address that does not answer is looked up again once. `choices`: settings already
 * read (config show), and how many requests the command keeps in flight (the pool's size).
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
  const httpOptions = {
    tls: { ca, insecure: settings.insecure },
    proxy: settings.proxy,
    timeoutMs: settings.timeoutMs,
    connectTimeoutMs: settings.connectTimeoutMs,
    retries: settings.retries,
    userAgent: userAgent(),
    signal: ctx.signal,
    trace: ctx.options.verbose ? ctx.output.trace : undefined,
    connections: choices.connections,
  };
  const warn = (message: string): void => ctx.output.warn(message);
  // One private cache for the run: IAM tokens and graph addresses. One that cannot be used
  // changes no outcome: a note for --verbose.
  const cache = new PrivateCache(settings.cacheDir, ctx.output.trace, whyNoDir(ctx.env, 'cache'));
  const authenticator = await createAuthenticator(settings.auth, {
    projectId: settings.projectId,
    cache,
    http: httpOptions,
    warn,
  });
  const clients: HttpClient[] = [];
  const client = (endpoint: string, extra: Partial<HttpClientOptions> = {}): HttpClient => {
    const http = new HttpClient({ ...httpOptions, endpoint, authenticator, ...extra });
    clients.push(http);
    return http;
  };
  const close = async (): Promise<void> => {
    await Promise.all(clients.map((c) => c.close()));
  };
  /**
   * What the settings risk (TLS off, credentials over plain http), for the addresses this run
   * talks to.
   */
  const warnAbout = (endpoints: (string | null | undefined)[]): void => {
    const iam = settings.auth.type === 'password' ? settings.auth.iamEndpoint : undefined;
    for (const warning of networkWarnings({
      insecure: settings.insecure,
      insecureSource: settings.sources.insecure,
      endpoints: [...endpoints, iam],
      authType: settings.auth.type,
    })) {
      warn(warning);
    }
  };
  let endpoint = settings.endpoint;
  let lookup: Lookup | undefined;
  let rediscover: (() => Promise<string | null>) | undefined;
  const discovery = settings.discovery;
  if (discovery && (!endpoint || !graph)) {
    const management = new ManagementApi(
      client(discovery.managementEndpoint),
      settings.projectId,
      warn,
    );
    const options: DiscoveryOptions = {
      managementEndpoint: discovery.managementEndpoint,
      projectId: settings.projectId,
      network: discovery.network,
      where:
        `project ${settings.projectId}${discovery.region ? ` in region ${discovery.region}` : ''}` +
        ` (${discovery.managementEndpoint})`,
      cache,
      warn,
    };
    if (!graph) {
      // A command without a graph (graph list) reaches only the management plane.
      warnAbout([discovery.managementEndpoint]);
      return {
        api: new GesApi(management.http, settings.projectId, settings.language),
        management,
        discovery: options,
        serviceApi: (address) => {
          const authType = settings.auth.type;
          for (const w of networkWarnings({ insecure: false, endpoints: [address], authType }))
            warn(w);
          return new GesApi(client(address), settings.projectId, settings.language);
        },
        settings,
        close,
      };
    }
    // --dry-run reads the management plane (read-only), but never logs in to IAM for it.
    const request = ctx.options.dryRun
      ? await management.http.describe(management.listRequest())
      : undefined;
    if (ctx.options.dryRun && settings.auth.type === 'password') {
      endpoint = 'http://graph-address.invalid';
      lookup = {
        graph,
        request,
        endpoint: null,
        source: 'not looked up: that needs an IAM login, which --dry-run never does',
      };
    } else {
      try {
        const resolved = await resolveGraphAddress(management, graph, options);
        endpoint = resolved.endpoint;
        lookup = { graph: resolved.name, request, endpoint, source: resolved.source };
        if (resolved.fromCache) {
          rediscover = async () => {
            await forgetAddress(graph, options);
            return (await resolveGraphAddress(management, graph, { ...options, fresh: true }))
              .endpoint;
          };
        }
      } catch (error) {
        if (error instanceof GesError)
          error.during(`could not find graph ${graph} through the management plane`, { graph });
        throw error;
      }
    }
    settings.sources.endpoint = lookup.source;
  }
  warnAbout([
    lookup && !lookup.endpoint ? null : endpoint,
    lookup ? discovery?.managementEndpoint : undefined,
  ]);
  const http = client(endpoint!, { rediscover });
  return {
    api: new GesApi(http, settings.projectId, settings.language),
    settings,
    close,
    graph: lookup?.graph ?? graph,
    ...(lookup ? { lookup } : {}),
  };
}
