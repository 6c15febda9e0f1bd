import { createAuthenticator } from '../core/auth/authenticator.js';
import { networkWarnings } from '../core/http/address.js';
import { readCaFile } from '../core/http/tls.js';
import { loadConfig, type LoadedConfig } from '../core/config/load.js';
import { resolveSettings, type Env, type Settings } from '../core/config/resolve.js';
import { GesApi } from '../core/ges/api.js';
import { HttpClient } from '../core/http/client.js';
import type { Output, Streams } from './output.js';
import { userAgent } from './version.js';

/** Global options as commander hands them over. */
export interface GlobalOptions {
  profile?: string;
  config?: string;
  endpoint?: string;
  projectId?: string;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  timeout?: string;
  retries?: string;
  dryRun: boolean;
  color: boolean;
  caCert?: string;
  insecure?: boolean;
  maxTime?: string;
}

/** What stopped a run, from its abort reason: "interrupted (Ctrl-C)", "terminated (SIGTERM)", ... */
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
  /** Run once before the HTTP client first loads (bin/ges.js's process-level choices). */
  beforeHttp?: () => void;
}

/** Loads a command's implementation (lazily: --help and other commands never pay for it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loader = () => Promise<(ctx: CommandContext, ...args: any[]) => Promise<number>>;
/** Turns a loader into a commander action (main.ts supplies context, Ctrl-C and exit codes). */
export type ActionFactory = (load: Loader) => (...args: unknown[]) => Promise<void>;

export interface Connection {
  api: GesApi;
  settings: Settings;
  close(): Promise<void>;
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

/** Reads the config and merges flags and environment into settings. Sends nothing. */
export async function loadSettings(ctx: CommandContext): Promise<Settings> {
  const loaded = await loadFileConfig(ctx);
  for (const warning of loaded?.warnings ?? []) ctx.output.warn(warning);
  return resolveSettings(ctx.options, ctx.env, loaded);
}

export async function connect(ctx: CommandContext): Promise<Connection> {
  const settings = await loadSettings(ctx);
  const ca = settings.caFile ? await readCaFile(settings.caFile, settings.sources.caFile!, ctx.cwd) : undefined;
  const warnings = networkWarnings({
    insecure: settings.insecure,
    insecureSource: settings.sources.insecure,
    endpoint: settings.endpoint,
    authType: settings.auth.type,
    iamEndpoint: settings.auth.type === 'password' ? settings.auth.iamEndpoint : undefined,
  });
  for (const warning of warnings) ctx.output.warn(warning);
  const httpOptions = {
    tls: { ca, insecure: settings.insecure },
    proxy: settings.proxy,
    timeoutMs: settings.timeoutMs,
    retries: settings.retries,
    userAgent: userAgent(),
    signal: ctx.signal,
    trace: ctx.options.verbose ? ctx.output.trace : undefined,
    beforeLoad: ctx.beforeHttp,
  };
  const authenticator = await createAuthenticator(settings.auth, {
    projectId: settings.projectId,
    cacheDir: settings.cacheDir,
    http: httpOptions,
    warn: (message) => ctx.output.warn(message),
  });
  const http = new HttpClient({ ...httpOptions, endpoint: settings.endpoint, authenticator });
  return { api: new GesApi(http, settings.projectId, settings.language), settings, close: () => http.close() };
}
