/**
 * The library: `import { createClient, loadProfile } from 'ges-cli'`. The CLI is built on the
 * same core, so a call does what the matching command does and yields the fields of its JSON.
 * This entry is the one place the library reads the process (its environment and folder, as
 * loadProfile's defaults); nothing here writes to the terminal, exits, or handles a signal.
 */
import { createClient as create } from './core/library/client.js';
import { loadProfileOptions } from './core/library/profile.js';
import type {
  ClientOptions,
  GesClient,
  LoadedProfile,
  LoadProfileOptions,
} from './core/library/types.js';

export {
  ConfigError as GesConfigError,
  GesError,
  GraphUnavailableError as GesGraphUnavailableError,
  HttpError as GesHttpError,
  InterruptedError as GesAbortError,
  NetworkError as GesConnectionError,
  ResponseError as GesResponseError,
} from './core/errors.js';
export type {
  AuthOptions,
  CallOptions,
  CancelAllOptions,
  CancelJobsOptions,
  CancelOutcome,
  CancelRecord,
  ClientOptions,
  ErrorRecord,
  GesClient,
  GraphRecord,
  JobRecord,
  JobState,
  JobStatusOptions,
  JobStatusRecord,
  ListJobsOptions,
  LoadedProfile,
  LoadProfileOptions,
  ProxyOptions,
  WaitJobsOptions,
  WaitOutcome,
  WaitRecord,
} from './core/library/types.js';

/**
 * A client of GES's job control. No config file is read: the options say everything (see
 * loadProfile() for a profile's). Options are checked at once (GesConfigError); nothing is
 * opened until the first call. close() it when done.
 */
export function createClient(options: ClientOptions): GesClient {
  return create(options);
}

/**
 * The options of a profile, resolved exactly as `ges` resolves them: the config file (options
 * `config`, else GES_CONFIG, else the search from `cwd`), its trust, the profile (`profile`, else
 * GES_PROFILE or defaultProfile) and the environment (`env`, default process.env).
 */
export function loadProfile(options: LoadProfileOptions = {}): Promise<LoadedProfile> {
  return loadProfileOptions({
    ...options,
    env: options?.env ?? process.env,
    cwd: options?.cwd ?? process.cwd(),
  });
}
