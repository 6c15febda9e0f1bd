/** The editions help topic (ges help editions); listed in topics.ts. */
export const text = `
ges reads every answer shape Huawei documents for the job list, and the
status words of every doc version:

  memory edition, current   flat jobs with taskType, canStop, progress,
                            startTime, endTime, failReason, rawRequest; no
                            totalCount; ended: success, failed,
                            partiallyFailed
  memory edition, 2021      {"result", "jobs": [{"jobId", "status",
                            "request"}]}, no totalCount, paging may be
                            ignored; ended: complete
  database edition          jobs with "request" (or "job_id"), totalCount,
                            a top-level "result"; ended: complete, success,
                            failed
  docs 2018-12 to 2019-04   as the 2021 memory edition; not yet running:
                            waiting

waiting, pending and running have not ended; every other word has. success
and complete are good, failed and partiallyFailed bad; any other word is
shown as sent. No edition documents a cancelled status: what a cancelled
job becomes is undocumented (it may disappear with GES.8301, end failed, or
stay listed as running a while), and --wait and job wait accept all three.

A job's kind is request.command, else taskType; the algorithm comes from
the request body or rawRequest. A refused token is a 401 (from the API
gateway) or a 400 GES.8007 (from the engine): both mean "token refused".
GES.8020 and GES.8006 are IAM permission refusals. "Unsupported Operation"
(a job GES cannot cancel) is recognised by its message, whatever status
comes with it.

GES can cancel vertex and edge filter queries, add-index, import and export
jobs, and the algorithms topicrank, pagerank, personalrank, kcore,
connected_component, label_propagation, louvain and node2vec.

The emulator serves each edition's shapes:

  ges emulator --edition memory-2021 --port 0
`;
