import { isIP } from 'node:net';
import type { PrivateCache } from '../cache.js';
import { closest } from '../config/schema.js';
import { GraphUnavailableError, ResponseError, UsageError } from '../errors.js';
import { httpErrorFor, parseJsonBody } from '../http/body.js';
import type { HttpClient, HttpRequest } from '../http/client.js';
import { GRAPH_NAME } from './constants.js';

/**
 * The management plane (https://ges.{region}.myhuaweicloud.com) knows every graph of a project
 * and its service-plane address: this finds a graph by its name. Everything it answers is data:
 * names and addresses are checked before they build a URL.
 */

export interface ManagedGraph {
  id: string | null;
  name: string;
  /** The state code as sent ("200"); stateWords() says it in words. */
  status: string;
  /** The addresses as the server sent them: data, checked before they build a URL. */
  privateIp: string | null;
  publicIp: string | null;
  https: boolean;
  /** product_type: InMemory or Persistence. */
  edition: string | null;
  version: string | null;
}

/** The documented state codes (docs/ges-api.md#graph-states). */
export const GRAPH_STATES: Record<string, string> = {
  '100': 'preparing',
  '200': 'running',
  '201': 'upgrading',
  '202': 'importing',
  '203': 'rolling back',
  '204': 'exporting',
  '205': 'clearing',
  '206': 'preparing expansion',
  '207': 'expanding',
  '208': 'rolling back an expansion',
  '210': 'expanding replicas',
  '211': 'expanding replicas',
  '300': 'faulty',
  '303': 'failed to be created',
  '400': 'deleted',
  '800': 'frozen',
  '900': 'stopped',
  '901': 'stopping',
  '920': 'starting',
};

export function stateWords(status: string): string {
  return GRAPH_STATES[status] ?? `in state ${status}`;
}

const GRAPHS_PAGE = 100;
/** 100,000 graphs: far beyond a project's quota, so only a server that never ends hits it. */
const MAX_PAGES = 1000;

/**
 * host or host:port where host is an IP address or a DNS name: what may go between "//" and the
 * path (an IPv6 address in brackets). Null for anything else, an IPv6 zone ("fe80::1%eth0")
 * included: a URL cannot carry one.
 */
export function checkAddress(value: unknown): string | null {
  if (typeof value !== 'string' || value === '' || value.length > 300) return null;
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(value);
  if (v6) return isIP(v6[1]!) === 6 && (v6[2] === undefined || validPort(v6[2])) ? value : null;
  if (/^[0-9a-fA-F:.]+$/.test(value) && isIP(value) === 6) return `[${value}]`;
  const m = /^([A-Za-z0-9.-]{1,253})(?::(\d{1,5}))?$/.exec(value);
  if (!m || m[1]!.startsWith('.') || m[1]!.startsWith('-') || (m[2] && !validPort(m[2])))
    return null;
  return value;
}

const validPort = (port: string): boolean => Number(port) >= 1 && Number(port) <= 65535;

const str = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;

/** An address as the server wrote it (checked when it builds a URL: serviceAddress). */
const address = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v.slice(0, 300) : null;

/**
 * One graph of the list, v2 (snake_case) or v1 (camelCase) fields; null when its name or state is
 * unusable.
 */
export function readGraphEntry(raw: unknown): ManagedGraph | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const g = raw as Record<string, unknown>;
  const name = g.name;
  const status = str(g.status);
  if (typeof name !== 'string' || !GRAPH_NAME.test(name) || !status || !/^\d{1,4}$/.test(status))
    return null;
  return {
    id: str(g.id),
    name,
    status,
    privateIp: address(g.private_ip ?? g.privateIp),
    publicIp: address(g.public_ip ?? g.publicIp),
    https: (g.enable_https ?? g.enableHttps) === true,
    edition: str(g.product_type ?? g.productType),
    version: str(g.data_store_version ?? g.dataStoreVersion),
  };
}

export class ManagementApi {
  constructor(
    readonly http: HttpClient,
    readonly projectId: string,
    /** Where a list cut short is reported. */
    private readonly warn: (message: string) => void = () => {},
  ) {}

  listRequest(offset = 0): HttpRequest {
    return {
      method: 'GET',
      path: `/v2/${encodeURIComponent(this.projectId)}/graphs`,
      query: { offset, limit: GRAPHS_PAGE },
    };
  }

  /** One page: its graphs as sent and the total the server claims (NaN when it gives none). */
  private async page(
    offset: number,
    signal: AbortSignal | undefined,
  ): Promise<{ graphs: unknown[]; count: number }> {
    const request = this.listRequest(offset);
    const result = await this.http.send(signal ? { ...request, signal } : request);
    if (result.status < 200 || result.status >= 300) throw httpErrorFor(result);
    let body: { graphs?: unknown; graph_count?: unknown; graphCount?: unknown } | undefined;
    try {
      body = parseJsonBody(result.text) as typeof body;
    } catch {
      body = undefined;
    }
    if (!body || typeof body !== 'object' || !Array.isArray(body.graphs)) {
      throw new ResponseError(
        `the management plane answered ${result.status} without a graph list`,
        result.status,
        result.attempts,
      );
    }
    return { graphs: body.graphs, count: Number(body.graph_count ?? body.graphCount) };
  }

  /**
   * Every graph of the project, each once, as its page is read: pages until the list ends (an
   * empty or short page, or as many as graph_count says). A server that sends no new graph on a
   * page, or more than MAX_PAGES pages, is not followed further: a warning says how many graphs
   * were read. Stopping the iteration early sends no further request.
   */
  async *graphs(signal?: AbortSignal): AsyncGenerator<ManagedGraph, void, undefined> {
    const seen = new Set<string>();
    let offset = 0;
    for (let page = 1; ; page++) {
      const { graphs: raw, count } = await this.page(offset, signal);
      let fresh = 0;
      for (const entry of raw) {
        const graph = readGraphEntry(entry);
        if (graph && !seen.has(graph.name)) {
          seen.add(graph.name);
          fresh++;
          yield graph;
        }
      }
      offset += raw.length;
      const known = Number.isFinite(count);
      if (raw.length === 0 || (known ? offset >= count : raw.length < GRAPHS_PAGE)) return;
      const of = known ? ` of the ${count} it counts` : '';
      if (fresh === 0 || page === MAX_PAGES) {
        this.warn(
          (fresh === 0
            ? `the management plane sent a page of graphs already listed`
            : `the graph list goes on past ${MAX_PAGES} pages`) +
            `; stopped after reading ${seen.size} graphs${of}`,
        );
        return;
      }
    }
  }

  /** Every graph of the project (see graphs()). */
  async listGraphs(signal?: AbortSignal): Promise<ManagedGraph[]> {
    const graphs: ManagedGraph[] = [];
    for await (const graph of this.graphs(signal)) graphs.push(graph);
    return graphs;
  }
}

/**
 * The graph of that name: exact, else the one whose name matches ignoring case; UsageError naming
 * near names.
 */
export function pickGraph(
  graphs: readonly ManagedGraph[],
  name: string,
  where: string,
): ManagedGraph {
  const exact = graphs.find((g) => g.name === name);
  if (exact) return exact;
  const folded = graphs.filter((g) => g.name.toLowerCase() === name.toLowerCase());
  if (folded.length === 1) return folded[0]!;
  const near = closest(
    name,
    graphs.map((g) => g.name),
  );
  const names = graphs.map((g) => g.name);
  throw new UsageError(
    `no graph ${JSON.stringify(name)} in ${where}${
      near
        ? `; did you mean ${near}?`
        : names.length
          ? `; its graphs: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`
          : ' (it has no graphs)'
    }`,
    'list them with: ges graph list',
  );
}

/**
 * A graph's service-plane address on that network: `https://` when it enables HTTPS, else
 * `http://`; no port (80/443) unless the address carries one. Null when it has none there;
 * a ResponseError naming the graph and the value when what the server sent is no address.
 */
function serviceAddress(graph: ManagedGraph, network: 'private' | 'public'): string | null {
  const raw = network === 'public' ? graph.publicIp : graph.privateIp;
  if (raw === null) return null;
  const address = checkAddress(raw);
  const url = address && `${graph.https ? 'https' : 'http'}://${address}`;
  if (!url || !URL.canParse(url)) {
    throw new ResponseError(
      `the management plane gives graph ${graph.name} the ${network} address ` +
        `${JSON.stringify(raw)}, which is not a host name or IP address (with an optional port)`,
      200,
      1,
    );
  }
  return url;
}

/**
 * The service-plane address of a graph (see serviceAddress). Throws for a graph not serving
 * requests (201-211 only warn: they may still answer) and for a missing or invalid address.
 */
export function addressOf(
  graph: ManagedGraph,
  network: 'private' | 'public',
  warn: (message: string) => void,
): string {
  if (graph.status !== '200') {
    const words = stateWords(graph.status);
    const code = Number(graph.status);
    if (code >= 201 && code <= 211)
      warn(`graph ${graph.name} is ${words} (state ${graph.status}); it may still answer`);
    else
      throw new GraphUnavailableError(
        `graph ${graph.name} is ${words} (state ${graph.status}), so it serves no requests now`,
        graph.status,
      );
  }
  const address = serviceAddress(graph, network);
  if (!address) {
    throw new UsageError(
      `graph ${graph.name} has no ${network} address`,
      network === 'public'
        ? 'bind an EIP to it in the GES console, or use network: private from inside its VPC'
        : 'use network: public to reach it through its EIP',
    );
  }
  return address;
}

/**
 * An address as addressOf() makes them: http(s)://host[:port], nothing else (the cache is read back
 * through this).
 */
function isServicePlaneAddress(value: unknown): value is string {
  const m = typeof value === 'string' ? /^https?:\/\/([^/?#@]+)$/.exec(value) : null;
  return m !== null && checkAddress(m[1]) === m[1] && URL.canParse(value as string);
}

/** A resolved address as the cache holds it. */
interface CachedAddress {
  endpoint: string;
  fetchedAt: number;
}

/**
 * What the cache keeps per management endpoint and project (one file, however many graphs):
 * each network's addresses by graph name, and the names last listed (shell completion).
 */
interface AddressBook {
  names: string[];
  fetchedAt: number;
  addresses: Partial<Record<'private' | 'public', Record<string, CachedAddress>>>;
}

/** Addresses are cached for an hour. */
export const ADDRESS_TTL_MS = 60 * 60 * 1000;

export interface Resolved {
  endpoint: string;
  /** The graph's name as the management plane spells it (a name matched ignoring case). */
  name: string;
  /** "management plane" or "management plane, cached 12 min ago". */
  source: string;
  fromCache: boolean;
}

export interface DiscoveryOptions {
  managementEndpoint: string;
  projectId: string;
  network: 'private' | 'public';
  /** For messages: "project p in region cn-north-4". */
  where: string;
  cache: PrivateCache;
  warn: (message: string) => void;
  now?: () => number;
}

const BOOK = 'graphs';
const bookKey = (managementEndpoint: string, projectId: string): string[] => [
  managementEndpoint,
  projectId,
];

/** A cached address (from a file: data) when it is one and still fresh at `now`. */
function freshEntry(value: unknown, now: number): CachedAddress | undefined {
  const entry = value as Partial<CachedAddress> | null | undefined;
  return isServicePlaneAddress(entry?.endpoint) &&
    typeof entry.fetchedAt === 'number' &&
    now - entry.fetchedAt < ADDRESS_TTL_MS &&
    now >= entry.fetchedAt
    ? { endpoint: entry.endpoint, fetchedAt: entry.fetchedAt }
    : undefined;
}

/** A network's map as cached, keeping the entries that are still fresh. */
function freshEntries(map: unknown, now: number): Record<string, CachedAddress> {
  const fresh: Record<string, CachedAddress> = Object.create(null);
  if (typeof map !== 'object' || map === null) return fresh;
  for (const [name, value] of Object.entries(map)) {
    const entry = GRAPH_NAME.test(name) ? freshEntry(value, now) : undefined;
    if (entry) fresh[name] = entry;
  }
  return fresh;
}

/** The names in a cached book (a file: data), each a valid graph name. */
function bookNames(raw: unknown): string[] {
  const names = (raw as Partial<AddressBook> | null)?.names;
  return Array.isArray(names)
    ? names.filter((n): n is string => typeof n === 'string' && GRAPH_NAME.test(n))
    : [];
}

/** The cached book as a value, whatever the file held (another version, or a planted file). */
function readBook(raw: unknown, now: number): AddressBook {
  const b = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<AddressBook>;
  const addresses = (typeof b.addresses === 'object' && b.addresses) || {};
  return {
    names: bookNames(raw),
    fetchedAt: typeof b.fetchedAt === 'number' ? b.fetchedAt : 0,
    addresses: {
      private: freshEntries(addresses.private, now),
      public: freshEntries(addresses.public, now),
    },
  };
}

/**
 * Writes every running graph's address to the cache after a full list (ges graph list, or a
 * lookup): merged into what other runs wrote meanwhile, a graph of this list replacing its old
 * entry, expired entries dropped. A graph whose address is no address is left out.
 */
export async function cacheAddresses(
  graphs: readonly ManagedGraph[],
  options: DiscoveryOptions,
): Promise<void> {
  const now = (options.now ?? Date.now)();
  const listed: Record<string, CachedAddress | null> = Object.create(null);
  for (const g of graphs) {
    let endpoint: string | null = null;
    try {
      endpoint = g.status === '200' ? serviceAddress(g, options.network) : null;
    } catch {
      // not an address: not cached
    }
    listed[g.name] = endpoint ? { endpoint, fetchedAt: now } : null;
  }
  const key = bookKey(options.managementEndpoint, options.projectId);
  await options.cache.update(BOOK, key, (raw) => {
    const book = readBook(raw, now);
    const map = book.addresses[options.network]!;
    for (const [name, entry] of Object.entries(listed)) {
      if (entry) map[name] = entry;
      else delete map[name];
    }
    return { ...book, names: graphs.map((g) => g.name), fetchedAt: now };
  });
}

/** The graph names last listed for this project (shell completion), [] when none are cached. */
export async function cachedGraphNames(
  cache: PrivateCache,
  managementEndpoint: string,
  projectId: string,
): Promise<string[]> {
  return bookNames(await cache.read(BOOK, bookKey(managementEndpoint, projectId)));
}

/** The cached address of a graph, when fresh at `now` (only that entry is checked). */
async function cachedAddress(
  options: DiscoveryOptions,
  graph: string,
  now: number,
): Promise<CachedAddress | undefined> {
  const book = (await options.cache.read(
    BOOK,
    bookKey(options.managementEndpoint, options.projectId),
  )) as { addresses?: Record<string, unknown> } | null;
  const map = book?.addresses?.[options.network];
  return typeof map === 'object' && map !== null && Object.hasOwn(map, graph)
    ? freshEntry((map as Record<string, unknown>)[graph], now)
    : undefined;
}

/**
 * The service-plane address of `graph`: from the cache when fresh (unless `fresh`), else from
 * the management plane's list, which is then cached.
 */
export async function resolveGraphAddress(
  api: ManagementApi,
  graph: string,
  options: DiscoveryOptions & { fresh?: boolean },
): Promise<Resolved> {
  const now = (options.now ?? Date.now)();
  const entry = options.fresh ? undefined : await cachedAddress(options, graph, now);
  if (entry) {
    const minutes = Math.round((now - entry.fetchedAt) / 60_000);
    return {
      endpoint: entry.endpoint,
      name: graph,
      source: `management plane, cached ${minutes ? `${minutes} min ago` : 'just now'}`,
      fromCache: true,
    };
  }
  const graphs = await api.listGraphs();
  const found = pickGraph(graphs, graph, options.where);
  const endpoint = addressOf(found, options.network, options.warn);
  await cacheAddresses(graphs, options);
  return { endpoint, name: found.name, source: 'management plane', fromCache: false };
}

/** Drops a graph's cached address (it stopped answering). */
export async function forgetAddress(graph: string, options: DiscoveryOptions): Promise<void> {
  const now = (options.now ?? Date.now)();
  await options.cache.update(
    BOOK,
    bookKey(options.managementEndpoint, options.projectId),
    (raw) => {
      const book = readBook(raw, now);
      delete book.addresses[options.network]![graph];
      return book;
    },
  );
}
