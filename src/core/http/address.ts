import { isIP } from 'node:net';

/**
 * True for loopback, private (RFC 1918), link-local, carrier-grade NAT (RFC 6598, which
 * Huawei Cloud uses for service addresses) and unique-local IPv6 addresses, and `localhost`.
 * Plain http to these stays inside a VPC or the machine; anything else crosses networks.
 */
export function isLoopbackOrPrivate(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) {
    const [a, b] = host.split('.').map(Number) as [number, number];
    return (
      a === 127 ||
      a === 10 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (isIP(host) === 6) {
    if (host === '::1') return true;
    const mapped = mappedIpv4(host);
    if (mapped) return isLoopbackOrPrivate(mapped);
    const first = parseInt(host.split(':')[0] || '0', 16);
    return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80;
  }
  return false;
}

/**
 * The IPv4 address inside an IPv4-mapped IPv6 one, in either spelling: `::ffff:127.0.0.1` as
 * written, or `::ffff:7f00:1` as the URL parser rewrites it.
 */
function mappedIpv4(host: string): string | undefined {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (!hex) return undefined;
  const [high, low] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** A proxy URL with any user info masked, for traces. */
export function maskUrlCredentials(url: string): string {
  if (!url) return url;
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '***';
    u.password = '';
    return u.toString();
  } catch {
    return '(unparseable proxy URL)';
  }
}

/** What a run's network settings risk, one sentence each (printed on every run they apply to). */
export function networkWarnings(settings: {
  insecure: boolean;
  insecureSource?: string;
  endpoints: (string | null | undefined)[];
  authType: string;
}): string[] {
  const warnings: string[] = [];
  if (settings.insecure) {
    warnings.push(
      `TLS certificate verification is off (${settings.insecureSource}): ` +
        `anyone on the path can impersonate the engine`,
    );
  }
  for (const url of settings.endpoints
    .filter((u): u is string => Boolean(u))
    .map((u) => new URL(u))) {
    if (
      url.protocol === 'http:' &&
      settings.authType !== 'none' &&
      !isLoopbackOrPrivate(url.hostname)
    ) {
      warnings.push(
        `credentials go over plain http to ${url.hostname}, ` +
          `which is neither a loopback nor a private address; use https`,
      );
    }
  }
  return warnings;
}
