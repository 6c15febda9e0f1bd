// undici's files have no type declarations of their own; src/core/http/undici.ts types their
// exports.
declare module 'undici/lib/dispatcher/agent.js';
declare module 'undici/lib/dispatcher/env-http-proxy-agent.js';
declare module 'undici/lib/dispatcher/dispatcher.js';
declare module 'undici/lib/api/index.js';
