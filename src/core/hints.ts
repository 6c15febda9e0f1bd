import { type GesError, HttpError, InterruptedError, NetworkError } from './errors.js';
import { CANCELLABLE_ALGORITHMS, GES_ERRORS, UNSUPPORTED_OPERATION } from './ges/constants.js';
import { FAILURE_CODES, UNREACHABLE_CODES } from './http/failure.js';
import { isTlsFailure } from './http/tls-errors.js';

/**
 * The next step to suggest for a failure: text only, the same for the CLI, which prints it
 * after the error, and the library, whose errors carry it as `hint`. The steps name ges
 * commands and flags, as the CLI's users take them.
 */

export interface HintContext {
  graph?: string;
  jobId?: string;
}

/** The next step to suggest for a failure, naming the command to run where there is one. */
export function hintFor(
  error: GesError | undefined,
  { graph = '<graph>', jobId = '<jobId>' }: HintContext,
): string | undefined {
  if (!error) return undefined;
  if (error.hint) return error.hint;
  if (error instanceof HttpError) return httpHint(error, graph, jobId);
  if (error instanceof InterruptedError && error.inFlight)
    return `check it with: ges job status ${graph} ${jobId}`;
  if (error instanceof NetworkError) return networkHint(error.code);
  return undefined;
}

/** For an answer outside 2xx: GES's error codes first, then the status. */
function httpHint(error: HttpError, graph: string, jobId: string): string | undefined {
  const code = error.errorCode;
  if (code === GES_ERRORS.cancelFailed) {
    return (
      'the job has already finished or failed, or the ID is wrong; ' +
      `check it with: ges job status ${graph} ${jobId}`
    );
  }
  if (code === GES_ERRORS.jobNotFound)
    return `the engine does not know this job; list the graph's jobs with: ges job list ${graph}`;
  if (code === GES_ERRORS.badParameter && /not exist/i.test(error.errorMessage ?? '')) {
    return (
      `check the graph name: graph ${JSON.stringify(graph)} is not on this endpoint ` +
      '(the endpoint is the service-plane address of the graph)'
    );
  }
  if (code === GES_ERRORS.noPermission || code === GES_ERRORS.invalidResourceAccess) {
    return (
      `IAM refused this (${code}): the user needs GES permissions ` +
      '(for example the GES Administrator or GES Operator policy) in this project, ' +
      `and access to graph ${graph}`
    );
  }
  if (error.errorMessage?.includes(UNSUPPORTED_OPERATION)) {
    return (
      'GES cancels only vertex and edge filter queries, add-index, import and export jobs, ' +
      `and these algorithms: ${CANCELLABLE_ALGORITHMS.join(', ')}`
    );
  }
  return statusHint(error);
}

function statusHint(error: HttpError): string | undefined {
  const code = error.errorCode;
  if (
    error.httpStatus === 401 ||
    code === GES_ERRORS.wrongProjectOrToken ||
    code === GES_ERRORS.invalidToken
  ) {
    return (
      'check the credentials and the project ID: ' +
      'an IAM token must be scoped to this project and lasts 24 hours'
    );
  }
  if (error.httpStatus === 403)
    return 'the credentials lack permission for this graph; ask for GES permissions in IAM';
  // nginx's answer to plain http on its https port.
  if (error.httpStatus === 400 && /plain HTTP request was sent to HTTPS port/i.test(error.message))
    return USE_HTTPS;
  if (error.httpStatus >= 300 && error.httpStatus < 400)
    return "set the endpoint to the graph's service-plane address";
  if (error.httpStatus >= 500)
    return (
      `the engine or a proxy in front of it failed (after ${error.attempts} ` +
      `attempt${error.attempts === 1 ? '' : 's'}); try again later, or raise --retries`
    );
  return undefined;
}

const USE_HTTPS =
  'the endpoint speaks https: write it with https:// (--endpoint, GES_ENDPOINT or the profile)';

const ANSWER_TIMEOUT_HINT =
  'raise --timeout (the limit of each attempt), or check the network path to the endpoint ' +
  '(VPN, security group, proxy)';

/** Next steps for failures without an answer, by the code they are known by. */
const NETWORK_HINTS: Record<string, string> = {
  ENOTFOUND: 'check the host name in the endpoint',
  UND_ERR_HEADERS_TIMEOUT: ANSWER_TIMEOUT_HINT,
  UND_ERR_BODY_TIMEOUT: ANSWER_TIMEOUT_HINT,
  [FAILURE_CODES.speaksHttps]: USE_HTTPS,
  [FAILURE_CODES.speaksHttp]:
    'the endpoint speaks plain http: write it with http:// ' +
    '(--endpoint, GES_ENDPOINT or the profile)',
  [FAILURE_CODES.notHttp]: "check the endpoint's port: what answers there is not an HTTP server",
  [FAILURE_CODES.proxyAuth]:
    "put the proxy's user name and password in its URL " +
    '(HTTPS_PROXY=http://user:password@host:port), or add the endpoint to NO_PROXY',
  [FAILURE_CODES.proxyRefused]:
    'the proxy would not connect to the endpoint: check the endpoint, ' +
    'or add it to NO_PROXY to connect directly',
  [FAILURE_CODES.proxyTimeout]:
    'check that the proxy (HTTPS_PROXY, HTTP_PROXY) is up and reachable from here, ' +
    'or add the endpoint to NO_PROXY; raise --connect-timeout for a slow path',
};

/** An address nothing answers at: usually a private address seen from outside its VPC. */
const UNREACHABLE_HINT =
  "a graph's service-plane address (its private IP) is usually reachable only from inside " +
  'its VPC: run ges on a machine in that VPC, or use the public address ' +
  "(network: public in the profile); 'ges doctor' checks the way there";

/**
 * A refusal: a stopped graph, a wrong port, or a firewall on the way to a private address
 * seen from outside its VPC.
 */
const REFUSED_HINT = `check the endpoint and that the graph is running; ${UNREACHABLE_HINT}`;

function networkHint(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  const hint = NETWORK_HINTS[code];
  if (hint) return hint;
  if (code === 'ECONNREFUSED') return REFUSED_HINT;
  if (UNREACHABLE_CODES.has(code)) return UNREACHABLE_HINT;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return (
      'use a name the certificate is for in the endpoint (ges doctor shows its names); ' +
      'trusting another CA does not help here'
    );
  if (isTlsFailure(code)) {
    return (
      'trust the CA that signed it with --ca-cert <pem> (or caFile in the profile), ' +
      'or skip verification with --insecure (only for testing)'
    );
  }
  return undefined;
}
