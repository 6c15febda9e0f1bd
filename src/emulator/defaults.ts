/**
 * The emulator's defaults: one place for the library and the `ges emulator` flags (kept free of
 * imports: the CLI loads it at start).
 */
export const EMULATOR_DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  projectId: 'demo',
  graphs: ['movies'],
  token: 'demo-token',
  pendingMs: 1000,
  runningMs: 60_000,
  edition: 'memory',
  afterCancel: 'gone',
  refuseTokenAs: '401',
};
