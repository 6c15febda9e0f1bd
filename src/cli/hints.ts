import { type GesError, HttpError, InterruptedError, NetworkError } from '../core/errors.js';
import {
  CANCELLABLE_ALGORITHMS,
  GES_ERRORS,
  UNSUPPORTED_OPERATION,
} from '../core/ges/constants.js';
import { isTlsFailure } from '../core/http/tls-errors.js';

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
  if (error instanceof HttpError) {
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
    if (error.httpStatus >= 300 && error.httpStatus < 400)
      return "set the endpoint to the graph's service-plane address";
    if (error.httpStatus >= 500)
      return (
        `the engine or a proxy in front of it failed (after ${error.attempts} ` +
        `attempt${error.attempts === 1 ? '' : 's'}); try again later, or raise --retries`
      );
    return undefined;
  }
  if (error instanceof InterruptedError && error.inFlight)
    return `check it with: ges job status ${graph} ${jobId}`;
  if (error instanceof NetworkError) {
    if (error.code === 'ECONNREFUSED')
      return 'check the endpoint and that the graph is running; --verbose shows each request';
    if (/TIMEOUT/.test(error.code ?? ''))
      return (
        'raise --timeout, or check the network path to the endpoint ' +
        '(VPN, security group, proxy)'
      );
    if (error.code === 'ENOTFOUND') return 'check the host name in the endpoint';
    if (isTlsFailure(error.code)) {
      return (
        'trust the CA that signed it with --ca-cert <pem> (or caFile in the profile), ' +
        'or skip verification with --insecure (only for testing)'
      );
    }
    return undefined;
  }
  return undefined;
}
