/**
 * Loads only the undici part a request needs: its Agent (requests go through its dispatch(),
 * see exchange.ts). The package's index pulls in fetch, WebSocket, caching and mocks: ~130 ms
 * here; the agent alone: ~50 ms. undici has no "exports" map, so its files are importable one
 * by one.
 */

type AgentClass = typeof import('undici').Agent;
type EnvHttpProxyAgentClass = typeof import('undici').EnvHttpProxyAgent;

let agent: Promise<AgentClass> | undefined;

/** The default export of a CommonJS module (its module.exports). */
async function defaultOf<T>(module: Promise<unknown>): Promise<T> {
  return ((await module) as { default: T }).default;
}

/** What beforeLoad asked to run once the first answer is in (its parser then compiled). */
let afterFirstAnswer: (() => void) | undefined;

/**
 * Loads the agent once; `beforeLoad` runs just before the first load (and its WebAssembly
 * compile), and may return a function to run once the first answer has been read.
 */
export function loadAgent(beforeLoad?: () => (() => void) | undefined): Promise<AgentClass> {
  agent ??= (async () => {
    afterFirstAnswer = beforeLoad?.();
    return defaultOf<AgentClass>(import('undici/lib/dispatcher/agent.js'));
  })();
  return agent;
}

/** Called after each answer: runs what beforeLoad left for the first one, once. */
export function answered(): void {
  const run = afterFirstAnswer;
  afterFirstAnswer = undefined;
  run?.();
}

/**
 * The proxy agent tunnels with Dispatcher#connect, which undici's index mixes in from its API: do
 * the same.
 */
export async function loadEnvHttpProxyAgent(): Promise<EnvHttpProxyAgentClass> {
  const [EnvHttpProxyAgent, Dispatcher, api] = await Promise.all([
    defaultOf<EnvHttpProxyAgentClass>(import('undici/lib/dispatcher/env-http-proxy-agent.js')),
    defaultOf<{ prototype: object }>(import('undici/lib/dispatcher/dispatcher.js')),
    defaultOf<object>(import('undici/lib/api/index.js')),
  ]);
  Object.assign(Dispatcher.prototype, api);
  return EnvHttpProxyAgent;
}
