import type { ProxySettings } from '../config/resolve.js';
import { isLoopbackOrPrivate, maskUrlCredentials } from '../http/address.js';
import { proxyFor as proxyThrough } from '../http/proxy.js';
import { TLS_PROBLEMS } from '../http/tls-errors.js';
import {
  type CertificateFacts,
  type DialFailure,
  hostPort,
  type PlainProbe,
  type Target,
  type TlsProbe,
} from './probe.js';

/** What `ges doctor` concludes from each probe, in words: pure rules over what was seen. */

export type Status = 'pass' | 'warn' | 'fail' | 'skip';

export interface Verdict {
  status: Status;
  detail: string;
  /** The next step, for a warning or a failure. */
  fix?: string;
}

export const VPC_HINT =
  "a graph's service-plane address is usually reachable only from inside its VPC; " +
  'run from a machine in the VPC or use the public address with network: public';

/** The proxy ges goes through for `endpoint` (http/proxy.ts has the rules); null: none. */
export function proxyFor(endpoint: string, proxy: ProxySettings): string | null {
  return proxyThrough(new URL(endpoint), proxy) ?? null;
}

function isPrivateNotLoopback(host: string): boolean {
  if (!isLoopbackOrPrivate(host)) return false;
  return !(host === 'localhost' || host.startsWith('127.') || host === '::1');
}

/** How a connection failed, and what to do, for the address `target` (maybe via a proxy). */
export function reachVerdict(
  target: Target,
  failure: DialFailure,
  timeoutMs: number,
  proxy?: { url: string; variable: string },
): Verdict {
  const where = hostPort(target);
  if (failure.at === 'tunnel') {
    const answer = failure.statusLine ? `answered ${JSON.stringify(failure.statusLine)}` : '';
    return {
      status: 'fail',
      detail:
        `the proxy ${maskUrlCredentials(proxy?.url ?? '')} would not open a tunnel to ` +
        `${where}: ${answer || failure.message}`,
      fix:
        failure.code === 'HTTP_407'
          ? 'the proxy wants credentials: give them in its URL (http://user:password@host:port)'
          : `the proxy cannot reach ${where}; if this machine can, add ${target.host} to NO_PROXY`,
    };
  }
  const shown =
    failure.at === 'proxy' ? `the proxy ${maskUrlCredentials(proxy?.url ?? '')}` : where;
  const words = connectWords(failure, timeoutMs);
  const fix =
    failure.at === 'proxy'
      ? `check ${proxy?.variable ?? 'the proxy variable'}, ` +
        `or add ${target.host} to NO_PROXY if this machine reaches it directly`
      : failure.code === 'TIMEOUT' && isPrivateNotLoopback(target.host)
        ? VPC_HINT
        : words.fix;
  return { status: 'fail', detail: `${shown}: ${words.what}`, fix };
}

function connectWords(failure: DialFailure, timeoutMs: number): { what: string; fix?: string } {
  switch (failure.code) {
    case 'ECONNREFUSED':
      return {
        what: 'connection refused (nothing listens on that port)',
        fix: 'check the port in the endpoint, and that the graph is running',
      };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return {
        what: `unreachable: no route to it (${failure.code})`,
        fix: 'check the network path: VPN, routes, the security group',
      };
    case 'TIMEOUT':
      return {
        what:
          `no answer within ${timeoutMs / 1000} s: silent, as when a firewall or ` +
          'security group drops the packets',
        fix: 'check the security group and firewalls on the way, or raise --connect-timeout',
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { what: `DNS lookup failed (${failure.code})`, fix: 'check the host name' };
    case 'ECONNRESET':
      return {
        what: 'the connection was reset at once',
        fix: 'a firewall or proxy on the way closes it; check the port and the path',
      };
    default:
      return {
        what: `${failure.message} (${failure.code})`,
        fix: 'check the address and the network path to it',
      };
  }
}

function certificateFor(c: CertificateFacts): string {
  const names = c.altNames?.replace(/(DNS|IP Address):/g, '') ?? c.subject ?? 'an unnamed host';
  return `for ${names}, issued by ${c.issuer ?? 'an unnamed issuer'}, valid until ${c.validTo}`;
}

/** What to do about a certificate that does not verify. */
function certificateFix(code: string, c: CertificateFacts, caFile?: string): string {
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return (
      `the server's certificate is valid from ${c.validFrom} to ${c.validTo}: renew it, ` +
      "or check this machine's clock"
    );
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `use a name the certificate is for in the endpoint (${c.altNames ?? c.subject})`;
  return caFile
    ? `the CA in ${caFile} did not sign it: give the CA that did with --ca-cert <pem>`
    : 'trust the CA that signed it with --ca-cert <pem> (or caFile in the profile)';
}

export interface TlsContext {
  target: Target;
  /** The endpoint's path, kept in the suggested endpoint. */
  path: string;
  caFile?: string;
  insecure: boolean;
  insecureSource?: string;
}

/** An https endpoint: does the handshake complete and the certificate verify? */
export function httpsVerdict(probe: TlsProbe, plain: PlainProbe | null, ctx: TlsContext): Verdict {
  const where = hostPort(ctx.target);
  if (probe.kind === 'handshake') {
    const cert = certificateFor(probe.certificate);
    if (!probe.error) return { status: 'pass', detail: `certificate ${cert}: verified` };
    const problem = TLS_PROBLEMS[probe.error]?.replace('{host}', ctx.target.host) ?? probe.error;
    const detail = `certificate ${cert}: does not verify: ${problem} (${probe.error})`;
    const fix = certificateFix(probe.error, probe.certificate, ctx.caFile);
    return ctx.insecure
      ? { status: 'warn', detail: `${detail}; not checked (${ctx.insecureSource})`, fix }
      : { status: 'fail', detail, fix };
  }
  if (probe.kind === 'unreached') return { status: 'fail', detail: `${where}: not reachable` };
  if (plain?.kind === 'answer' && answerKind(plain.bytes) === 'http') {
    return {
      status: 'fail',
      detail:
        `${where} speaks plain HTTP, not TLS ` +
        `(a plain request got ${JSON.stringify(statusLine(plain.bytes))})`,
      fix: `use http://${where}${ctx.path} as the endpoint`,
    };
  }
  return {
    status: 'fail',
    detail: `TLS handshake with ${where} failed: ${probe.message} (${probe.code})`,
    fix: 'check that the port in the endpoint serves HTTPS',
  };
}

/** An http endpoint: does it answer plain HTTP, or is it a TLS port? */
export function httpVerdict(
  plain: PlainProbe,
  tls: TlsProbe | null,
  ctx: TlsContext,
  timeoutMs: number,
): Verdict {
  const where = hostPort(ctx.target);
  if (plain.kind === 'unreached') return { status: 'fail', detail: `${where}: not reachable` };
  if (answerKind(plain.bytes) === 'http')
    return {
      status: 'pass',
      detail: `plain http (no TLS): ${where} answers ${JSON.stringify(statusLine(plain.bytes))}`,
    };
  if (tls?.kind === 'handshake') {
    return {
      status: 'fail',
      detail:
        `${where} speaks TLS, not plain HTTP ` +
        `(a plain request got ${gotWords(plain, timeoutMs)})`,
      fix: `use https://${where}${ctx.path} as the endpoint`,
    };
  }
  return {
    status: 'fail',
    detail: `${where} does not answer HTTP: a plain request got ${gotWords(plain, timeoutMs)}`,
    fix: "check that the endpoint is the graph's service-plane address and port",
  };
}

/** What the first bytes of an answer are: an HTTP status line, a TLS record, or neither. */
export function answerKind(bytes: Buffer): 'http' | 'tls' | 'nothing' | 'other' {
  if (bytes.length === 0) return 'nothing';
  if (bytes.subarray(0, 5).toString('latin1') === 'HTTP/') return 'http';
  // A TLS record: alert (21) or handshake (22), then version 3.x.
  if ((bytes[0] === 0x15 || bytes[0] === 0x16) && bytes[1] === 0x03) return 'tls';
  return 'other';
}

function statusLine(bytes: Buffer): string {
  return bytes.toString('latin1').split('\r\n', 1)[0]!.slice(0, 80);
}

function gotWords(plain: PlainProbe & { kind: 'answer' }, timeoutMs: number): string {
  switch (answerKind(plain.bytes)) {
    case 'nothing':
      return plain.silent
        ? `no answer within ${timeoutMs / 1000} s`
        : 'the connection closed without a word';
    case 'tls':
      return 'a TLS alert';
    default:
      return `${plain.bytes.length} bytes that are not HTTP`;
  }
}

/** Past these the gateway refuses signatures (15 min); past the first, warn. */
const SKEW_WARN_MS = 5 * 60_000;
const SKEW_FAIL_MS = 15 * 60_000;

function amount(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}

/**
 * This machine's clock against the server's `Date` header (whole seconds, sent when the answer
 * left): AK/SK signatures more than 15 minutes off are refused.
 */
export function clockVerdict(dateHeader: string | undefined, localMs: number): Verdict {
  const serverMs = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  if (Number.isNaN(serverMs))
    return { status: 'warn', detail: 'not checked: the answer carried no usable Date header' };
  const skew = localMs - serverMs;
  // The header has whole seconds, and the answer took time to arrive: a second or two is noise.
  if (Math.abs(skew) < 2000) return { status: 'pass', detail: "within a second of the server's" };
  const side = skew > 0 ? 'ahead of' : 'behind';
  const words = `${amount(skew)} ${side} the server's (its Date header)`;
  const fix = "set this machine's clock from NTP (timedatectl set-ntp true, chrony, w32tm)";
  if (Math.abs(skew) > SKEW_FAIL_MS)
    return {
      status: 'fail',
      detail: `${words}: signed requests more than 15 min off are refused`,
      fix,
    };
  if (Math.abs(skew) > SKEW_WARN_MS)
    return { status: 'warn', detail: `${words}: signatures are refused past 15 min`, fix };
  return { status: 'pass', detail: words };
}
