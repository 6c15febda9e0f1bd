import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JobIdSet } from '../../src/core/ges/id-set.js';

const jobId = fc.stringMatching(/^[A-Za-z0-9_-]{1,128}$/);

describe('JobIdSet', () => {
  it('agrees with a Set on any sequence of job IDs (repeats included)', () => {
    fc.assert(
      fc.property(fc.array(jobId, { maxLength: 300 }), fc.nat(), (ids, seed) => {
        const sequence = [...ids, ...ids.filter((_, i) => (i + seed) % 3 === 0)];
        const set = new Set<string>();
        const ours = new JobIdSet();
        for (const id of sequence) expect(ours.add(id)).toBe(!set.has(id) && !!set.add(id));
        expect(ours.size).toBe(set.size);
      }),
    );
  });

  it('keeps 200,000 distinct IDs apart through its growth', () => {
    const ours = new JobIdSet();
    let refused = 0;
    for (let i = 0; i < 200_000; i++) if (!ours.add(`4448c9fb-0b16-${i}`)) refused++;
    let taken = 0;
    for (let i = 0; i < 200_000; i += 997) if (ours.add(`4448c9fb-0b16-${i}`)) taken++;
    expect([refused, taken, ours.size]).toEqual([0, 0, 200_000]);
  });
});
