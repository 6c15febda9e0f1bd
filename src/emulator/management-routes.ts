import type { IncomingMessage } from 'node:http';
import { authenticate } from './auth.js';
import { type EmulatorContext, intParam, Reply } from './context.js';

/**
 * The management plane's graph list, GET /v2/{project_id}/graphs (docs/ges-api.md#graph-list):
 * every graph the emulator serves, at the emulator's own address unless the control API says
 * otherwise, in the v2 snake_case shape, paged with offset/limit and counted by graph_count.
 */

const LIST_PATH = /^\/v2\/([^/]+)\/graphs\/?$/;

export function isManagementPath(pathname: string): boolean {
  return LIST_PATH.test(pathname);
}

export function serveManagement(
  ctx: EmulatorContext,
  method: string,
  url: URL,
  rawUrl: string,
  headers: IncomingMessage['headers'],
  body: string,
): Reply {
  const refused = authenticate(ctx, method, rawUrl, headers, body);
  if (refused) return refused;
  const project = LIST_PATH.exec(url.pathname)![1];
  if (method !== 'GET')
    return new Reply(405, { error_code: 'APIGW.0101', error_msg: 'method not allowed' });
  if (project !== ctx.projectId)
    return new Reply(403, { error_code: 'GES.7001', error_msg: `no access to project ${project}` });
  const names = [...ctx.state.graphs.keys()];
  const offset = intParam(url, 'offset', 0);
  const limit = intParam(url, 'limit', 10);
  const graphs = names.slice(offset, offset + limit).map((name, i) => {
    const view = ctx.managed.get(name);
    return {
      id: `graph-${offset + i + 1}`,
      name,
      status: view?.status ?? '200',
      private_ip: view?.privateIp ?? ctx.selfAddress,
      public_ip: view?.publicIp ?? '',
      enable_https: view?.enableHttps ?? Boolean(ctx.options.tls),
      product_type: ctx.options.edition === 'database' ? 'Persistence' : 'InMemory',
      data_store_version: '2.4.12',
    };
  });
  return new Reply(200, { graph_count: names.length, graphs });
}
