/**
 * The job IDs already seen in a run, to send each once. A Set of a million ID strings costs
 * about 100 MB; this keeps a 64-bit fingerprint of each instead, whatever the ID's length: 8
 * bytes a slot in open-addressing tables 57 % to 85 % full: 9 to 14 MiB for a million IDs.
 * The tables are 256 shards, each growing on its own, so a growth copies 1/256 of the whole
 * rather than holding two whole tables at once.
 *
 * The price: two different IDs with the same fingerprint count as one, and the second is taken
 * for a repeat. For n different IDs the odds that any two collide are about n² / 2^65: one in
 * 37 million runs of a million IDs, one in 3.7 billion runs of 100,000.
 */

const SHARDS = 256;
const MAX_LOAD = 0.85;

/**
 * One shard: open addressing with linear probing; (0, 0) marks an empty slot. It grows by half
 * (not doubling), so it stays between 57 % and 85 % full.
 */
class Shard {
  lo = new Uint32Array(16);
  hi = new Uint32Array(16);
  count = 0;

  add(a: number, b: number): boolean {
    if (!this.insert(a, b)) return false;
    if (++this.count > this.lo.length * MAX_LOAD) this.grow();
    return true;
  }

  private insert(a: number, b: number): boolean {
    const size = this.lo.length;
    for (let i = a % size; ; i = i + 1 === size ? 0 : i + 1) {
      const lo = this.lo[i]!;
      const hi = this.hi[i]!;
      if (lo === 0 && hi === 0) {
        this.lo[i] = a;
        this.hi[i] = b;
        return true;
      }
      if (lo === a && hi === b) return false;
    }
  }

  private grow(): void {
    const { lo, hi } = this;
    const size = Math.ceil(lo.length * 1.5);
    this.lo = new Uint32Array(size);
    this.hi = new Uint32Array(size);
    for (let i = 0; i < lo.length; i++) {
      if (lo[i] !== 0 || hi[i] !== 0) this.insert(lo[i]!, hi[i]!);
    }
  }
}

export class JobIdSet {
  private readonly shards = Array.from({ length: SHARDS }, () => new Shard());
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds the ID; false when it (or, rarely, an ID with the same fingerprint) was already in. */
  add(id: string): boolean {
    // A 64-bit fingerprint in two halves: cyrb53's mixing over two lanes, all 64 bits kept.
    // Job IDs are ASCII, so char codes are bytes.
    let h1 = 0xdeadbeef;
    let h2 = 0x41c6ce57;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    const a = h1 >>> 0;
    const b = h1 === 0 && h2 === 0 ? 1 : h2 >>> 0;
    // The shard from bits the slot index does not use.
    if (!this.shards[b >>> 24]!.add(a, b)) return false;
    this.count++;
    return true;
  }
}
