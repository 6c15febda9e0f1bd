import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, UsageError } from '../errors.js';

/**
 * Reads an extra CA file (PEM), relative to `cwd`. An unreadable or non-PEM file is a usage
 * error when a flag named it, a config error when a profile did.
 */
export function readCaFile(file: string, source: string, cwd: string): string {
  const fail = (why: string): never => {
    const message = `cannot use CA file ${file} (from ${source}): ${why}`;
    throw source.startsWith('flag') ? new UsageError(message) : new ConfigError(message);
  };
  let pem = '';
  try {
    pem = readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    fail((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) fail('no PEM certificate in it');
  return pem;
}
