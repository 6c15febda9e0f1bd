import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createAuthenticator } from '../core/auth/authenticator.js';
import { ConfigError, UsageError } from '../core/errors.js';
import { isLoopbackOrPrivate } from '../core/http/address.js';
import { loadConfig, type LoadedConfig } from '../core/config/load.js';
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
  cwd: string;
  /** Aborted on Ctrl-C, SIGTERM, SIGHUP or --max-time; its reason says which. */
  signal: AbortSignal;
}

export interface Connection {
  api: GesApi;
  settings: Settings;
  close(): Promise<void>;
}

/** The config file named by --config or GES_CONFIG (no search then), and which of them named it. */
export function explicitConfig(ctx: CommandContext): { file?: string; source?: string } {
  if (ctx.options.config) return { file: ctx.options.config, source: '--config' };
  if (ctx.streams.env.GES_CONFIG) return { file: ctx.streams.env.GES_CONFIG, source: 'GES_CONFIG' };
  return {};
}

/** The config file, named or searched for; null when there is none. */
export function loadFileConfig(ctx: CommandContext): Promise<LoadedConfig | null> {
  return loadConfig({ explicitFile: explicitConfig(ctx).file, cwd: ctx.cwd, env: ctx.streams.env });
}

/** Reads the config and merges flags and environment into settings. Sends nothing. */
export async function loadSettings(ctx: CommandContext): Promise<Settings> {
  const loaded = await loadFileConfig(ctx);
  for (const warning of loaded?.warnings ?? []) ctx.output.warn(warning);
  return resolveSettings(ctx.options, ctx.streams.env, loaded);
}

/** Reads the extra CA file; an unreadable or non-PEM file is a usage (flag) or config (profile) error. */
async function readCa(settings: Settings, cwd: string): Promise<string | undefined> {
  if (!settings.caFile) return undefined;
  const fail = (why: string): never => {
    const message = `cannot use CA file ${settings.caFile} (from ${settings.sources.caFile}): ${why}`;
    throw settings.sources.caFile === 'flag --ca-cert' ? new UsageError(message) : new ConfigError(message);
  };
  let pem = '';
  try {
    pem = await readFile(path.resolve(cwd, settings.caFile), 'utf8');
  } catch (error) {
    fail((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) fail('no PEM certificate in it');
  return pem;
}

/** Safety warnings printed on every run they apply to. */
function networkWarnings(settings: Settings, output: Output): void {
  if (settings.insecure) {
    output.warn(`TLS certificate verification is off (${settings.sources.insecure}): anyone on the path can impersonate the engine`);
  }
  const targets = [settings.endpoint, ...(settings.auth.type === 'password' ? [settings.auth.iamEndpoint!] : [])];
  for (const url of targets.map((t) => new URL(t))) {
    if (url.protocol === 'http:' && settings.auth.type !== 'none' && !isLoopbackOrPrivate(url.hostname)) {
      output.warn(`credentials go over plain http to ${url.hostname}, which is neither a loopback nor a private address; use https`);
    }
  }
}

export async function connect(ctx: CommandContext): Promise<Connection> {
  const settings = await loadSettings(ctx);
  const ca = await readCa(settings, ctx.cwd);
  networkWarnings(settings, ctx.output);
  const httpOptions = {
    tls: { ca, insecure: settings.insecure },
    proxy: settings.proxy,
    timeoutMs: settings.timeoutMs,
    retries: settings.retries,
    userAgent: userAgent(),
    signal: ctx.signal,
    trace: ctx.options.verbose ? ctx.output.trace : undefined,
  };
  const authenticator = await createAuthenticator(settings.auth, {
    projectId: settings.projectId,
    cacheDir: settings.cacheDir,
    http: httpOptions,
    warn: (message) => ctx.output.warn(message),
  });
  const http = new HttpClient({ ...httpOptions, endpoint: settings.endpoint, authenticator });
  return { api: new GesApi(http, settings.projectId), settings, close: () => http.close() };
}
