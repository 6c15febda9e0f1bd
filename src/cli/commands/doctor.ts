import { iamLogin } from '../../core/auth/iam.js';
import {
  type FoundConfig,
  findConfig,
  loadFound,
  type TrustReason,
  untrustedError,
} from '../../core/config/load.js';
import { resolveSettings, type Settings } from '../../core/config/resolve.js';
import { profileNamed } from '../../core/config/schema.js';
import {
  hostPort,
  type ProbeOptions,
  probePlain,
  probeReach,
  probeTls,
  targetOf,
} from '../../core/doctor/probe.js';
import {
  answerKind,
  clockVerdict,
  httpsVerdict,
  httpVerdict,
  proxyFor,
  reachVerdict,
  type Status,
  type Verdict,
} from '../../core/doctor/verdicts.js';
import { GesError, InterruptedError } from '../../core/errors.js';
import { shellQuote } from '../../core/fs-safety.js';
import { GRAPH_NAME } from '../../core/ges/constants.js';
import { cacheAddresses } from '../../core/ges/management.js';
import { hintFor } from '../../core/hints.js';
import { maskUrlCredentials } from '../../core/http/address.js';
import { httpErrorFor, parseJsonBody, summariseBody } from '../../core/http/body.js';
import type { HttpResult } from '../../core/http/client.js';
import { noProxyMatch } from '../../core/http/proxy.js';
import { readCaFile } from '../../core/http/tls.js';
import { checkGraph } from '../../core/validate.js';
import { userAgent } from '../../core/version.js';
import { type CommandContext, connect, explicitConfig } from '../context.js';
import { EXIT, exitCodeFor, firstFailureCode } from '../exit-codes.js';
import { escapeText, type Paint } from '../output.js';
import { envelope } from '../report.js';

/**
 * ges doctor: checks, one line each, what a command needs to work: the config (and its trust),
 * the endpoint, TCP reach, TLS (or plain http), the credentials (and for AK/SK the clock), the
 * proxy. A check that needs an earlier one which failed is shown as skipped.
 */

/** Without --connect-timeout (or connectTimeout in the profile), probes give up this soon. */
const PROBE_TIMEOUT_MS = 3000;

interface Check extends Verdict {
  name: string;
  /** The exit code this check's failure earns. */
  exitCode: number;
}

const MARKS: Record<Status, [string, keyof Paint]> = {
  pass: ['✓', 'green'],
  warn: ['!', 'yellow'],
  fail: ['✗', 'red'],
  skip: ['-', 'dim'],
};

/** The checks in order, each printed as it ends; the JSON document and exit code at the end. */
class DoctorReport {
  readonly checks: Check[] = [];

  constructor(private readonly ctx: CommandContext) {}

  add(name: string, verdict: Verdict, exitCode: number = EXIT.noAnswer): void {
    // A probe stopped by Ctrl-C saw nothing worth a line: the run ends as interrupted.
    if (this.ctx.signal.aborted)
      throw new InterruptedError('interrupted', 0, false, String(this.ctx.signal.reason));
    const check = { name, ...verdict, exitCode: verdict.status === 'fail' ? exitCode : EXIT.ok };
    this.checks.push(check);
    this.print(check);
  }

  skip(name: string, why: string): void {
    this.add(name, { status: 'skip', detail: `skipped: ${why}` });
  }

  failed(name: string): boolean {
    return this.checks.find((c) => c.name === name)?.status === 'fail';
  }

  private print(check: Check): void {
    const { output } = this.ctx;
    if (output.flags.json) return;
    const line = `${check.name}: ${check.detail}`;
    if (output.flags.quiet) {
      if (check.status === 'fail') output.error(line, check.fix);
      else if (check.status === 'warn') output.warn(`${line}${check.fix ? `; ${check.fix}` : ''}`);
      return;
    }
    const [mark, style] = MARKS[check.status];
    const fix = check.fix && check.status !== 'pass' ? `; fix: ${check.fix}` : '';
    this.ctx.streams.stdout.write(
      `${output.out[style](mark)} ${escapeText(`${check.name.padEnd(11)} ${check.detail}`)}` +
        `${escapeText(fix)}\n`,
    );
  }

  /** The first failed check's exit code, else 0; the JSON document under --json. */
  finish(): number {
    const exitCode = firstFailureCode(
      this.checks.filter((c) => c.status === 'fail').map((c) => c.exitCode),
    );
    if (this.ctx.output.flags.json) {
      const checks = this.checks.map((c) => ({
        name: c.name,
        ok: c.status === 'skip' ? null : c.status !== 'fail',
        status: c.status,
        detail: c.detail,
        fix: c.fix ?? null,
      }));
      this.ctx.output.json(envelope(exitCode, { checks }));
    }
    return exitCode;
  }
}

const TRUST_WORDS: Record<Exclude<TrustReason, 'named'>, string> = {
  'user-folder': 'trusted: in the user config folder',
  recorded: 'trusted: recorded by ges config trust',
};

function trustWords(ctx: CommandContext, trust: TrustReason): string {
  return trust === 'named' ? `named by ${explicitConfig(ctx).source}` : TRUST_WORDS[trust];
}

/** A message that ends in "; run: <command>" as the command and the rest. */
function splitFix(message: string): { what: string; fix?: string } {
  const m = /^(.*?);(?: if it is yours,)? run: (.+)$/s.exec(message);
  return m ? { what: m[1]!, fix: m[2]! } : { what: message };
}

function failed(error: unknown): Verdict {
  if (!(error instanceof GesError) || error instanceof InterruptedError) throw error;
  const { what, fix } = splitFix(error.message);
  return { status: 'fail', detail: what, fix: fix ?? hintFor(error, error.about ?? {}) };
}

interface ConfigFound {
  verdict: Verdict;
  settings?: Settings;
  /** The extra CA (PEM text) from --ca-cert or caFile. */
  ca?: string;
  /** The profile's graphs (shell completion's list): the first is read when none is named. */
  graphs: string[];
}

/** 1. The config file (or none), its trust and safety, the profile, and the settings. */
async function checkConfig(ctx: CommandContext): Promise<ConfigFound> {
  const where = { explicitFile: explicitConfig(ctx).file, cwd: ctx.cwd, env: ctx.env };
  let found: FoundConfig | null;
  try {
    found = await findConfig(where);
  } catch (error) {
    return { verdict: failed(error), graphs: [] };
  }
  if (found && !found.trust) {
    return {
      verdict: {
        status: 'fail',
        detail:
          `${found.filepath} is not trusted: a config found in a folder could send your ` +
          'credentials anywhere, so ges uses it only once you trust it',
        // With no user config folder no trust can be recorded: name the file instead.
        fix: found.noTrustList
          ? untrustedError(found).hint!
          : `if you wrote it, or have read it: ges config trust ${shellQuote(found.filepath)}`,
      },
      graphs: [],
    };
  }
  try {
    const loaded = found ? await loadFound(found) : null;
    const settings = resolveSettings(ctx.options, ctx.env, loaded);
    const ca = settings.caFile
      ? readCaFile(settings.caFile, settings.sources.caFile!, ctx.cwd)
      : undefined;
    // A doctor reports what it sees: one attempt per request, unless --retries asks for more.
    if (!settings.sources.retries?.startsWith('flag')) settings.retries = 0;
    const profile = loaded ? profileNamed(loaded.config, settings.profileName) : undefined;
    const graphs = (profile?.graphs ?? []).filter((g) => GRAPH_NAME.test(g));
    const detail = loaded
      ? `${loaded.filepath} (${trustWords(ctx, loaded.trust)}), ` +
        `profile ${settings.profileName} (${settings.sources.profile})`
      : 'no config file: flags and environment only';
    const warnings = (loaded?.warnings ?? []).map(splitFix);
    const verdict: Verdict = warnings.length
      ? {
          status: 'warn',
          detail: [detail, ...warnings.map((w) => w.what)].join('; '),
          fix: warnings.find((w) => w.fix)?.fix,
        }
      : { status: 'pass', detail };
    return { verdict, settings, ca, graphs };
  } catch (error) {
    return { verdict: failed(error), graphs: [] };
  }
}

/**
 * The context connect() is given: the same, but each warning (TLS off, plain http) printed once
 * however many connections the checks open.
 */
function onceWarning(ctx: CommandContext): CommandContext {
  const seen = new Set<string>();
  const output = Object.create(ctx.output) as typeof ctx.output;
  output.warn = (message: string): void => {
    if (seen.has(message)) return;
    seen.add(message);
    ctx.output.warn(message);
  };
  return { ...ctx, output };
}

interface EndpointFound {
  verdict: Verdict;
  exitCode?: number;
  /** The service-plane address; undefined when it is not known. */
  endpoint?: string;
  graph?: string;
  /** What the network checks probe: the endpoint, else the management plane. */
  probeUrl: string;
  /** No graph to address: credentials are checked on the management plane's graph list. */
  management?: boolean;
}

/** The first running graph of the project (else its first graph), from the management plane. */
async function firstGraph(ctx: CommandContext, settings: Settings): Promise<string | undefined> {
  const conn = await connect(ctx, undefined, { settings });
  try {
    const graphs = await conn.management!.listGraphs();
    await cacheAddresses(graphs, conn.discovery!);
    return (graphs.find((g) => g.status === '200') ?? graphs[0])?.name;
  } finally {
    await conn.close();
  }
}

/** A graph to read from, and where its name came from. */
interface NamedGraph {
  graph: string;
  source: string;
}

function graphWords(named: NamedGraph | undefined): string {
  return named ? `; graph ${named.graph} (${named.source})` : '';
}

/**
 * 2. The endpoint as given (flag, env, profile); with a region too, the first graph when none
 * is named.
 */
async function givenEndpoint(
  ctx: CommandContext,
  settings: Settings,
  named: NamedGraph | undefined,
): Promise<EndpointFound> {
  const endpoint = settings.endpoint!;
  const found = { endpoint, probeUrl: endpoint };
  const detail = `${endpoint} (${settings.sources.endpoint})`;
  if (named || !settings.discovery)
    return {
      ...found,
      graph: named?.graph,
      verdict: { status: 'pass', detail: detail + graphWords(named) },
    };
  try {
    const graph = await firstGraph(ctx, settings);
    const about = graph
      ? graphWords({ graph, source: 'the first the management plane lists' })
      : '';
    return { ...found, graph, verdict: { status: 'pass', detail: detail + about } };
  } catch (error) {
    const why = failed(error);
    return {
      ...found,
      verdict: {
        ...why,
        status: 'warn',
        detail: `${detail}; no graph from the management plane: ${why.detail}`,
      },
    };
  }
}

/**
 * 2. The endpoint and how it was found: as given, or by graph name through the management
 * plane.
 */
async function checkEndpoint(
  ctx: CommandContext,
  settings: Settings,
  named: NamedGraph | undefined,
): Promise<EndpointFound> {
  if (settings.endpoint) return givenEndpoint(ctx, settings, named);
  const management = settings.discovery!.managementEndpoint;
  const via = `${management} (${settings.sources.managementEndpoint})`;
  try {
    const graph = named?.graph ?? (await firstGraph(ctx, settings));
    if (!graph) {
      const detail = `no graph in the project: the checks go to the management plane ${via}`;
      return { verdict: { status: 'pass', detail }, probeUrl: management, management: true };
    }
    const conn = await connect(ctx, graph, { settings });
    await conn.close();
    const endpoint = conn.lookup!.endpoint!;
    const source = named ? named.source : 'the first the management plane lists';
    // An address from an earlier run's cache says how old it is.
    const cached = named ? conn.lookup!.source.replace(/^management plane,? ?/, '') : '';
    const detail =
      `${endpoint} for graph ${conn.graph} (${source}), from the management plane ${via}` +
      (cached ? `, ${cached}` : '');
    return { verdict: { status: 'pass', detail }, endpoint, graph: conn.graph, probeUrl: endpoint };
  } catch (error) {
    const verdict = failed(error);
    verdict.detail = `finding the graph's address through ${via}: ${verdict.detail}`;
    return { verdict, exitCode: exitCodeFor(error as GesError), probeUrl: management };
  }
}

/** The environment variable a proxy URL came from (lower case wins, as resolve reads them). */
function proxyVariable(ctx: CommandContext, settings: Settings, url: string): string {
  const name = (lower: 'http_proxy' | 'https_proxy'): string =>
    ctx.env[lower] !== undefined ? lower : lower.toUpperCase();
  return url.startsWith('https:') && settings.proxy.https
    ? name('https_proxy')
    : name('http_proxy');
}

function proxyOf(ctx: CommandContext, settings: Settings, url: string) {
  const proxy = proxyFor(url, settings.proxy);
  return proxy ? { url: proxy, variable: proxyVariable(ctx, settings, url) } : undefined;
}

/** 3. A TCP connection to the address (through the proxy ges would use). */
async function checkReach(
  ctx: CommandContext,
  settings: Settings,
  url: string,
  options: ProbeOptions,
): Promise<Verdict> {
  const target = targetOf(url);
  const proxy = proxyOf(ctx, settings, url);
  const dialed = await probeReach(target, { ...options, proxy: proxy?.url });
  if ('failure' in dialed) return reachVerdict(target, dialed.failure, options.timeoutMs, proxy);
  const via = proxy ? ` (through the proxy ${maskUrlCredentials(proxy.url)})` : '';
  return { status: 'pass', detail: `${hostPort(target)} accepts connections${via}` };
}

/** 4. TLS for https (the certificate), or plain HTTP for http; each spoken to the other named. */
async function checkTls(
  ctx: CommandContext,
  config: ConfigFound & { settings: Settings },
  url: string,
  options: ProbeOptions,
): Promise<Verdict> {
  const { settings, ca } = config;
  const target = targetOf(url);
  const probe = { ...options, proxy: proxyOf(ctx, settings, url)?.url };
  const tctx = {
    target,
    path: new URL(url).pathname.replace(/\/$/, ''),
    caFile: settings.caFile,
    insecure: settings.insecure,
    insecureSource: settings.sources.insecure,
  };
  if (url.startsWith('https:')) {
    const tls = await probeTls(target, { ...probe, ca });
    const plain = tls.kind === 'failed' ? await probePlain(target, probe) : null;
    return httpsVerdict(tls, plain, tctx);
  }
  const plain = await probePlain(target, probe);
  const other = plain.kind === 'answer' && answerKind(plain.bytes) !== 'http';
  const tls = other ? await probeTls(target, probe) : null;
  return httpVerdict(plain, tls, tctx, options.timeoutMs);
}

/** 6. Which proxy the address goes through, and whether it answers. */
async function checkProxy(
  ctx: CommandContext,
  settings: Settings,
  url: string,
  options: ProbeOptions,
): Promise<Verdict> {
  const proxy = proxyOf(ctx, settings, url);
  const { http, https, noProxy } = settings.proxy;
  if (!proxy) {
    const match = noProxyMatch(new URL(url), noProxy);
    const detail =
      !http && !https
        ? 'none (HTTP_PROXY and HTTPS_PROXY unset): direct connection'
        : match
          ? `not used: NO_PROXY matches ${JSON.stringify(match)}: direct connection`
          : `not used for ${new URL(url).protocol.slice(0, -1)}: direct connection`;
    return { status: 'pass', detail };
  }
  const shown = `${maskUrlCredentials(proxy.url)} (${proxy.variable})`;
  const target = targetOf(proxy.url);
  const dialed = await probeReach(target, options);
  if ('failure' in dialed) {
    const verdict = reachVerdict(target, dialed.failure, options.timeoutMs);
    return { ...verdict, detail: `${shown}: ${verdict.detail}`, fix: `check ${proxy.variable}` };
  }
  return { status: 'pass', detail: `${shown} answers${noProxy ? `; NO_PROXY ${noProxy}` : ''}` };
}

interface CredentialsOutcome {
  verdict: Verdict;
  exitCode?: number;
  /** The answer's Date header and when it arrived, for the clock check. */
  answer?: { date: string | undefined; at: number };
}

/** An IAM login with the profile's password: its token, never shown. */
async function passwordLogin(
  ctx: CommandContext,
  settings: Settings,
  ca?: string,
): Promise<string> {
  const auth = settings.auth;
  const entry = await iamLogin(
    {
      iamEndpoint: auth.iamEndpoint!,
      domain: auth.domain!,
      user: auth.user!,
      password: auth.password!,
      projectId: settings.projectId,
      projectName: auth.projectName,
    },
    {
      timeoutMs: settings.timeoutMs,
      connectTimeoutMs: settings.connectTimeoutMs,
      retries: settings.retries,
      userAgent: userAgent(),
      signal: ctx.signal,
      trace: ctx.options.verbose ? ctx.output.trace : undefined,
      tls: { ca, insecure: settings.insecure },
      proxy: settings.proxy,
    },
  );
  return entry.token;
}

/** The credentials in words, and where they came from (never their value). */
function credentialWords(settings: Settings): string {
  const auth = settings.auth;
  const source = settings.sources.auth ?? 'the profile';
  switch (auth.type) {
    case 'token':
      return `token (${source})`;
    case 'password':
      return (
        `IAM login as ${auth.user} (domain ${auth.domain}) succeeded, token not shown; ` +
        'its token'
      );
    case 'aksk':
      return `AK/SK signature (${source})`;
    case 'none':
      return 'no credentials (auth type none)';
  }
}

function isJson(text: string): boolean {
  try {
    parseJsonBody(text);
    return true;
  } catch {
    return false;
  }
}

/** Judges the answer to the authorised read. */
function judgeRead(result: HttpResult, what: string, settings: Settings, graph?: string) {
  const answer = { date: result.headers.date, at: Date.now() };
  if (result.status >= 200 && result.status < 300) {
    if (!isJson(result.text)) {
      const body = summariseBody(result.text, result.headers['content-type']);
      const detail = `${what} answered ${result.status} with ${body}, not JSON`;
      const fix = "is the endpoint the graph's GES service-plane address?";
      return { verdict: { status: 'fail' as const, detail, fix }, exitCode: EXIT.noAnswer, answer };
    }
    const detail = `${credentialWords(settings)} accepted: ${what} answered ${result.status}`;
    return { verdict: { status: 'pass' as const, detail }, answer };
  }
  const error = httpErrorFor(result);
  const refusedFresh = settings.auth.type === 'password' && result.status === 401;
  const fix = refusedFresh
    ? 'GES refuses a token IAM has just issued: the IAM user lacks GES permissions in this ' +
      "project, or the project ID is not the graph's"
    : (result.hint ??
      hintFor(error, { graph }) ??
      "check that the endpoint is the graph's service-plane address, and the graph's name");
  return {
    verdict: { status: 'fail' as const, detail: `${what} answered ${error.message}`, fix },
    exitCode: exitCodeFor(error),
    answer,
  };
}

/**
 * 5. A cheap authorised read: the graph's job list (limit 1), or the management plane's graph
 * list; with password auth, an IAM login first (its token is used for the read, never shown).
 */
async function checkCredentials(
  ctx: CommandContext,
  config: ConfigFound & { settings: Settings },
  found: EndpointFound,
): Promise<CredentialsOutcome> {
  if (!found.graph && !found.management)
    return {
      verdict: {
        status: 'warn',
        detail: 'not checked: no graph to read from',
        fix: 'name one: ges doctor <graph> (or list it under graphs: in the profile)',
      },
    };
  const { settings, ca } = config;
  try {
    const token = settings.auth.type === 'password' ? await passwordLogin(ctx, settings, ca) : null;
    const used: Settings = {
      ...settings,
      endpoint: found.endpoint ?? null,
      ...(token ? { auth: { type: 'token', token } } : {}),
    };
    const conn = await connect(ctx, found.graph, { settings: used });
    try {
      const [http, request, what] = conn.management
        ? [conn.management.http, conn.management.listRequest(), 'the graph list']
        : [
            conn.api.http,
            conn.api.listRequest(conn.graph!, { limit: 1 }),
            `the job list of graph ${conn.graph}`,
          ];
      return judgeRead(await http.send(request), what, settings, found.graph);
    } finally {
      await conn.close();
    }
  } catch (error) {
    return { verdict: failed(error), exitCode: exitCodeFor(error as GesError) };
  }
}

/** The probes' bound: --connect-timeout (or connectTimeout) when given, else a short one. */
function probeOptions(ctx: CommandContext, settings: Settings): ProbeOptions {
  const given = settings.sources.connectTimeout !== 'default';
  return { timeoutMs: given ? settings.connectTimeoutMs : PROBE_TIMEOUT_MS, signal: ctx.signal };
}

/** ges doctor [graph]: the checks in order; exit 0 only when every one passes. */
export async function runDoctor(ctx: CommandContext, graphArg?: string): Promise<number> {
  const named = graphArg === undefined ? undefined : checkGraph(graphArg);
  const report = new DoctorReport(ctx);
  const config = await checkConfig(ctx);
  report.add('config', config.verdict, EXIT.usage);
  const rest = ['endpoint', 'tcp', 'tls', 'credentials', 'proxy'];
  if (!config.settings) {
    for (const name of rest) report.skip(name, 'config failed');
    return report.finish();
  }
  const settings = config.settings;
  if (ctx.options.dryRun) {
    for (const name of rest) report.skip(name, '--dry-run sends nothing');
    return report.finish();
  }
  const run = onceWarning(ctx);
  const graph: NamedGraph | undefined = named
    ? { graph: named, source: 'argument' }
    : config.graphs[0]
      ? { graph: config.graphs[0], source: "the profile's graphs" }
      : undefined;
  const found = await checkEndpoint(run, settings, graph);
  report.add('endpoint', found.verdict, found.exitCode);
  await networkChecks(run, report, { ...config, settings }, found);
  return report.finish();
}

/** Checks 3 to 6, each skipped when one it needs failed. */
async function networkChecks(
  ctx: CommandContext,
  report: DoctorReport,
  config: ConfigFound & { settings: Settings },
  found: EndpointFound,
): Promise<void> {
  const { settings } = config;
  const options = probeOptions(ctx, settings);
  report.add('tcp', await checkReach(ctx, settings, found.probeUrl, options));
  if (report.failed('tcp')) report.skip('tls', 'tcp failed');
  else report.add('tls', await checkTls(ctx, config, found.probeUrl, options));
  const needed = ['endpoint', 'tcp', 'tls'].find((name) => report.failed(name));
  const credentials = needed
    ? { verdict: { status: 'skip', detail: `skipped: ${needed} failed` } as Verdict }
    : await checkCredentials(ctx, config, found);
  report.add('credentials', credentials.verdict, credentials.exitCode);
  if (settings.auth.type === 'aksk') {
    const answer = 'answer' in credentials ? credentials.answer : undefined;
    if (answer) report.add('clock', clockVerdict(answer.date, answer.at));
    else report.skip('clock', "no answer to read the server's clock from");
  }
  report.add('proxy', await checkProxy(ctx, settings, found.probeUrl, options));
}
