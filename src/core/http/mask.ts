/** Header names whose values are credentials: masked in every trace, dry run and log. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'x-auth-token',
  'authorization',
  'x-security-token',
  'x-subject-token',
]);

export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k, SECRET_HEADERS.has(k.toLowerCase()) ? '***' : v]),
  );
}

/** JSON keys whose string values are secrets (an IAM login body's password, a secret key). */
const SECRET_FIELD = /password|secret/i;

/**
 * A request or answer body with every string under a secret-named key replaced by "***":
 * for traces and logs. Works on the text, so a body that is not quite JSON is masked too.
 */
export function maskBodySecrets(body: string): string {
  return body.replace(
    /("([^"\\]*)"\s*:\s*)"(?:[^"\\]|\\.)*"/g,
    (whole, head: string, key: string) => (SECRET_FIELD.test(key) ? `${head}"***"` : whole),
  );
}
