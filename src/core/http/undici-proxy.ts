/**
 * undici's proxy agent, built into a file of its own (dist/undici-proxy.cjs) that a run loads
 * only when it goes through a proxy: its tunnel needs undici's request API and what that pulls
 * in, a third of undici, which every other run would read and check on each start.
 */

import { defaultOf } from './undici.js';

type EnvHttpProxyAgentClass = typeof import('undici').EnvHttpProxyAgent;

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
