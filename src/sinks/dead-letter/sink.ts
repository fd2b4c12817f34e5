// DeadLetterSink: records that could not be decoded or enriched, with their raw
// bytes (base64), reason code and source position, as NDJSON objects under their
// own prefix. It reuses the blob sink's object writer, so dead letters get the
// same data-derived names and the same replay idempotence (delivery.md rule 5:
// a poison record counts as acknowledged once this write is committed).
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { DeadLetter } from "../../transforms/route/route.ts";
import type { ContainerClientLike } from "../blob/container.ts";
import { BlobSink } from "../blob/sink.ts";
import type { BackoffOptions } from "../retry.ts";
import type { OutputRecord, Sink } from "../sink.ts";

export interface DeadLetterSinkOptions {
  readonly container: ContainerClientLike;
  /** Default "deadletter". */
  readonly prefix?: string;
  readonly registry: Registry;
  readonly logger?: Logger;
  /** Dead letters are rare: flush them sooner than enriched output. Default 5 s. */
  readonly maxObjectAgeMs?: number;
  readonly maxObjectBytes?: number;
  readonly maxBufferedBytes?: number;
  readonly backoff?: BackoffOptions;
  readonly createContainer?: boolean;
}

/** One dead-letter line (what a reader of the dead-letter objects parses). */
export interface DeadLetterLine {
  readonly reason: string;
  readonly partitionId: string;
  readonly sequenceNumber: number;
  readonly offset: string;
  readonly enqueuedTimeUtc: string;
  readonly recordIndex: number;
  readonly rawBytes: number;
  /** The offending bytes exactly as received, base64. */
  readonly raw: string;
}

export function deadLetterLine(letter: DeadLetter): Uint8Array {
  const line: DeadLetterLine = {
    reason: letter.reason,
    partitionId: letter.position.partitionId,
    sequenceNumber: letter.position.sequenceNumber,
    offset: letter.position.offset,
    enqueuedTimeUtc: letter.position.enqueuedTimeUtc.toISOString(),
    recordIndex: letter.recordIndex,
    rawBytes: letter.raw.length,
    raw: Buffer.from(letter.raw.buffer, letter.raw.byteOffset, letter.raw.byteLength).toString("base64"),
  };
  return Buffer.from(JSON.stringify(line));
}

export class DeadLetterSink implements Sink<DeadLetter> {
  readonly name = "dead-letter" as const;
  readonly #objects: BlobSink;

  constructor(options: DeadLetterSinkOptions) {
    this.#objects = new BlobSink({
      container: options.container,
      prefix: options.prefix ?? "deadletter",
      registry: options.registry,
      ...(options.logger ? { logger: options.logger } : {}),
      name: "dead-letter",
      maxObjectAgeMs: options.maxObjectAgeMs ?? 5_000,
      ...(options.maxObjectBytes ? { maxObjectBytes: options.maxObjectBytes } : {}),
      maxBufferedBytes: options.maxBufferedBytes ?? 32 * 1024 * 1024,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.createContainer ? { createContainer: options.createContainer } : {}),
    });
  }

  start(): Promise<void> {
    return this.#objects.start();
  }

  write(letters: readonly DeadLetter[]): Promise<void> {
    const records: OutputRecord[] = letters.map((letter) => ({
      position: letter.position,
      recordIndex: letter.recordIndex,
      line: deadLetterLine(letter),
    }));
    return this.#objects.write(records);
  }

  flush(partitionId?: string): Promise<void> {
    return this.#objects.flush(partitionId);
  }

  stop(deadline: number): Promise<void> {
    return this.#objects.stop(deadline);
  }

  healthy(): boolean {
    return this.#objects.healthy();
  }
}
