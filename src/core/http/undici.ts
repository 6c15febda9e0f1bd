import type { Dispatcher } from 'undici';

/**
 * Loads only the undici parts a request needs. The package's index pulls in fetch,
 * WebSocket, caching and mocks: ~130 ms here; the agent and request API alone: ~50 ms.
 * undici has no "exports" map, so its files are importable one by one.
 */

type AgentClass = typeof import('undici').Agent;
type EnvHttpProxyAgentClass = typeof import('undici').EnvHttpProxyAgent;
export type RequestOptions = Dispatcher.RequestOptions;
type RequestFn = (this: Dispatcher, options: RequestOptions) => Promise<Dispatcher.ResponseData>;

export interface UndiciParts {
  Agent: AgentClass;
  request: RequestFn;
}

let parts: Promise<UndiciParts> | undefined;

/** The default export of a CommonJS module (its module.exports). */
async function defaultOf<T>(module: Promise<unknown>): Promise<T> {
  return ((await module) as { default: T }).default;
}

/** What beforeLoad asked to run once the first answer is in (its parser then compiled). */
let afterFirstAnswer: (() => void) | void;

/**
 * Loads the parts once; `beforeLoad` runs just before the first load (and its WebAssembly
 * compile), and may return a function to run once the first answer has been read.
 */
export function loadUndici(beforeLoad?: () => (() => void) | void): Promise<UndiciParts> {
  parts ??= (async () => {
    afterFirstAnswer = beforeLoad?.();
    const [Agent, request] = await Promise.all([
      defaultOf<AgentClass>(import('undici/lib/dispatcher/agent.js')),
      defaultOf<RequestFn>(import('undici/lib/api/api-request.js')),
    ]);
    return { Agent, request };
  })();
  return parts;
}

/** Called after each answer: runs what beforeLoad left for the first one, once. */
export function answered(): void {
  const run = afterFirstAnswer;
  afterFirstAnswer = undefined;
  run?.();
}

/** The proxy agent tunnels with Dispatcher#connect, which undici's index mixes in from its API: do the same. */
export async function loadEnvHttpProxyAgent(): Promise<EnvHttpProxyAgentClass> {
  const [EnvHttpProxyAgent, Dispatcher, api] = await Promise.all([
    defaultOf<EnvHttpProxyAgentClass>(import('undici/lib/dispatcher/env-http-proxy-agent.js')),
    defaultOf<{ prototype: object }>(import('undici/lib/dispatcher/dispatcher.js')),
    defaultOf<object>(import('undici/lib/api/index.js')),
  ]);
  Object.assign(Dispatcher.prototype, api);
  return EnvHttpProxyAgent;
}
