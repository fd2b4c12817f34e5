// The ownership abandon of a receiver the SDK closed (CloseReason.Shutdown while
// running) against a real BlobCheckpointStore on Azurite: the ownership is emptied
// with its ETag, so another replica's ordinary claim succeeds at once.
import { randomUUID } from "node:crypto";
import { CloseReason, type PartitionContext, type SubscriptionEventHandlers } from "@azure/event-hubs";
import { BlobCheckpointStore } from "@azure/eventhubs-checkpointstore-blob";
import { ContainerClient } from "@azure/storage-blob";
import { afterEach, describe, expect, inject, it } from "vitest";
import { sourceUnderTest } from "./source-under-test.ts";


const containers: ContainerClient[] = [];
afterEach(async () => {
  for (const c of containers.splice(0)) await c.deleteIfExists();
});

describe("EventHubSource on a real checkpoint store", () => {
  it("abandons this replica's ownership of a partition whose receiver the SDK shut down, and another replica claims it", async () => {
    const container = new ContainerClient(inject("blobConnectionString"), `own-${randomUUID()}`);
    containers.push(container);
    await container.create();
    const store = new BlobCheckpointStore(container);
    const where = { fullyQualifiedNamespace: "ns.example", eventHubName: "audit", consumerGroup: "$default" };
    const claimedByA = await store.claimOwnership([{ ...where, partitionId: "0", ownerId: "replica-a" }]);
    expect(claimedByA).toHaveLength(1);

    let handlers: SubscriptionEventHandlers | undefined;
    const consumer = {
      identifier: "replica-a",
      getPartitionIds: async () => ["0"],
      subscribe: (h: SubscriptionEventHandlers) => {
        handlers = h;
        return { isRunning: true, close: async () => {} };
      },
      close: async () => {},
    };
    const closed: string[] = [];
    const pipeline = { open: () => {}, close: async (id: string, why: string) => void closed.push(`${id} ${why}`) };
    const { source } = sourceUnderTest({ consumer, checkpointStore: store }, pipeline);
    await source.start();
    await handlers!.processClose!(CloseReason.Shutdown, { ...where, partitionId: "0" } as unknown as PartitionContext);

    expect(closed).toEqual(["0 shutdown"]);
    const [after] = await store.listOwnership(where.fullyQualifiedNamespace, where.eventHubName, where.consumerGroup);
    expect(after).toMatchObject({ partitionId: "0", ownerId: "" });
    // A stale ETag (replica A's claim) no longer wins; the current one does, as the SDK's load balancer uses it.
    expect(await store.claimOwnership([{ ...claimedByA[0]!, ownerId: "replica-a" }])).toHaveLength(0);
    expect(await store.claimOwnership([{ ...after!, ownerId: "replica-b" }])).toHaveLength(1);
    await source.stop(Date.now() + 1000);
  });
});
