// What the real SDK reports for bad credentials, unknown entities and oversized events.
import { EventHubConsumerClient, EventHubProducerClient } from "@azure/event-hubs";
import { afterEach, describe, expect, inject, it } from "vitest";
import { Closer, createHub, uniqueName } from "./fixture.ts";

const closer = new Closer();
afterEach(() => closer.closeAll());
const quickRetry = { retryDelayInMs: 100, maxRetries: 1, timeoutInMs: 5000 };

describe("local broker errors seen through the SDK", () => {
  it("refuses a wrong SAS key with UnauthorizedError and a clear message", async () => {
    const { connectionString } = await createHub(1);
    const wrong = connectionString.replace(/SharedAccessKey=[^;]+/, "SharedAccessKey=not-the-key");
    const producer = closer.add(new EventHubProducerClient(wrong, { retryOptions: quickRetry }));
    const error = await producer.getEventHubProperties().then(
      () => undefined,
      (e: unknown) => e as AggregateError,
    );
    // Auth failures are retryable in the SDK, so it aggregates one error per attempt.
    expect(error).toBeInstanceOf(AggregateError);
    const errors = (error as AggregateError).errors as Array<{ code: string; message: string }>;
    expect(errors.length).toBe(2);
    for (const e of errors) {
      expect(e.code).toBe("UnauthorizedError");
      expect(e.message).toContain("invalid signature");
    }
  });

  it("refuses a wrong key name", async () => {
    const { connectionString } = await createHub(1);
    const wrong = connectionString.replace(/SharedAccessKeyName=[^;]+/, "SharedAccessKeyName=SomeoneElse");
    const producer = closer.add(new EventHubProducerClient(wrong, { retryOptions: { ...quickRetry, maxRetries: 0 } }));
    await expect(producer.getEventHubProperties()).rejects.toMatchObject({ code: "UnauthorizedError" });
  });

  it("reports an unknown hub as MessagingEntityNotFoundError for management and sends", async () => {
    const connectionString = `${inject("eventHubsConnectionString")};EntityPath=${uniqueName("missing")}`;
    const producer = closer.add(new EventHubProducerClient(connectionString, { retryOptions: quickRetry }));
    await expect(producer.getEventHubProperties()).rejects.toMatchObject({ code: "MessagingEntityNotFoundError" });
    await expect(producer.sendBatch([{ body: 1 }])).rejects.toMatchObject({ code: "MessagingEntityNotFoundError" });
  });

  it("reports an unknown consumer group as MessagingEntityNotFoundError; known groups are case-insensitive", async () => {
    const { connectionString } = await createHub(1);
    const unknown = closer.add(new EventHubConsumerClient("no-such-group", connectionString, { retryOptions: quickRetry }));
    const error = await new Promise<{ code?: string }>((resolve) => {
      const sub = unknown.subscribe("0", {
        processEvents: async () => {},
        processError: async (e) => {
          resolve(e as { code?: string });
          await sub.close();
        },
      });
    });
    expect(error.code).toBe("MessagingEntityNotFoundError");

    const producer = closer.add(new EventHubProducerClient(connectionString, { retryOptions: quickRetry }));
    await producer.sendBatch([{ body: "x" }], { partitionId: "0" });
    const lower = closer.add(new EventHubConsumerClient("$default", connectionString, { retryOptions: quickRetry }));
    const body = await new Promise<unknown>((resolve, reject) => {
      const sub = lower.subscribe(
        "0",
        {
          processEvents: async (events) => {
            if (events[0] !== undefined) {
              resolve(events[0].body);
              await sub.close();
            }
          },
          processError: async (e) => reject(e),
        },
        { startPosition: { sequenceNumber: 0, isInclusive: true }, maxWaitTimeInSeconds: 1 },
      );
    });
    expect(body).toBe("x");
  });

  it("advertises a 1 MiB max message size and refuses a larger event with MessageTooLargeError", async () => {
    const { connectionString } = await createHub(1);
    const producer = closer.add(new EventHubProducerClient(connectionString, { retryOptions: quickRetry }));
    const batch = await producer.createBatch();
    expect(batch.maxSizeInBytes).toBe(1024 * 1024);
    expect(batch.tryAdd({ body: Buffer.alloc(1100 * 1024) })).toBe(false);
    // The array form is not size-checked by the client: the broker must refuse it.
    await expect(producer.sendBatch([{ body: Buffer.alloc(1100 * 1024) }])).rejects.toMatchObject({ code: "MessageTooLargeError" });
    // A large event under the limit still goes through.
    await producer.sendBatch([{ body: Buffer.alloc(1000 * 1024, 7) }]);
    expect((await producer.getPartitionProperties("0")).lastEnqueuedSequenceNumber).toBe(0);
  });
});
