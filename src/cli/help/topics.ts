import { auth } from './auth.js';
import { config } from './config.js';
import { editions } from './editions.js';
import { emulator } from './emulator.js';
import { environment } from './environment.js';
import { exitCodes } from './exit-codes.js';
import { json } from './json.js';

/**
 * A help topic: reference text written once, shown by `ges help <name>` and rendered as a
 * section of the man page. Plain text within 80 columns: a paragraph starts at the margin, a
 * line indented by two spaces or more is shown as it is (tables, examples).
 */
export interface Topic {
  /** As typed after `ges help`. */
  name: string;
  /** A heading: the man page's section title. */
  title: string;
  /** One line for the topic list. */
  summary: string;
  text: string;
}

/** In the order `ges help` lists them. */
export const TOPICS: readonly Topic[] = [
  exitCodes,
  json,
  config,
  environment,
  auth,
  editions,
  emulator,
];

export function topicNamed(name: string): Topic | undefined {
  return TOPICS.find((t) => t.name === name);
}

/** A topic as `ges help <name>` prints it. */
export function topicText(topic: Topic): string {
  return `${topic.title}\n\n${topic.text.trim()}\n`;
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
