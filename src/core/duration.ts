import { UsageError } from './errors.js';

/**
 * Durations as people write them: `250ms`, `5s`, `10m`, `1h30m`, `1.5s`. Units from the
 * largest down, each at most once; numbers are decimal (no sign, exponent or hex). A plain
 * number keeps the unit its option always had (`plainUnit`), so `--timeout 30` stays 30 s
 * and the emulator's `--pending-ms 200` stays 200 ms.
 */
export type DurationUnit = 'ms' | 's';

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
const ORDER = ['h', 'm', 's', 'ms'] as const;
const NUMBER = /^\d+(\.\d+)?$/;
const PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;

/** Milliseconds, or undefined when `text` is not a duration. */
export function parseDuration(text: string, plainUnit: DurationUnit): number | undefined {
  const trimmed = text.trim();
  if (NUMBER.test(trimmed)) return Number(trimmed) * UNIT_MS[plainUnit];
  if (trimmed === '') return undefined;
  let total = 0;
  let last = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < trimmed.length) {
    const match = PART.exec(trimmed);
    if (!match) return undefined;
    const rank = ORDER.indexOf(match[2] as (typeof ORDER)[number]);
    if (rank <= last) return undefined;
    last = rank;
    total += Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  }
  return Math.round(total * 1000) / 1000;
}

/** `90000` -> `1m30s`, `250` -> `250ms`, `1500` -> `1.5s`: how messages show a duration. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms * 1000) / 1000}ms`;
  if (ms < 60_000) return `${Math.round(ms) / 1000}s`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.round((ms % 60_000) / 100) / 10;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}` || '0s';
}

export interface DurationRule {
  plainUnit: DurationUnit;
  /** Bounds in milliseconds. */
  min: number;
  max: number;
}

/** A duration option (a flag, an emulator setting) in ms; a UsageError names the forms. */
export function parseDurationOption(
  name: string,
  value: string | number,
  rule: DurationRule,
): number {
  const ms =
    typeof value === 'number'
      ? value * UNIT_MS[rule.plainUnit]
      : parseDuration(value, rule.plainUnit);
  if (ms === undefined || !Number.isFinite(ms) || ms < rule.min || ms > rule.max) {
    const plain = rule.plainUnit === 's' ? 'seconds' : 'milliseconds';
    throw new UsageError(
      `invalid value ${JSON.stringify(String(value))} for ${name}: expected a duration from ` +
        `${formatDuration(rule.min)} to ${formatDuration(rule.max)}, such as 250ms, 5s, 10m ` +
        `or 1h30m (a plain number is ${plain})`,
    );
  }
  return ms;
}
