/** The exit-codes help topic (ges help exit-codes); listed in topics.ts. */
export const text = `
Every command exits with one of these codes:

  0    success: the server answered 2xx (with --ignore-finished, a job that
       had already ended counts as done)
  1    no usable answer: connection refused or reset, DNS failure, timeout,
       TLS failure, an answer that cannot be understood, a wait that ran
       out, or --max-time passed
  2    usage or configuration error: bad arguments, no endpoint, no
       credentials, an invalid or untrusted config. Nothing was sent
  3    the server answered 3xx (redirects are never followed)
  4    the server answered 4xx
  5    the server answered 5xx
  130  interrupted (Ctrl-C)
  143  terminated by SIGTERM, after the same report as Ctrl-C
  129  hung up (SIGHUP), after the same report as Ctrl-C

With several jobs the code is the first of 5, 1, 4, 3 that any job earned,
else 0; an interruption by a signal wins over all of them.

job wait exits 0 when every job ended in success or complete, 4 when one
ended otherwise or GES does not know it, and 1 when the wait ran out.

Nothing to do (- with nothing on stdin, --all with no matching job) is exit
0. With --all, a job the list showed as pending or running that answers
GES.8303 ended in between: it counts as already-finished, exit 0.

The code is the outcome's even when stdout was closed early, as in
ges job list movies | head -1.

In a script:

  ges job cancel movies "$JOB" --ignore-finished
  case $? in
    0) echo "stopped" ;;
    1) echo "no answer from GES; try again" ;;
    2) echo "fix the command or the config" ;;
    *) echo "GES refused" ;;
  esac
`;
