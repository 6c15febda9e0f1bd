import type { Command } from 'commander';
import type { ActionFactory } from '../context.js';
import { examples } from './help-text.js';

/** ges doctor (loaded only when used). */
export function addDoctorCommand(program: Command, action: ActionFactory): void {
  program
    .command('doctor')
    .description(
      'check config and trust, the endpoint, TCP reach, TLS, credentials and proxy; one line each',
    )
    .argument(
      '[graph]',
      "a graph to read from (default: the profile's first graph, or the first one listed)",
    )
    .addHelpText(
      'after',
      '\nA failing check names its fix; the checks that need it are skipped. Probes give\n' +
        'up after 3 s unless --connect-timeout says otherwise.\n' +
        examples(
          'ges doctor',
          'ges doctor movies --json',
          'ges doctor -p prod --connect-timeout 10s',
        ),
    )
    .action(action(async () => (await import('../commands/doctor.js')).runDoctor));
}
