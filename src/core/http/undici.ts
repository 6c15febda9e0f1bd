/**
 * Loads only the undici part a request needs: its Agent (requests go through its dispatch(),
 * see exchange.ts). The package's index pulls in fetch, WebSocket, caching and mocks, and
 * costs a run several times what the agent alone does (bench/README.md). undici has no
 * "exports" map, so its files are importable one by one (.ci/build.mjs checks they are there).
 */

type AgentClass = typeof import('undici').Agent;
type EnvHttpProxyAgentClass = typeof import('undici').EnvHttpProxyAgent;

let agent: Promise<AgentClass> | undefined;

/** The default export of a CommonJS module (its module.exports). */
export async function defaultOf<T>(module: Promise<unknown>): Promise<T> {
  return ((await module) as { default: T }).default;
}

/** Loads the agent once. */
export function loadAgent(): Promise<AgentClass> {
  agent ??= defaultOf<AgentClass>(import('undici/lib/dispatcher/agent.js'));
  return agent;
}

/** The proxy agent, from its own file (undici-proxy.ts says why). */
export async function loadEnvHttpProxyAgent(): Promise<EnvHttpProxyAgentClass> {
  return (await import('./undici-proxy.js')).loadEnvHttpProxyAgent();
}
