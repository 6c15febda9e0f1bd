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
  privateIp: string | null;
  publicIp: string | null;
  https: boolean;
  /** product_type: InMemory or Persistence. */
  edition: string | null;
  version: string | null;
}

/** The documented state codes (ges-api.md, "Management plane"). */
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
const MAX_PAGES = 100;

/**
 * host or host:port where host is an IP address or a DNS name: what may go between "//" and the
 * path.
 */
function checkAddress(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(value);
  if (v6)
    return isIP(v6[1]!) === 6 && (v6[2] === undefined || Number(v6[2]) <= 65535) ? value : null;
  if (isIP(value) === 6) return `[${value}]`;
  const m = /^([A-Za-z0-9.-]{1,253})(?::(\d{1,5}))?$/.exec(value);
  if (
    !m ||
    m[1]!.startsWith('.') ||
    m[1]!.startsWith('-') ||
    (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535))
  )
    return null;
  return value;
}

const str = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;

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
    privateIp: checkAddress(g.private_ip ?? g.privateIp),
    publicIp: checkAddress(g.public_ip ?? g.publicIp),
    https: (g.enable_https ?? g.enableHttps) === true,
    edition: str(g.product_type ?? g.productType),
    version: str(g.data_store_version ?? g.dataStoreVersion),
  };
}

export class ManagementApi {
  constructor(
    readonly http: HttpClient,
    readonly projectId: string,
  ) {}

  listRequest(offset = 0): HttpRequest {
    return {
      method: 'GET',
      path: `/v2/${encodeURIComponent(this.projectId)}/graphs`,
      query: { offset, limit: GRAPHS_PAGE },
    };
  }

  /** Every graph of the project: pages while graph_count says there are more, each graph once. */
  async listGraphs(): Promise<ManagedGraph[]> {
    const graphs = new Map<string, ManagedGraph>();
    let offset = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await this.http.send(this.listRequest(offset));
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
      let fresh = 0;
      for (const raw of body.graphs) {
        const graph = readGraphEntry(raw);
        if (graph && !graphs.has(graph.name)) {
          graphs.set(graph.name, graph);
          fresh++;
        }
      }
      offset += body.graphs.length;
      const count = Number(body.graph_count ?? body.graphCount);
      if (
        fresh === 0 ||
        body.graphs.length === 0 ||
        (Number.isFinite(count) ? offset >= count : body.graphs.length < GRAPHS_PAGE)
      )
        break;
    }
    return [...graphs.values()];
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
 * `http://`; no port (80/443) unless the address carries one. Null when it has none there.
 */
function serviceAddress(graph: ManagedGraph, network: 'private' | 'public'): string | null {
  const address = network === 'public' ? graph.publicIp : graph.privateIp;
  return address ? `${graph.https ? 'https' : 'http'}://${address}` : null;
}

/**
 * The service-plane address of a graph (see serviceAddress). Throws for a graph not serving
 * requests (201-211 only warn: they may still answer) and for a missing address.
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
  return m !== null && checkAddress(m[1]) !== null;
}

/** A resolved address as the cache holds it. */
interface CachedAddress {
  endpoint: string;
  fetchedAt: number;
}

/** Addresses are cached for an hour, keyed by management endpoint, project, graph and network. */
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

function cacheKey(options: DiscoveryOptions, graph: string): string[] {
  return [options.managementEndpoint, options.projectId, graph, options.network];
}

/** Writes every graph's address to the cache (after a full list: ges graph list, or a lookup). */
export async function cacheAddresses(
  graphs: readonly ManagedGraph[],
  options: DiscoveryOptions,
): Promise<void> {
  const now = (options.now ?? Date.now)();
  for (const g of graphs) {
    const endpoint = g.status === '200' ? serviceAddress(g, options.network) : null;
    if (endpoint)
      await options.cache.write('address', cacheKey(options, g.name), { endpoint, fetchedAt: now });
  }
  await options.cache.write('graphs', [options.managementEndpoint, options.projectId], {
    names: graphs.map((g) => g.name),
    fetchedAt: now,
  });
}

/** The graph names last listed for this project (shell completion), [] when none are cached. */
export async function cachedGraphNames(
  cache: PrivateCache,
  managementEndpoint: string,
  projectId: string,
): Promise<string[]> {
  const entry = (await cache.read('graphs', [managementEndpoint, projectId])) as {
    names?: unknown;
  } | null;
  return Array.isArray(entry?.names)
    ? entry.names.filter((n): n is string => typeof n === 'string' && GRAPH_NAME.test(n))
    : [];
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
  if (!options.fresh) {
    const entry = (await options.cache.read(
      'address',
      cacheKey(options, graph),
    )) as Partial<CachedAddress> | null;
    if (
      isServicePlaneAddress(entry?.endpoint) &&
      typeof entry.fetchedAt === 'number' &&
      now - entry.fetchedAt < ADDRESS_TTL_MS &&
      now >= entry.fetchedAt
    ) {
      const minutes = Math.round((now - entry.fetchedAt) / 60_000);
      return {
        endpoint: entry.endpoint,
        name: graph,
        source: `management plane, cached ${minutes ? `${minutes} min ago` : 'just now'}`,
        fromCache: true,
      };
    }
  }
  const graphs = await api.listGraphs();
  const found = pickGraph(graphs, graph, options.where);
  const endpoint = addressOf(found, options.network, options.warn);
  await cacheAddresses(graphs, options);
  return { endpoint, name: found.name, source: 'management plane', fromCache: false };
}

export async function forgetAddress(graph: string, options: DiscoveryOptions): Promise<void> {
  await options.cache.drop('address', cacheKey(options, graph));
}
