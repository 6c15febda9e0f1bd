/** GES service-plane facts shared by the client and the emulator. */

export const API_PREFIX = '/ges/v1.0';

export const GES_ERRORS = {
  badParameter: 'GES.8000',
  wrongProjectOrToken: 'GES.8005',
  invalidResourceAccess: 'GES.8006',
  invalidToken: 'GES.8007',
  noPermission: 'GES.8020',
  edgeQueryEmpty: 'GES.8103',
  vertexQueryEmpty: 'GES.8203',
  jobNotFound: 'GES.8301',
  cancelFailed: 'GES.8303',
  algorithmNameEmpty: 'GES.8401',
  createIndexFailed: 'GES.8603',
} as const;

/** The answer GES gives (with no errorCode) when a job's kind cannot be cancelled. */
export const UNSUPPORTED_OPERATION = 'Unsupported Operation';

/** Algorithms whose jobs GES can cancel (newer docs); others refuse with Unsupported Operation. */
export const CANCELLABLE_ALGORITHMS = [
  'topicrank',
  'pagerank',
  'personalrank',
  'kcore',
  'connected_component',
  'label_propagation',
  'louvain',
  'node2vec',
] as const;

export const GRAPH_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const JOB_ID = /^[A-Za-z0-9_-]{1,128}$/;
export const PROJECT_ID = /^[A-Za-z0-9]{1,64}$/;

function seg(value: string): string {
  return encodeURIComponent(value);
}

export function graphPath(projectId: string, graph: string): string {
  return `${API_PREFIX}/${seg(projectId)}/graphs/${seg(graph)}`;
}

export function jobPath(projectId: string, graph: string, jobId: string): string {
  return `${graphPath(projectId, graph)}/jobs/${seg(jobId)}`;
}
