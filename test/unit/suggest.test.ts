import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/cli/help/suggest.js';

describe('editDistance', () => {
  it.each([
    ['cancel', 'cancel', 0],
    ['cancle', 'cancel', 1],
    ['cancl', 'cancel', 1],
    ['xcancel', 'cancel', 1],
    ['cencel', 'cancel', 1],
    ['', 'job', 3],
    ['status', 'list', 5],
  ])('%s -> %s: %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it('is zero only for equal words, symmetric, and at most the longer length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(d === 0).toBe(a === b);
        expect(editDistance(b, a)).toBe(d);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
      }),
    );
  });
});

describe('closest', () => {
  const commands = ['cancel', 'status', 'wait', 'list'];
  it.each([
    ['cancle', 'cancel'],
    ['stauts', 'status'],
    ['lst', 'list'],
    ['can', 'cancel'],
    ['wiat', 'wait'],
    ['exit-code', undefined],
    ['delete', undefined],
    ['x', undefined],
  ])('%s -> %s', (word, want) => {
    expect(closest(word, commands)).toBe(want);
  });

  it('offers one of the candidates or nothing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), (word) => {
        const near = closest(word, commands);
        if (near !== undefined) expect(commands).toContain(near);
      }),
    );
  });
});
