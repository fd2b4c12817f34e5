// EventHubSource behind a stand-in consumer client: what it hands the pipeline
// and what it reports to readiness. The real SDK runs in test/worker/.
import type { PartitionContext, ReceivedEventData, SubscriptionEventHandlers } from "@azure/event-hubs";
import { CloseReason } from "@azure/event-hubs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { bodyBytes } from "../../src/sources/event-hubs/source.ts";
import { sourceUnderTest } from "./source-under-test.ts";


interface Ownership {
  readonly partitionId: string;
  readonly ownerId: string;
  readonly etag: string;
}

function setup() {
  let handlers: SubscriptionEventHandlers | undefined;
  const ownerships: Ownership[] = [
    { partitionId: "0", ownerId: "replica-a", etag: "e0" },
    { partitionId: "1", ownerId: "replica-b", etag: "e1" },
  ];
  const claims: Ownership[][] = [];
  const checkpointStore = {
    listOwnership: async () => ownerships,
    claimOwnership: async (requested: Ownership[]) => {
      claims.push(requested);
      return requested;
    },
  };
  const consumer = {
    identifier: "replica-a",
    getPartitionIds: async () => ["0", "1"],
    subscribe: (h: SubscriptionEventHandlers) => {
      handlers = h;
      return { isRunning: true, close: async () => {} };
    },
    close: async () => {},
  };
  const calls: string[] = [];
  let release: (() => void) | undefined;
  const pipeline = {
    open: (id: string) => calls.push(`open ${id}`),
    accept: (id: string, events: readonly unknown[]) => {
      calls.push(`handle ${id} ${events.length}`);
    },
    room: () => new Promise<void>((r) => (release = r)),
    close: async (id: string, why: string) => {
      calls.push(`close ${id} ${why}`);
    },
  };
  const { source, registry } = sourceUnderTest({ consumer, checkpointStore }, pipeline);
  const context = (partitionId: string) => ({ partitionId, lastEnqueuedEventProperties: { sequenceNumber: 9 } }) as unknown as PartitionContext;
  return { source, calls, claims, registry, handlers: () => handlers!, context, release: () => release?.() };
}

/** One turn of the event loop: the source hands a batch over on the next turn. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe("EventHubSource", () => {
  it("hands raw bytes to the pipeline and maps close reasons", async () => {
    const { source, calls, handlers, context, release } = setup();
    await source.start();
    await handlers().processInitialize!(context("0"));
    const event = { body: Buffer.from("{}"), sequenceNumber: 3, offset: "30", enqueuedTimeUtc: new Date(0) } as unknown as ReceivedEventData;
    const handled = handlers().processEvents([event], context("0"));
    await turn();
    release();
    await handled;
    await handlers().processClose!(CloseReason.OwnershipLost, context("0"));
    expect(calls).toEqual(["open 0", "handle 0 1", "close 0 ownership_lost"]);
    expect(bodyBytes("é")).toEqual(new TextEncoder().encode("é"));
    expect(bodyBytes({ a: 1 })).toEqual(new TextEncoder().encode('{"a":1}'));
  });

  it("returns from processEvents before dispatching (the next receive overlaps it), in order, and dispatches before a close", async () => {
    const { source, calls, handlers, context, release } = setup();
    await source.start();
    await handlers().processInitialize!(context("0"));
    const event = (seq: number) => ({ body: Buffer.from("{}"), sequenceNumber: seq, offset: String(seq), enqueuedTimeUtc: new Date(0) }) as unknown as ReceivedEventData;
    const first = handlers().processEvents([event(1)], context("0"));
    // Not yet dispatched when the SDK gets control back; dispatched on the next turn.
    await Promise.resolve();
    expect(calls).toEqual(["open 0"]);
    await turn();
    release();
    await first;
    const second = handlers().processEvents([event(2), event(3)], context("0"));
    const closed = handlers().processClose!(CloseReason.OwnershipLost, context("0"));
    await turn();
    release();
    await Promise.all([second, closed]);
    expect(calls).toEqual(["open 0", "handle 0 1", "handle 0 2", "close 0 ownership_lost"]);
  });

  it("a receiver closed with Shutdown while running is checkpointed, then its ownership abandoned; a real stop abandons nothing itself", async () => {
    const { source, calls, claims, handlers, context } = setup();
    await source.start();
    await handlers().processInitialize!(context("0"));
    await handlers().processClose!(CloseReason.Shutdown, context("0"));
    expect(calls).toEqual(["open 0", "close 0 shutdown"]);
    expect(claims).toEqual([[{ partitionId: "0", ownerId: "", etag: "e0" }]]);
    // Someone else's partition is never touched.
    await handlers().processClose!(CloseReason.Shutdown, context("1"));
    expect(claims).toHaveLength(1);
    // During a stop the SDK releases every ownership itself.
    await source.stop(Date.now() + 1000);
    await handlers().processClose!(CloseReason.Shutdown, context("0"));
    expect(claims).toHaveLength(1);
  });

  it("turns unready on a consumer error until the next batch, and when an owned partition goes silent", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { source, registry, handlers, context, release } = setup();
    await source.start();
    expect(source.health()).toEqual({ ok: true });
    await handlers().processInitialize!(context("1"));
    await handlers().processError(Object.assign(new Error("link detached"), { retryable: true, code: "ServiceUnavailableError" }), context("1"));
    expect(source.health()).toMatchObject({ ok: false, detail: "consumer error: ServiceUnavailableError" });
    vi.advanceTimersByTime(10);
    const batch = handlers().processEvents([], context("1"));
    await turn();
    release();
    await batch;
    expect(source.health()).toEqual({ ok: true });
    expect(await registry.metrics()).toContain('audit_enricher_source_errors_total{retryable="true"} 1');
    // The SDK calls processEvents at least every maxWait (5 s); 31 s of silence means a stuck receiver.
    vi.advanceTimersByTime(31_000);
    expect(source.health()).toMatchObject({ ok: false, detail: expect.stringContaining("partition(s) 1") });
    expect(source.liveness()).toEqual({ ok: true });
    // Ten times max wait (at least 2 min): wedged; liveness fails so Kubernetes restarts the process.
    vi.advanceTimersByTime(90_000);
    expect(source.liveness()).toMatchObject({ ok: false, detail: expect.stringContaining("receiver wedged") });
    // Waiting inside processEvents is backpressure, not silence.
    const held = handlers().processEvents([], context("1"));
    vi.advanceTimersByTime(200_000);
    expect(source.health()).toEqual({ ok: true });
    expect(source.liveness()).toEqual({ ok: true });
    await turn();
    release();
    await held;
  });
});
