// A size-bounded memo for keys an attacker controls (unknown activity names,
// unknown service spellings): two generations, so hits stay cheap (no reordering)
// and memory never exceeds 2 × capacity entries.
export class BoundedMemo<V> {
  readonly capacity: number;
  #young = new Map<string, V>();
  #old = new Map<string, V>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get(key: string): V | undefined {
    const young = this.#young.get(key);
    if (young !== undefined) return young;
    const old = this.#old.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, value: V): void {
    if (this.#young.size >= this.capacity) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }
}

/** The memo kept for `owner` in `memos` (one per catalog object, say), created on first use. */
export function memoOf<K extends object, V>(memos: WeakMap<K, BoundedMemo<V>>, owner: K, capacity: number): BoundedMemo<V> {
  let memo = memos.get(owner);
  if (memo === undefined) {
    memo = new BoundedMemo(capacity);
    memos.set(owner, memo);
  }
  return memo;
}
