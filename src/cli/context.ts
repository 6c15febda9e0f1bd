import { createAuthenticator } from '../core/auth/authenticator.js';
import { loadConfig } from '../core/config/load.js';
import { resolveSettings, type Settings } from '../core/config/resolve.js';
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
}

export interface CommandContext {
  options: GlobalOptions;
  output: Output;
  streams: Streams;
  cwd: string;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
}

export interface Connection {
  api: GesApi;
  settings: Settings;
  close(): Promise<void>;
}

/** Reads the config, merges flags and environment, and builds the GES client. Sends nothing. */
export async function loadSettings(ctx: CommandContext): Promise<Settings> {
  const { options, streams, output } = ctx;
  const explicitFile = options.config ?? (streams.env.GES_CONFIG || undefined);
  const loaded = await loadConfig({ explicitFile, cwd: ctx.cwd });
  for (const warning of loaded?.warnings ?? []) output.warn(warning);
  return resolveSettings(options, streams.env, loaded);
}

export async function connect(ctx: CommandContext): Promise<Connection> {
  const settings = await loadSettings(ctx);
  const httpOptions = {
    timeoutMs: settings.timeoutMs,
    retries: settings.retries,
    userAgent: userAgent(),
    signal: ctx.signal,
    trace: ctx.options.verbose ? ctx.output.trace : undefined,
  };
  const authenticator = createAuthenticator(settings.auth, { projectId: settings.projectId, cacheDir: settings.cacheDir, http: httpOptions });
  const http = new HttpClient({ ...httpOptions, endpoint: settings.endpoint, authenticator });
  return { api: new GesApi(http, settings.projectId), settings, close: () => http.close() };
}
