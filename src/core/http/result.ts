/**
 * An HTTP answer as the client hands it over: read by the client, the body helpers and the GES
 * calls.
 */
export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  /** The body's text, at most `limit` bytes of it. */
  text: string;
  truncated: boolean;
  attempts: number;
  /** A next step the client knows of (credentials refused for good). */
  hint?: string;
}
