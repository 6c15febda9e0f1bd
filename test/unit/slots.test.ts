import { describe, expect, it } from 'vitest';
import { Slots } from '../../src/core/http/slots.js';

describe('Slots: requests on the wire, the rest waiting in order', () => {
  it('gives free slots at once, then one to each waiter in turn as slots come back', async () => {
    const slots = new Slots(1);
    expect(slots.take([])).toBeUndefined();
    const order: string[] = [];
    const a = slots.take([])!.then(() => order.push('a'));
    const b = slots.take([])!.then(() => order.push('b'));
    slots.release();
    await a;
    expect(order).toEqual(['a']);
    slots.release();
    await b;
    expect(order).toEqual(['a', 'b']);
  });

  it('a waiter whose signal aborts leaves with the reason; the next is served', async () => {
    const slots = new Slots(1);
    slots.take([]);
    const stop = new AbortController();
    const gone = slots.take([undefined, stop.signal])!;
    const next = slots.take([])!;
    stop.abort('SIGINT');
    await expect(gone).rejects.toBe('SIGINT');
    slots.release();
    await expect(next).resolves.toBeUndefined();
  });
});
