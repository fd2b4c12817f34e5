// One object's body: NDJSON lines streamed through a gzip stream as they are
// appended, so the uncompressed body is never materialized. Lines are copied
// into small chunks (one zlib call per chunk rather than per line: a stream
// write costs far more than a copy), compression runs on libuv's thread pool
// while the main thread keeps copying, and the only large buffer is the
// compressed output. The result is one gzip member, like zlib.gzip() would give.
import { type Gzip, createGzip } from "node:zlib";

/** Uncompressed bytes per zlib write: large enough to amortize the call, small enough to stay transient. */
const INPUT_CHUNK_BYTES = 256 * 1024;
/** zlib's output buffer: one callback per this many compressed bytes (default 16 KiB means many more). */
const OUTPUT_CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;
/** Chunks zlib has finished reading, reused by the next bodies (fewer large allocations, less GC pressure). */
const spareChunks: Buffer[] = [];
const MAX_SPARE_CHUNKS = 8;

function takeChunk(): Buffer {
  return spareChunks.pop() ?? Buffer.allocUnsafeSlow(INPUT_CHUNK_BYTES);
}

function giveBack(chunk: Buffer): void {
  if (spareChunks.length < MAX_SPARE_CHUNKS) spareChunks.push(chunk);
}

export class GzipBody {
  readonly #gzip: Gzip;
  readonly #output: Buffer[] = [];
  readonly #finished: Promise<void>;
  #outputBytes = 0;
  #chunk = takeChunk();
  #used = 0;
  /** The stream's buffer is over its high-water mark: wait for 'drain' before feeding more. */
  #full = false;
  lines = 0;

  constructor(level: number) {
    this.#gzip = createGzip({ level, chunkSize: OUTPUT_CHUNK_BYTES });
    this.#gzip.on("data", (piece: Buffer) => {
      this.#output.push(piece);
      this.#outputBytes += piece.length;
    });
    this.#finished = new Promise<void>((resolve, reject) => {
      this.#gzip.once("end", resolve);
      this.#gzip.once("error", reject);
    });
    // The stream may fail before anyone awaits #finished; end() reports it.
    this.#finished.catch(() => undefined);
  }

  /** Appends one line and its newline. */
  append(line: Uint8Array): void {
    const needed = line.length + 1;
    if (this.#used + needed > this.#chunk.length) this.#writeChunk();
    if (needed > this.#chunk.length) {
      // A line larger than a chunk goes to zlib as it is (no copy).
      this.#write(line);
      this.#write(Buffer.of(NEWLINE));
    } else {
      this.#chunk.set(line, this.#used);
      this.#used += line.length;
      this.#chunk[this.#used++] = NEWLINE;
    }
    this.lines++;
  }

  /** Resolves when zlib has room again (keeps at most a chunk or two of copies queued). */
  drained(): Promise<void> | undefined {
    if (!this.#full) return undefined;
    const drain = new Promise<void>((resolve) => {
      this.#gzip.once("drain", () => {
        this.#full = false;
        resolve();
      });
    });
    // A failed stream never drains: its error ends the wait.
    return Promise.race([drain, this.#finished]);
  }

  /** Ends the gzip member and returns the compressed body. */
  async end(): Promise<Buffer> {
    this.#writeChunk(false);
    this.#gzip.end();
    await this.#finished;
    return this.#output.length === 1 ? this.#output[0]! : Buffer.concat(this.#output, this.#outputBytes);
  }

  /** Abandons the body (the write failed or the sink stopped). */
  destroy(): void {
    this.#gzip.destroy();
    if (this.#used > 0 || this.lines === 0) giveBack(this.#chunk);
  }

  #writeChunk(more = true): void {
    if (this.#used === 0) return;
    // zlib reads the written chunk later, on its thread: it is reused only once zlib is done with it.
    const chunk = this.#chunk;
    if (!this.#gzip.write(chunk.subarray(0, this.#used), (err) => err ?? giveBack(chunk))) this.#full = true;
    if (more) this.#chunk = takeChunk();
    this.#used = 0;
  }

  #write(bytes: Uint8Array): void {
    if (!this.#gzip.write(bytes)) this.#full = true;
  }
}
