import { PassThrough, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COALESCE_MS, Writer } from '../../src/cli/writer.js';

/** A stream that records each write it is given, in order, with its name. */
function recorder(name: string, log: string[]): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      log.push(`${name}:${chunk}`);
      done();
    },
  });
}

describe('Writer: at once when idle, coalesced under load', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('the first line leaves at once; lines that follow within the window leave together', () => {
    const log: string[] = [];
    const out = recorder('out', log);
    const writer = new Writer();
    writer.write(out, 'a\n');
    expect(log).toEqual(['out:a\n']);
    for (const line of ['b\n', 'c\n', 'd\n']) writer.write(out, line);
    expect(log).toHaveLength(1);
    vi.advanceTimersByTime(COALESCE_MS);
    expect(log).toEqual(['out:a\n', 'out:b\nc\nd\n']);
    // Idle again: the next line leaves at once.
    vi.advanceTimersByTime(COALESCE_MS);
    writer.write(out, 'e\n');
    expect(log.at(-1)).toBe('out:e\n');
  });

  it('a clock set back holds nothing longer than the window', () => {
    const log: string[] = [];
    const out = recorder('out', log);
    const writer = new Writer();
    writer.write(out, 'a\n');
    vi.setSystemTime(Date.now() - 3_600_000); // the clock goes back an hour
    writer.write(out, 'b\n');
    expect(log).toEqual(['out:a\n', 'out:b\n']);
  });

  it('keeps the order of stdout and stderr lines', () => {
    const log: string[] = [];
    const [out, err] = [recorder('out', log), recorder('err', log)];
    const writer = new Writer();
    writer.write(out, '1\n');
    writer.write(out, '2\n');
    writer.write(err, 'x\n');
    writer.write(out, '3\n');
    writer.flush();
    expect(log).toEqual(['out:1\n', 'out:2\n', 'err:x\n', 'out:3\n']);
  });

  it('hold() and release(): everything in between leaves in one write per stream', () => {
    const log: string[] = [];
    const out = recorder('out', log);
    const writer = new Writer();
    writer.hold();
    for (let i = 0; i < 1000; i++) writer.write(out, `${i}\n`);
    expect(log).toEqual([]);
    writer.release();
    expect(log).toHaveLength(1);
  });

  it('ready() waits for a stream that asked for a pause, until it drains', async () => {
    const out = new PassThrough({ highWaterMark: 4 });
    const writer = new Writer();
    writer.write(out, 'more than four\n');
    const ready = writer.ready();
    expect(ready).toBeInstanceOf(Promise);
    let resolved = false;
    void ready!.then(() => (resolved = true));
    await Promise.resolve();
    expect(resolved).toBe(false);
    out.read();
    await ready;
    expect(writer.ready()).toBeUndefined();
  });
});
