/**
 * A help topic: reference text written once, shown by `ges help <name>` and rendered as a
 * section of the man page. Its text (one module each) is plain text within 80 columns: a
 * paragraph starts at the margin, a line indented by two spaces or more is shown as it is
 * (tables, examples). It loads only when asked for.
 */
export interface Topic {
  /** As typed after `ges help`. */
  name: string;
  /** A heading: the man page's section title. */
  title: string;
  /** One line for the topic list. */
  summary: string;
  text: () => Promise<string>;
}

/** In the order `ges help` lists them. */
export const TOPICS: readonly Topic[] = [
  {
    name: 'exit-codes',
    title: 'Exit codes',
    summary: 'what each exit code means, and which one wins with several jobs',
    text: async () => (await import('./exit-codes.js')).text,
  },
  {
    name: 'json',
    title: 'JSON output',
    summary: 'the documents --json and --jsonl print, for scripts',
    text: async () => (await import('./json.js')).text,
  },
  {
    name: 'config',
    title: 'Configuration',
    summary: 'config files, profiles, precedence, trust and durations',
    text: async () => (await import('./config.js')).text,
  },
  {
    name: 'environment',
    title: 'Environment variables',
    summary: 'the environment variables ges reads',
    text: async () => (await import('./environment.js')).text,
  },
  {
    name: 'auth',
    title: 'Authentication',
    summary: 'token, password (IAM login) and access key (AK/SK) credentials',
    text: async () => (await import('./auth.js')).text,
  },
  {
    name: 'editions',
    title: 'GES editions',
    summary: 'the GES editions ges reads: their answer shapes and status words',
    text: async () => (await import('./editions.js')).text,
  },
  {
    name: 'emulator',
    title: 'The emulator',
    summary: 'the local emulator: what it serves, its control API for tests',
    text: async () => (await import('./emulator.js')).text,
  },
];

export function topicNamed(name: string): Topic | undefined {
  return TOPICS.find((t) => t.name === name);
}

/** A topic as `ges help <name>` prints it. */
export async function topicText(topic: Topic): Promise<string> {
  return `${topic.title}\n\n${(await topic.text()).trim()}\n`;
}

/** The closing block of `ges --help`: the topics, and how to ask for help. */
export function topicList(): string {
  const width = Math.max(...TOPICS.map((t) => t.name.length)) + 2;
  return [
    '',
    'Help topics (ges help <topic>):',
    ...TOPICS.map((t) => `  ${t.name.padEnd(width)}${t.summary}`),
    '',
    'ges help <command...> shows the same help as ges <command...> --help.',
  ].join('\n');
}
