// One lifecycle contract for every sink: start, write, flush, an idempotent
// deadline-bound stop that flushes, and refusal of writes after stop.
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { Alert } from "../../src/sinks/alerts/alert.ts";
import type { AlertDestination } from "../../src/sinks/alerts/destination.ts";
import { AlertsSink } from "../../src/sinks/alerts/sink.ts";
import { BlobSink } from "../../src/sinks/blob/sink.ts";
import { DeadLetterSink } from "../../src/sinks/dead-letter/sink.ts";
import { EventHubSink } from "../../src/sinks/event-hub/sink.ts";
import type { Sink } from "../../src/sinks/sink.ts";
import { alertRecord } from "./alerts/records.ts";
import { FakeProducer } from "./event-hub/fake-producer.ts";
import { FakeContainer, settledSoon } from "./fakes.ts";

class CountingDestination implements AlertDestination {
  readonly kind = "blob" as const;
  delivered = 0;
  async deliver(alerts: readonly Alert[]): Promise<void> {
    this.delivered += alerts.length;
  }
  isRetryable(): boolean {
    return true;
  }
  async close(): Promise<void> {}
}

interface Case {
  readonly name: string;
  make(): { sink: Sink<never>; input: (seq: number) => unknown[]; written: () => number };
}

const slow = { maxObjectAgeMs: 60_000 };
const cases: Case[] = [
  {
    name: "blob",
    make() {
      const container = new FakeContainer();
      const sink = new BlobSink({ container, prefix: "p", registry: new Registry(), ...slow });
      return { sink: sink as Sink<never>, input: (s) => [alertRecord(s)], written: () => container.lines().length };
    },
  },
  {
    name: "dead-letter",
    make() {
      const container = new FakeContainer();
      const sink = new DeadLetterSink({ container, registry: new Registry(), ...slow });
      const position = (s: number) => ({ partitionId: "0", sequenceNumber: s, offset: String(s), enqueuedTimeUtc: new Date() });
      return {
        sink: sink as Sink<never>,
        input: (s) => [{ position: position(s), recordIndex: 0, reason: "invalid_json", raw: Buffer.from("{") }],
        written: () => container.lines().length,
      };
    },
  },
  {
    name: "event-hub",
    make() {
      const producer = new FakeProducer();
      const sink = new EventHubSink({ producer, source: { namespace: "n", hub: "h" }, registry: new Registry(), maxDelayMs: 60_000 });
      return { sink: sink as Sink<never>, input: (s) => [alertRecord(s)], written: () => producer.sent.flatMap((b) => b.events).length };
    },
  },
  {
    name: "alerts",
    make() {
      const destination = new CountingDestination();
      const sink = new AlertsSink({ destination, source: { namespace: "n", hub: "h" }, registry: new Registry(), maxDelayMs: 60_000 });
      return { sink: sink as Sink<never>, input: (s) => [alertRecord(s)], written: () => destination.delivered };
    },
  },
];

describe.each(cases)("$name sink lifecycle", ({ make }) => {
  it("holds writes until flushed or stopped; stop flushes, is idempotent, and refuses later writes", async () => {
    const { sink, input, written } = make();
    await sink.start();
    expect(sink.healthy()).toBe(true);
    const first = sink.write(input(1) as never[]);
    expect(await settledSoon(first)).toBe(false);
    await sink.flush();
    await first;
    expect(written()).toBe(1);
    const second = sink.write(input(2) as never[]);
    const stopping = sink.stop(Date.now() + 2_000);
    expect(sink.stop(Date.now())).toBe(stopping);
    await stopping;
    await second;
    expect(written()).toBe(2);
    await expect(sink.write(input(3) as never[])).rejects.toMatchObject({ code: "sink_stopped" });
  });
});
