import type { IamHttpOptions } from './iam.js';

/** What an authenticator needs besides its settings. */
export interface AuthContext {
  projectId: string;
  /** Where password logins cache their tokens. */
  cacheDir: string;
  /** HTTP settings for talking to IAM. */
  http: IamHttpOptions;
  now?: () => number;
  /** Warnings that do not stop the run (an unusable token cache). */
  warn?: (message: string) => void;
}
