import { describe, expect, it } from 'vitest';
import { dashedJobIdHint } from '../../src/cli/hints.js';
import { HttpError, NetworkError } from '../../src/core/errors.js';
import { hintFor } from '../../src/core/hints.js';
import { FAILURE_CODES } from '../../src/core/http/failure.js';

const network = (code: string | undefined) => hintFor(new NetworkError('x', code, 1), {});

describe('hints for failures without an answer', () => {
  it.each(['UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNREFUSED'])(
    '%s: the address is usually reachable only inside its VPC',
    (code) => {
      const hint = network(code)!;
      expect(hint).toContain('reachable only from inside its VPC');
      expect(hint).toContain('network: public');
      expect(hint).toContain('ges doctor');
    },
  );

  it.each([
    ['UND_ERR_HEADERS_TIMEOUT', 'raise --timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'raise --timeout'],
    [FAILURE_CODES.speaksHttps, 'write it with https://'],
    [FAILURE_CODES.speaksHttp, 'write it with http://'],
    [FAILURE_CODES.notHttp, 'not an HTTP server'],
    [FAILURE_CODES.proxyAuth, 'user name and password in its URL'],
    [FAILURE_CODES.proxyRefused, 'NO_PROXY'],
    [FAILURE_CODES.proxyTimeout, 'raise --connect-timeout'],
    ['ECONNREFUSED', 'that the graph is running'],
    ['CERT_HAS_EXPIRED', '--ca-cert'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'a name the certificate is for'],
  ])('%s: %s', (code, words) => expect(network(code)).toContain(words));

  it('a certificate for another name: no CA advice, which would not help', () =>
    expect(network('ERR_TLS_CERT_ALTNAME_INVALID')).not.toContain('--ca-cert'));

  it('an unknown failure has no hint', () => expect(network('EWHATEVER')).toBeUndefined());

  it("nginx's page for plain http on its https port points at https", () => {
    const error = new HttpError(
      'HTTP 400: the server answered with an HTML page titled ' +
        '"400 The plain HTTP request was sent to HTTPS port"',
      400,
      null,
      null,
      1,
    );
    expect(hintFor(error, {})).toContain('write it with https://');
  });
});

describe("job IDs that start with '-'", () => {
  const unknown = (word: string) => `error: unknown option '${word}'`;

  it.each([
    [['job', 'cancel', 'movies', '-x1'], 'ges job cancel movies -- -x1'],
    [['job', 'status', 'movies', '-x1', '--json'], 'ges job status movies --json -- -x1'],
    [['--json', 'job', 'wait', 'movies', 'a1', '-x1'], 'ges --json job wait movies a1 -- -x1'],
    [['job', 'cancel', 'movies', '-x1', '--', 'a2'], 'ges job cancel movies -- -x1 a2'],
    [
      ['job', 'cancel', 'movies', '-x1', '--endpoint', 'http://u:pw@h'],
      "ges job cancel movies --endpoint 'http://***@h' -- -x1",
    ],
  ])('%j: %s', (argv, line) => {
    expect(dashedJobIdHint(unknown('-x1'), argv)).toBe(
      `job IDs that start with '-' go after '--': ${line}`,
    );
  });

  it.each([
    [unknown('--jsn'), ['job', 'cancel', 'movies', '--jsn']],
    [unknown('-x1'), ['job', 'list', 'movies', '-x1']],
    [unknown('-x/1'), ['job', 'cancel', 'movies', '-x/1']],
    ["error: missing required argument 'graph'", ['job', 'cancel']],
  ])('no hint for %s in %j', (message, argv) => {
    expect(dashedJobIdHint(message, argv)).toBeUndefined();
  });
});
