// Watches a child's log output for secrets as it streams by: a secret split
// across two chunks is still found (the tail of the previous chunk is kept).

export class SecretWatch {
  readonly #secrets: readonly string[];
  readonly #keep: number;
  #tail = "";
  lines = 0;
  readonly found = new Set<string>();

  constructor(secrets: readonly string[]) {
    this.#secrets = secrets.filter((s) => s.length >= 8);
    this.#keep = Math.max(0, ...this.#secrets.map((s) => s.length)) - 1;
  }

  feed(chunk: string): void {
    const text = this.#tail + chunk;
    for (const secret of this.#secrets) if (text.includes(secret)) this.found.add(secret);
    for (let i = chunk.indexOf("\n"); i >= 0; i = chunk.indexOf("\n", i + 1)) this.lines++;
    this.#tail = text.slice(-this.#keep);
  }
}
