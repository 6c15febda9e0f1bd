// Cancels every waiting, pending or running job of a graph, as `ges job cancel <graph> --all`
// does, with the settings `ges` would use: its config file, profile and environment.
//
//   node docs/examples/cancel-all.mjs <graph>
//
// Each job's result is printed as it comes; the exit code is 1 when any job failed.
import { createClient, GesError, loadProfile } from 'ges-cli';

const graph = process.argv[2];
if (!graph) {
  console.error('usage: node cancel-all.mjs <graph>');
  process.exit(2);
}

const { options, warnings } = await loadProfile();
for (const warning of warnings) console.error(`warning: ${warning}`);

// Signals are the program's to handle: Ctrl-C stops the cancels under way.
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());

const client = createClient({
  ...options,
  signal: stop.signal,
  onWarning: (message) => console.error(`warning: ${message}`),
});
let failed = 0;
try {
  for await (const result of client.cancelAll(graph, { concurrency: 8 })) {
    if (result.error) failed++;
    const why = result.error ? ` (${result.error.message})` : '';
    console.log(`${result.jobId}: ${result.outcome}${why}`);
  }
} catch (error) {
  if (!(error instanceof GesError)) throw error;
  console.error(`${error.message}${error.hint ? `\n  hint: ${error.hint}` : ''}`);
  failed++;
} finally {
  await client.close();
}
process.exitCode = failed ? 1 : 0;
