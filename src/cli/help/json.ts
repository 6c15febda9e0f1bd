/** The json help topic (ges help json); listed in topics.ts. */
export const text = `
--json prints exactly one JSON document on stdout for every outcome, errors
included, and nothing else on stdout. Every document has "ok" (true when
the exit code is 0) and "exitCode". Warnings, hints and progress go to
stderr.

--jsonl prints one JSON object per job per line as each job ends (the same
fields as an element of "results"), then one summary line:

  {"summary": true, "ok": false, "exitCode": 4, "counts": {...}}

Commands that do not handle jobs one by one (job list, job status, config)
print their --json document on one line.

job cancel writes its "results" array as jobs end, its totals after it:

  {"ok": false, "exitCode": 4, "results": [
    {"graph": "movies", "jobId": "a1", "outcome": "cancelled",
     "httpStatus": 200, "errorCode": null, "errorMessage": null,
     "attempts": 1},
    {"graph": "movies", "jobId": "a2", "outcome": "failed",
     "httpStatus": 400, "errorCode": "GES.8303",
     "errorMessage": "can not find job to cancel, id is a2", "attempts": 1}
  ]}

"outcome" is one of:

  cancelled
  already-finished  the job had ended (--ignore-finished, or --all)
  failed
  skipped           --all: the list marks the job canStop: false; not sent
  dry-run           --dry-run: "request" shows what would be sent
  unknown           interrupted while its request was in flight
  not-sent          interrupted before its request was sent

"httpStatus" is null when no HTTP answer arrived; "attempts" counts tries,
retries included; "jobStatus" (--ignore-finished, --wait) is the job's
status when last seen, null when GES no longer knows it; "stopped" (--wait)
says whether the job was seen gone or ended before the wait ran out;
"note" appears when a retried cancel answered GES.8303 after an earlier
attempt went unanswered: that attempt may have cancelled the job.
"stoppedBy" (top level) says what stopped the run: interrupted,
terminated (SIGTERM), hung up (SIGHUP) or stopped by --max-time.

job cancel --all --all-graphs adds "graphs" (also on the --jsonl summary
line): each graph of the project with its "state", "stateWords",
"skipped" (not running), "jobs" (in the chosen states; null when its list
was not read), "counts" and "error" (null, or why it was not reached).

job status, job list and job wait:

  {"ok": true, "exitCode": 0, "graph": "movies", "jobId": "a1",
   "status": "success", "result": null, "data": {...}, "attempts": 1}
  {"ok": true, "exitCode": 0, "graph": "movies", "totalCount": 2,
   "jobs": [{"jobId": "a1", "status": "running",
             "command": "execute-algorithm", "canStop": true, ...}]}
  {"ok": false, "exitCode": 1, "results": [
    {"graph": "movies", "jobId": "a1", "outcome": "success",
     "status": "success"}, ...]}

A failure of the command as a whole (for job cancel: before any job was
tried) is one document with "error":

  {"ok": false, "exitCode": 2,
   "error": {"kind": "usage", "message": "invalid job ID ..."}}

"kind" is one of usage, config, http, network (no answer), response (an
answer that is not understood), timeout (a wait ran out), job-failed,
interrupted, internal. An HTTP failure adds "httpStatus", "errorCode",
"errorMessage" and "attempts".

  ges job list movies --json | jq -r '.jobs[].jobId'
  ges job cancel movies a1 a2 --json | jq -r '.results[] | .outcome'
`;
