import { createAuthenticator } from './auth/authenticator.js';
import { PrivateCache } from './cache.js';
import type { Discovery, ProxySettings } from './config/resolve.js';
import type { AuthConfig } from './config/schema.js';
import { GesError, NoEndpointError } from './errors.js';
import { GesApi } from './ges/api.js';
import {
  type DiscoveryOptions,
  forgetAddress,
  ManagementApi,
  resolveGraphAddress,
} from './ges/management.js';
import { networkWarnings } from './http/address.js';
import {
  type AttemptInfo,
  type Authenticator,
  HttpClient,
  type HttpClientOptions,
  type PreparedRequest,
} from './http/client.js';

/**
 * The one way to GES, for the CLI (connect() in src/cli/context.ts) and the library
 * (createClient): resolved settings in, a GesApi per graph out. With no endpoint, a graph's
 * address comes from the management plane by its name (cached; looked up again once when a
 * cached address stops answering).
 */

/** What a connection needs, resolved: from a profile (the CLI, loadProfile) or given. */
export interface ConnectionSettings {
  /** The service-plane address; null: each graph's is found by its name (`discovery`). */
  endpoint: string | null;
  discovery: Discovery | null;
  projectId: string;
  auth: AuthConfig;
  timeoutMs: number;
  connectTimeoutMs: number;
  retries: number;
  insecure: boolean;
  proxy: ProxySettings;
  /** Where IAM tokens and graph addresses are cached; null: nowhere. */
  cacheDir: string | null;
  language: 'en-us' | 'zh-cn';
}

export interface ConnectorOptions {
  /** Extra CAs (PEM text), trusted on top of the system's. */
  ca?: string;
  userAgent: string;
  /** Stops every request (Ctrl-C; a library client's own signal). */
  signal?: AbortSignal;
  /** Request traces (--verbose); secrets are masked before they get here. */
  trace?: (line: string) => void;
  /** What does not stop anything but is worth saying: TLS off, credentials over plain http. */
  warn: (message: string) => void;
  /** Requests kept in flight at most: the pool's size. */
  connections?: number;
  /** Where the insecure setting came from, for its warning. */
  insecureSource?: string;
  /** Where a cache that cannot be used is mentioned, and why there is none (no cacheDir). */
  cacheNote?: (message: string) => void;
  noCache?: string;
  /** Each attempt as it starts, of every request: the IAM login, both planes (a progress line). */
  onAttempt?: (info: AttemptInfo) => void;
  /** A request whose attempts onAttempt was told of ended: its AttemptInfo's `request`. */
  onSettled?: (request: object) => void;
}

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

export interface GraphTarget<G extends string | undefined = string> {
  api: GesApi;
  /** The graph to address: as given, or as the management plane spells it. */
  graph: G;
  /** Set when the address was found by the graph's name. */
  lookup?: Lookup;
}

/** Where a graph is, and how to look for it again when a cached address stops answering. */
interface Found {
  endpoint: string;
  lookup: Lookup;
  rediscover?: () => Promise<string | null>;
}

export class Connector {
  private readonly clients: HttpClient[] = [];
  /** The one client of a fixed endpoint, shared by every graph on it. */
  private direct: HttpClient | undefined;
  private managementApi: ManagementApi | undefined;
  /** Finding graphs by name: set when the settings name a management plane. */
  readonly discovery: DiscoveryOptions | undefined;

  private constructor(
    readonly settings: ConnectionSettings,
    private readonly options: ConnectorOptions,
    private readonly http: Omit<HttpClientOptions, 'endpoint' | 'authenticator'>,
    private readonly authenticator: Authenticator,
    readonly cache: PrivateCache,
  ) {
    const plane = settings.discovery;
    this.discovery = plane
      ? {
          managementEndpoint: plane.managementEndpoint,
          projectId: settings.projectId,
          network: plane.network,
          where:
            `project ${settings.projectId}${plane.region ? ` in region ${plane.region}` : ''}` +
            ` (${plane.managementEndpoint})`,
          cache,
          warn: options.warn,
        }
      : undefined;
  }

  /** The authenticator (IAM login and signing load only when used) and the run's one cache. */
  static async open(settings: ConnectionSettings, options: ConnectorOptions): Promise<Connector> {
    const http = {
      tls: { ca: options.ca, insecure: settings.insecure },
      proxy: settings.proxy,
      timeoutMs: settings.timeoutMs,
      connectTimeoutMs: settings.connectTimeoutMs,
      retries: settings.retries,
      userAgent: options.userAgent,
      signal: options.signal,
      trace: options.trace,
      connections: options.connections,
      onAttempt: options.onAttempt,
      onSettled: options.onSettled,
    };
    // A cache that cannot be used changes no outcome: a note, and the run goes on without it.
    const cache = new PrivateCache(settings.cacheDir, options.cacheNote, options.noCache);
    const authenticator = await createAuthenticator(settings.auth, {
      projectId: settings.projectId,
      cache,
      http,
      warn: options.warn,
    });
    return new Connector(settings, options, http, authenticator, cache);
  }

  private client(endpoint: string, extra: Partial<HttpClientOptions> = {}): HttpClient {
    const { authenticator } = this;
    const http = new HttpClient({ ...this.http, endpoint, authenticator, ...extra });
    this.clients.push(http);
    return http;
  }

  /** The management plane, when the settings name one. */
  get management(): ManagementApi | undefined {
    const plane = this.settings.discovery;
    if (!plane) return undefined;
    this.managementApi ??= new ManagementApi(
      this.client(plane.managementEndpoint),
      this.settings.projectId,
      this.options.warn,
    );
    return this.managementApi;
  }

  /**
   * Warns about what the settings risk (TLS off, credentials over plain http) for the addresses
   * a run talks to.
   */
  warnAbout(endpoints: (string | null | undefined)[]): void {
    const { settings } = this;
    const iam = settings.auth.type === 'password' ? settings.auth.iamEndpoint : undefined;
    for (const warning of networkWarnings({
      insecure: settings.insecure,
      insecureSource: this.options.insecureSource,
      endpoints: [...endpoints, iam],
      authType: settings.auth.type,
    })) {
      this.options.warn(warning);
    }
  }

  /**
   * The GES API for `graph`: at the endpoint, or with none, at the address the management plane
   * gives the graph. `dryRun`: the lookup's request is described, and with password auth not
   * sent (it would need an IAM login). Without a graph, the endpoint's API.
   */
  async target<G extends string | undefined>(graph: G, dryRun = false): Promise<GraphTarget<G>> {
    const { settings } = this;
    const found =
      settings.endpoint || graph === undefined ? undefined : await this.find(graph, dryRun);
    const endpoint = found?.endpoint ?? settings.endpoint;
    if (!endpoint)
      throw new NoEndpointError('no endpoint, and no region or management endpoint to find one by');
    this.warnAbout([
      found && !found.lookup.endpoint ? null : endpoint,
      found ? settings.discovery?.managementEndpoint : undefined,
    ]);
    const http = found
      ? this.client(endpoint, { rediscover: found.rediscover })
      : (this.direct ??= this.client(endpoint));
    return {
      api: new GesApi(http, settings.projectId, settings.language),
      graph: (found?.lookup.graph ?? graph) as G,
      ...(found ? { lookup: found.lookup } : {}),
    };
  }

  /**
   * The GES API at a graph's address from the management plane's list (--all-graphs). Such an
   * address carries no setting of the user's, so only plain-http credentials are warned about.
   */
  serviceApi(address: string): GesApi {
    const authType = this.settings.auth.type;
    for (const w of networkWarnings({ insecure: false, endpoints: [address], authType }))
      this.options.warn(w);
    return new GesApi(this.client(address), this.settings.projectId, this.settings.language);
  }

  /** A graph's address from the management plane (or its cache). */
  private async find(graph: string, dryRun: boolean): Promise<Found> {
    const management = this.management;
    const options = this.discovery;
    if (!management || !options)
      throw new NoEndpointError('no endpoint, and no region or management endpoint to find one by');
    // --dry-run reads the management plane (read-only), but never logs in to IAM for it.
    const request = dryRun ? await management.http.describe(management.listRequest()) : undefined;
    if (dryRun && this.settings.auth.type === 'password') {
      const source = 'not looked up: that needs an IAM login, which --dry-run never does';
      return {
        endpoint: 'http://graph-address.invalid',
        lookup: { graph, request, endpoint: null, source },
      };
    }
    try {
      const resolved = await resolveGraphAddress(management, graph, options);
      const { endpoint } = resolved;
      const lookup = { graph: resolved.name, request, endpoint, source: resolved.source };
      if (!resolved.fromCache) return { endpoint, lookup };
      const rediscover = async (): Promise<string | null> => {
        await forgetAddress(graph, options);
        return (await resolveGraphAddress(management, graph, { ...options, fresh: true })).endpoint;
      };
      return { endpoint, lookup, rediscover };
    } catch (error) {
      if (error instanceof GesError)
        error.during(`could not find graph ${graph} through the management plane`, { graph });
      throw error;
    }
  }

  /** Ends every connection this connector opened. */
  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
  }
}
