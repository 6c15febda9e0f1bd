import type { PrivateCache } from '../cache.js';
import type { IamHttpOptions } from './iam.js';

/** What an authenticator needs besides its settings. */
export interface AuthContext {
  projectId: string;
  /** Where password logins cache their tokens: the run's one private cache. */
  cache: PrivateCache;
  /** HTTP settings for talking to IAM. */
  http: IamHttpOptions;
  now?: () => number;
  /** Warnings that do not stop the run (an unusable token cache). */
  warn?: (message: string) => void;
}
