/** The emulator help topic (ges help emulator); listed in topics.ts. */
export const text = `
ges emulator serves the GES calls ges uses, with their documented bodies
and error codes, so that you and your scripts can try ges without a cloud
account. Under /ges/v1.0/{projectId}/graphs/{graph}:

  POST .../action?action_id=execute-algorithm    create an algorithm job
  POST .../vertices/action?action_id=query       a vertex query job
  POST .../edges/action?action_id=query          an edge query job
  POST .../indices                               an add-index job
  GET  .../jobs/{jobId}/status?offset=&limit=    a job's status and results
  GET  .../jobs/status?offset=&limit=            the job list
  DELETE .../jobs/{jobId}                        cancel a job

Jobs move from pending to running to success as time passes (--pending-ms,
--running-ms). Cancelling a pending or running job stops it; what it then
becomes is --after-cancel: gone, failed, or linger (listed as running a
while). A finished or unknown job answers GES.8303; algorithms GES cannot
cancel answer "Unsupported Operation". Missing or wrong credentials answer
401, as the API gateway does (--refuse-token-as GES.8007: as the engine
does). It also serves the management plane's graph list,
GET /v2/{projectId}/graphs, with every graph at its own address, and IAM
password login with --iam-domain, --iam-user and --iam-password.

A control API under /emulator/ (no credentials) drives it from tests:

  POST /emulator/jobs      create a job in a given state: {"graph",
                           "status", "kind", "algorithmName", "canStop"}
  POST /emulator/faults    the next "count" matching requests ("method",
                           "path") get "status" and "body", a "delayMs",
                           a connection "reset", a "stall", ...
  DELETE /emulator/faults  drop pending faults
  POST /emulator/graphs    how the management plane lists a graph
  POST /emulator/clock     {"advanceMs"}: move its clock forward
  GET /emulator/requests   the GES requests received (credentials masked)
  GET /emulator/health     {"ok": true, "projectId", "graphs"}

  ges emulator --port 0 --json > ready.json &
  until [ -s ready.json ]; do sleep 0.1; done
  ENDPOINT=$(sed 's/.*"endpoint":"\\([^"]*\\)".*/\\1/' ready.json)
  curl -s -X POST "$ENDPOINT/emulator/jobs" -d '{"status":"running"}'
  GES_ENDPOINT=$ENDPOINT GES_PROJECT_ID=demo GES_TOKEN=demo-token \\
    ges job list movies
`;
