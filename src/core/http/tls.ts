import path from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import { readGuarded } from '../fs-safety.js';

/** No PEM file ges reads is larger (a system's whole CA bundle is a few hundred KB). */
const PEM_LIMIT = 4 * 1024 * 1024;

/**
 * A PEM file the user named (a CA, a certificate, a key): its text, or why it cannot be used.
 * Read as configs are, whoever owns it: a regular file of at most 4 MiB (a FIFO would block).
 */
export function readPemFile(file: string): { pem: string } | { why: string } {
  let read: ReturnType<typeof readGuarded>;
  try {
    read = readGuarded(file, PEM_LIMIT, file, true);
  } catch (error) {
    return { why: (error as Error).message };
  }
  if ('missing' in read) return { why: 'no such file' };
  if ('unsafe' in read) return { why: read.unsafe };
  if ('tooLarge' in read)
    return { why: `larger than ${PEM_LIMIT / 1024 / 1024} MiB, which no PEM file is` };
  return { pem: read.bytes.toString('utf8') };
}

/**
 * Reads an extra CA file (PEM), relative to `cwd`. An unreadable or non-PEM file is a usage
 * error when a flag named it, a config error when a profile did.
 */
export function readCaFile(file: string, source: string, cwd: string): string {
  const fail = (why: string): never => {
    const message = `cannot use CA file ${file} (from ${source}): ${why}`;
    throw source.startsWith('flag') ? new UsageError(message) : new ConfigError(message);
  };
  const read = readPemFile(path.resolve(cwd, file));
  if ('why' in read) return fail(read.why);
  if (!read.pem.includes('-----BEGIN CERTIFICATE-----')) fail('no PEM certificate in it');
  return read.pem;
}
