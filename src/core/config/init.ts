import { ConfigError, UsageError } from '../errors.js';
import type { AuthType } from './schema.js';

/**
 * Writing a profile into a YAML config file by editing its text, so comments and other profiles
 * stay.
 */

export interface NewProfile {
  name: string;
  /** The graph's address, or (for a profile that finds graphs by name) a region. */
  endpoint?: string;
  region?: string;
  projectId: string;
  auth: AuthType;
  iamEndpoint?: string;
  domain?: string;
  user?: string;
}

export const PROFILE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The environment variables a new profile refers to for its secrets: never the secrets themselves.
 */
export const SECRET_REFERENCES: Record<AuthType, Record<string, string>> = {
  token: { token: '${GES_TOKEN}' },
  password: { password: '${GES_PASSWORD}' },
  aksk: { accessKey: '${HUAWEICLOUD_SDK_AK}', secretKey: '${HUAWEICLOUD_SDK_SK}' },
  none: {},
};

function quote(value: string): string {
  return /^[A-Za-z0-9_./:@${}-]+$/.test(value) && !/^[0-9]+$/.test(value)
    ? value
    : JSON.stringify(value);
}

/** The profile's lines, indented `indent` under `profiles:`. */
export function profileBlock(p: NewProfile, indent = '  '): string[] {
  const i2 = indent.repeat(2);
  const i3 = indent.repeat(3);
  const auth: Record<string, string> = { type: p.auth };
  if (p.auth === 'password')
    Object.assign(auth, {
      ...(p.iamEndpoint ? { iamEndpoint: p.iamEndpoint } : {}),
      domain: p.domain!,
      user: p.user!,
    });
  Object.assign(auth, SECRET_REFERENCES[p.auth]);
  return [
    `${indent}${p.name}:`,
    p.endpoint ? `${i2}endpoint: ${quote(p.endpoint)}` : `${i2}region: ${quote(p.region!)}`,
    `${i2}projectId: ${quote(p.projectId)}`,
    `${i2}auth:`,
    ...Object.entries(auth).map(([k, v]) => `${i3}${k}: ${quote(v)}`),
  ];
}

const indentOf = (line: string): number => line.length - line.trimStart().length;
const isContent = (line: string): boolean =>
  line.trim() !== '' && !line.trimStart().startsWith('#');

interface Section {
  /** The line of `profiles:`. */
  at: number;
  /** The line after the section: the next top-level key, or the end. */
  end: number;
  /** The indentation of its profiles (two spaces when it has none yet). */
  indent: string;
}

/** Where the `profiles:` section of a file's lines is; null when there is none. */
function profilesSection(lines: string[], file: string): Section | null {
  const at = lines.findIndex((l) => /^profiles:/.test(l));
  if (at < 0) return null;
  if (/^profiles:\s*[^\s#]/.test(lines[at]!)) {
    throw new ConfigError(
      `cannot add a profile to ${file}: ` +
        `its "profiles" is written in flow style ({...}); edit it by hand`,
    );
  }
  let end = lines.findIndex((l, i) => i > at && isContent(l) && indentOf(l) === 0);
  if (end < 0) end = lines.length;
  const firstChild = lines.slice(at + 1, end).find(isContent);
  return { at, end, indent: firstChild ? ' '.repeat(indentOf(firstChild)) : '  ' };
}

/** The line where profile `name` starts in the section, or -1. */
function profileLine(lines: string[], { at, end, indent }: Section, name: string): number {
  const key = new RegExp(`^${indent}${name.replace(/-/g, '\\-')}:\\s*(#.*)?$`);
  return lines.findIndex((l, i) => i > at && i < end && key.test(l));
}

const linesOf = (text: string): string[] => text.replace(/\r\n/g, '\n').split('\n');

/** True when a config file's text already holds profile `name` (as addProfile sees it). */
export function hasProfile(text: string, name: string, file: string): boolean {
  const lines = linesOf(text);
  const section = profilesSection(lines, file);
  return section !== null && profileLine(lines, section, name) >= 0;
}

/** The refusal to add a profile of a name the file holds already. */
export function profileExistsError(name: string, file: string): UsageError {
  return new UsageError(
    `profile ${JSON.stringify(name)} already exists in ${file}`,
    'pass --force to replace it',
  );
}

/**
 * Adds (or with `force` replaces) a profile in a config file's text; null text makes a new file.
 * Only the profile's lines are added (or replaced): every other line stays as it was, but for
 * CRLF line endings, which become LF. Throws UsageError when the profile exists and `force` is
 * off.
 */
export function addProfile(
  text: string | null,
  profile: NewProfile,
  file: string,
  force: boolean,
): string {
  if (text === null || text.trim() === '') {
    return [
      `# ges configuration: 'ges help config' lists every key`,
      `defaultProfile: ${profile.name}`,
      'profiles:',
      ...profileBlock(profile),
      '',
    ].join('\n');
  }
  const lines = linesOf(text);
  const section = profilesSection(lines, file);
  if (!section) {
    const body = text.endsWith('\n') ? text : `${text}\n`;
    return `${body}profiles:\n${profileBlock(profile).join('\n')}\n`;
  }
  const { at, end, indent } = section;
  const block = profileBlock(profile, indent);
  const existing = profileLine(lines, section, profile.name);
  if (existing >= 0) {
    if (!force) throw profileExistsError(profile.name, file);
    let stop = lines.findIndex(
      (l, i) => i > existing && isContent(l) && indentOf(l) <= indent.length,
    );
    if (stop < 0 || stop > end) stop = end;
    while (stop > existing + 1 && lines[stop - 1]!.trim() === '') stop--;
    return [...lines.slice(0, existing), ...block, ...lines.slice(stop)].join('\n');
  }
  // Before the blank lines and top-level comments that lead into the next key.
  let insert = end;
  while (
    insert > at + 1 &&
    (lines[insert - 1]!.trim() === '' || lines[insert - 1]!.startsWith('#'))
  )
    insert--;
  return [...lines.slice(0, insert), ...block, ...lines.slice(insert)].join('\n');
}
