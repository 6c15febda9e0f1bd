#!/usr/bin/env node
/**
 * Writes the man page from the help ges prints (`ges __help-data`: every command's usage,
 * description, options and examples, and the help topics), so the terminal, the man page and
 * the topics share one text. Needs the build's dist/.
 *
 *   node .ci/man.mjs [file]      (default: dist/ges.1)
 *
 * Plain help text becomes roff thus: a paragraph that starts at the margin is filled; lines
 * indented by two spaces or more (tables, examples) are kept as they are.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Text as roff reads it literally: backslashes, hyphens (as minus), a leading dot or quote. */
function roff(text) {
  return text
    .replaceAll('\\', '\\e')
    .replaceAll('-', '\\-')
    .replace(/^([.'])/, '\\&$1');
}

/** Plain help text (paragraphs at the margin, indented blocks kept) as roff body lines. */
export function textToRoff(text) {
  const out = [];
  for (const block of text.trim().split(/\n\s*\n/)) {
    const runs = [];
    for (const line of block.split('\n')) {
      const kept = line.startsWith('  ');
      if (runs.at(-1)?.kept !== kept) runs.push({ kept, lines: [] });
      runs.at(-1).lines.push(kept ? line.slice(2) : line);
    }
    out.push('.PP');
    for (const { kept, lines } of runs) {
      if (!kept) {
        out.push(...fill(lines.join(' ')));
        continue;
      }
      // Indented as in the terminal where the page's 80 columns leave room for it.
      const indent = Math.max(...lines.map((l) => l.length)) <= 71;
      out.push(...(indent ? ['.RS 2'] : []), '.nf', ...lines.map(roff), '.fi');
      if (indent) out.push('.RE');
    }
  }
  return out;
}

/** Prose as roff input lines of at most 80 bytes (roff fills them again). */
function fill(text) {
  const lines = [];
  // A list with no spaces (a,b,c) may break after its commas, as in the terminal's help.
  const words = text.split(/ +/).map((w) => (w.length > 40 ? w.replaceAll(',', ', ') : w));
  for (const word of roff(words.join(' ')).split(/ +/)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= 80) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines.map((line) => line.replace(/^([.'])/, '\\&$1'));
}

function command(c) {
  const lines = [`.SS "${roff(c.usage).replaceAll('"', '\\(dq')}"`, ...fill(c.description)];
  // -h, --help is in every command: told once, with the global options.
  const options = c.options.filter((o) => o.term !== '-h, --help');
  for (const [heading, items] of [
    ['Arguments', c.arguments],
    ['Options', options],
  ]) {
    if (!items.length) continue;
    lines.push('.PP', `${heading}:`);
    for (const item of items)
      lines.push('.TP', `\\fB${roff(item.term)}\\fR`, ...fill(item.description));
  }
  if (c.after.trim()) lines.push(...textToRoff(c.after));
  return lines;
}

/** The whole page: NAME, SYNOPSIS, DESCRIPTION, the commands, the global options, the topics. */
export function renderMan({ commands, topics }, version, date) {
  const [top, ...rest] = commands;
  const leaves = rest.filter((c) => !rest.some((o) => o.path.startsWith(`${c.path} `)));
  const page = [
    `.TH GES 1 ${date} "ges-cli ${version}" "User Commands"`,
    // Left-aligned and unhyphenated: option names and paths must read as typed.
    '.ad l',
    '.nh',
    '.SH NAME',
    `ges \\- ${roff(top.description)}`,
    '.SH SYNOPSIS',
    ...leaves.flatMap((c) => ['.nf', roff(c.usage), '.fi']),
    '.SH DESCRIPTION',
    ...textToRoff(
      `${top.description}.\n\n` +
        'Each command below is shown as its --help shows it; the sections after them are the ' +
        'help topics, also shown by ges help <topic>.',
    ),
    '.SH COMMANDS',
    ...rest.flatMap(command),
    '.SH "GLOBAL OPTIONS"',
    'Every command takes these, before or after its name.',
    ...top.options.flatMap((o) => ['.TP', `\\fB${roff(o.term)}\\fR`, ...fill(o.description)]),
    ...textToRoff(top.after),
    ...topics.flatMap((t) => [`.SH "${roff(t.title.toUpperCase())}"`, ...textToRoff(t.text)]),
  ];
  // A section starts a paragraph of its own.
  const lines = page.filter((line, i) => !(line === '.PP' && page[i - 1]?.startsWith('.SH')));
  return `${lines.join('\n')}\n`;
}

/** The build's date, or SOURCE_DATE_EPOCH's for a reproducible page. */
function today() {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  return new Date(Number.isFinite(epoch) && epoch > 0 ? epoch * 1000 : Date.now())
    .toISOString()
    .slice(0, 10);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const data = JSON.parse(
    execFileSync(process.execPath, [path.join(root, 'bin/ges.cjs'), '__help-data'], {
      encoding: 'utf8',
    }),
  );
  writeFileSync(
    process.argv[2] ?? path.join(root, 'dist/ges.1'),
    renderMan(data, version, today()),
  );
}
