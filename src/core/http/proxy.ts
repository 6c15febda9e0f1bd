/** Proxy URLs; empty strings mean none (the environment is never read here). */
export interface ProxyChoice {
  http: string;
  https: string;
  noProxy: string;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * The proxy a request to `url` goes through, or undefined for a direct connection: the rules of
 * undici's EnvHttpProxyAgent, which sends it (https falls back to the http proxy; NO_PROXY
 * entries match a host, its subdomains, and a port when one is given; `*` matches all).
 */
export function proxyFor(url: URL, proxy: ProxyChoice | undefined): string | undefined {
  if (!proxy) return undefined;
  const chosen = url.protocol === 'https:' ? proxy.https || proxy.http : proxy.http;
  if (!chosen) return undefined;
  return noProxyMatch(url, proxy.noProxy) ? undefined : chosen;
}

/** The NO_PROXY entry that matches the URL's host (and port), or null. */
export function noProxyMatch(url: URL, noProxy: string): string | null {
  if (noProxy === '*') return '*';
  const host = url.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number(url.port) || DEFAULT_PORTS[url.protocol] || 0;
  for (const entry of noProxy.split(/[,\s]/)) {
    if (!entry) continue;
    const parsed = /^(.+):(\d+)$/.exec(entry);
    const name = (parsed ? parsed[1]! : entry).replace(/^\*?\./, '').toLowerCase();
    if (parsed && Number(parsed[2]) !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return entry;
  }
  return null;
}
