/** Header names whose values are credentials: masked in every trace, dry run and log. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set(['x-auth-token', 'authorization', 'x-security-token', 'x-subject-token']);

export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, SECRET_HEADERS.has(k.toLowerCase()) ? '***' : v]));
}
