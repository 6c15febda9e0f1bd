/**
 * The job IDs already seen in a run, to send each once. A Set of a million ID strings costs
 * about 100 MB; this keeps a 64-bit fingerprint of each instead, whatever the ID's length: 8
 * bytes a slot in open-addressing tables 57 % to 85 % full: 9 to 14 MiB for a million IDs.
 * The tables are 256 shards, each growing on its own and in place.
 *
 * The price: two different IDs with the same fingerprint count as one, and the second is taken
 * for a repeat. For n different IDs the odds that any two collide are about n² / 2^65: one in
 * 37 million runs of a million IDs, one in 3.7 billion runs of 100,000.
 */

const SHARDS = 256;
const MAX_LOAD = 0.85;
const FIRST_SLOTS = 16;
/**
 * Slots a shard keeps in a plain buffer, copied as it grows (a page at most). A buffer that
 * grows in place costs a page fault on its first write: paid by every shard, that was the
 * most of a batch of a thousand IDs.
 */
const PLAIN_SLOTS = 512;
/** Slots a shard grows to in place: address space set aside (a megabyte each), not memory. */
const RESERVED_SLOTS = 1 << 17;

/** An ArrayBuffer that may grow in place (ES2024; Node 20 has it, this TypeScript lib not yet). */
type GrowingBuffer = ArrayBuffer & {
  readonly resizable: boolean;
  readonly maxByteLength: number;
  resize(byteLength: number): void;
};
const GrowingBuffer = ArrayBuffer as unknown as new (
  byteLength: number,
  options?: { maxByteLength: number },
) => GrowingBuffer;

/** A shard's entries while it grows: one buffer for every shard, reused. */
let scratch = new Int32Array(0);

/**
 * Puts (a, b) in the first free slot from its home; false when it is there already. The halves
 * are kept as signed 32-bit integers, which V8 handles without allocating.
 */
function insert(slots: Int32Array, size: number, a: number, b: number): boolean {
  for (let i = (a & 0x7fffffff) % size; ; i = i + 1 === size ? 0 : i + 1) {
    const lo = slots[2 * i]!;
    const hi = slots[2 * i + 1]!;
    if (lo === 0 && hi === 0) {
      slots[2 * i] = a;
      slots[2 * i + 1] = b;
      return true;
    }
    if (lo === a && hi === b) return false;
  }
}

/**
 * One shard: open addressing with linear probing over [lo, hi] pairs; (0, 0) marks an empty
 * slot. It grows by half (so it stays 57 % to 85 % full): small, into a new plain buffer; past
 * PLAIN_SLOTS, in place, in a buffer that can grow: a large table that grew into a new buffer
 * would leave the old one to the garbage collector, which frees it late, and the set would hold
 * about three times its size.
 */
class Shard {
  private buffer = new GrowingBuffer(FIRST_SLOTS * 8);
  private slots = new Int32Array(this.buffer);
  private size = FIRST_SLOTS;
  private count = 0;

  add(a: number, b: number): boolean {
    if (!insert(this.slots, this.size, a, b)) return false;
    if (++this.count > this.size * MAX_LOAD) this.grow();
    return true;
  }

  private grow(): void {
    const used = this.size * 2;
    if (scratch.length < used) scratch = new Int32Array(Math.ceil(used * 1.5));
    scratch.set(this.slots.subarray(0, used));
    const size = Math.ceil(this.size * 1.5);
    this.makeRoom(size, used);
    this.size = size;
    for (let i = 0; i < used; i += 2) {
      if (scratch[i] !== 0 || scratch[i + 1] !== 0)
        insert(this.slots, size, scratch[i]!, scratch[i + 1]!);
    }
  }

  /** Room for `size` empty slots: in place where the buffer can grow that far, else anew. */
  private makeRoom(size: number, used: number): void {
    const bytes = size * 8;
    if (this.buffer.resizable && bytes <= this.buffer.maxByteLength) {
      this.buffer.resize(bytes);
      this.slots.fill(0, 0, used);
      return;
    }
    // Small: a plain copy. Past PLAIN_SLOTS, a reservation to grow in; past that reservation
    // (some 28 million IDs), a larger one.
    const maxByteLength = Math.max(RESERVED_SLOTS * 8, bytes * 4);
    this.buffer =
      size <= PLAIN_SLOTS ? new GrowingBuffer(bytes) : new GrowingBuffer(bytes, { maxByteLength });
    this.slots = new Int32Array(this.buffer);
  }
}

/** The job IDs seen, by fingerprint (see the top of this file). */
export class JobIdSet {
  /** Made on first use: a run of a few IDs needs a few. */
  private readonly shards: (Shard | undefined)[] = new Array(SHARDS);
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
    const a = h1 | 0;
    const b = h1 === 0 && h2 === 0 ? 1 : h2 | 0;
    // The shard from bits the slot index does not use.
    if (!(this.shards[b >>> 24] ??= new Shard()).add(a, b)) return false;
    this.count++;
    return true;
  }
}
