// Alert destinations against the real local broker and real Azurite.
import { randomUUID } from "node:crypto";
import { EventHubConsumerClient, EventHubProducerClient, type ReceivedEventData, earliestEventPosition } from "@azure/event-hubs";
import { Registry } from "prom-client";
import { afterEach, describe, expect, inject, it } from "vitest";
import { BrokerControlClient } from "../../../src/local/broker-control-client.ts";
import { testRetryOptions } from "../../../src/local/test-timings.ts";
import type { Alert } from "../../../src/sinks/alerts/alert.ts";
import { BlobAlertDestination } from "../../../src/sinks/alerts/blob-destination.ts";
import { EventHubAlertDestination } from "../../../src/sinks/alerts/hub-destination.ts";
import { AlertsSink } from "../../../src/sinks/alerts/sink.ts";
import { openContainer } from "../../../src/sinks/blob/container.ts";
import { alertRecord } from "./records.ts";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

const source = { namespace: "ns.example", hub: "audit" };

describe("alert destinations on the local services", () => {
  it("event hub: alerts arrive as JSON events with messageId = alert id", async () => {
    const hub = `alerts-${randomUUID().slice(0, 8)}`;
    await new BrokerControlClient(inject("brokerControlUrl")).createHub(hub, 2);
    const connectionString = `${inject("eventHubsConnectionString")};EntityPath=${hub}`;
    const sink = new AlertsSink({
      destination: new EventHubAlertDestination(new EventHubProducerClient(connectionString, { retryOptions: testRetryOptions })),
      source,
      registry: new Registry(),
      maxDelayMs: 10,
    });
    cleanups.push(() => sink.stop(Date.now() + 5_000));
    await Promise.all([1, 2, 3].map((s) => sink.write([alertRecord(s)])));
    await sink.write([alertRecord(4, { recognized: false, sensitivity: "low", activity: "Unknown op" })]);
    await sink.stop(Date.now() + 5_000); // closes the window: the summary goes out too

    const consumer = new EventHubConsumerClient("$Default", connectionString, { retryOptions: testRetryOptions });
    cleanups.push(() => consumer.close());
    const received: ReceivedEventData[] = [];
    const subscription = consumer.subscribe(
      { processEvents: async (events) => void received.push(...events), processError: async () => {} },
      { startPosition: earliestEventPosition, maxWaitTimeInSeconds: 1 },
    );
    cleanups.push(() => subscription.close());
    const deadline = Date.now() + 20_000;
    while (received.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const alerts = received.map((e) => e.body as Alert);
    expect(received.map((e) => e.messageId)).toEqual(alerts.map((a) => a.id));
    expect(alerts.filter((a) => a.kind === "high_risk").map((a) => a.id)).toEqual([1, 2, 3].map((s) => `high_risk/ns.example/audit/1/${s}/0`));
    expect(alerts.filter((a) => a.kind === "unrecognized")).toMatchObject([{ activity: "Unknown op", count: 1 }]);
    expect(received[0]!.properties).toMatchObject({ kind: "high_risk" });
  });

  it("blob: alerts land as NDJSON under the prefix, once", async () => {
    const container = openContainer({ connectionString: inject("blobConnectionString"), containerName: `alerts-${randomUUID()}` });
    await container.create();
    const sink = new AlertsSink({ destination: new BlobAlertDestination(container, "alerts"), source, registry: new Registry(), maxDelayMs: 10 });
    cleanups.push(() => sink.stop(Date.now() + 5_000));
    await sink.write([alertRecord(9)]);
    const names: string[] = [];
    for await (const item of container.listBlobsFlat({ prefix: "alerts/" })) names.push(item.name);
    expect(names).toHaveLength(1);
    const text = (await container.getBlockBlobClient(names[0]!).downloadToBuffer()).toString();
    expect(JSON.parse(text.trim())).toMatchObject({ kind: "high_risk", id: "high_risk/ns.example/audit/1/9/0" });
  });

  it("blob: stop() delivers the open window's unrecognized-activity summaries before it returns", async () => {
    const container = openContainer({ connectionString: inject("blobConnectionString"), containerName: `alerts-${randomUUID()}` });
    await container.create();
    const sink = new AlertsSink({ destination: new BlobAlertDestination(container, "alerts"), source, registry: new Registry(), windowMs: 3_600_000 });
    cleanups.push(() => sink.stop(Date.now() + 5_000));
    await sink.start();
    await sink.write([alertRecord(1, { recognized: false, sensitivity: "medium", activity: "Mystery one" })]);
    await sink.write([alertRecord(2, { recognized: false, sensitivity: "low", activity: "Mystery two" }), alertRecord(3, { recognized: false, sensitivity: "low", activity: "Mystery two" })]);
    await sink.stop(Date.now() + 10_000);
    const summaries: Alert[] = [];
    for await (const item of container.listBlobsFlat({ prefix: "alerts/" })) {
      const text = (await container.getBlockBlobClient(item.name).downloadToBuffer()).toString();
      for (const line of text.trim().split("\n")) summaries.push(JSON.parse(line) as Alert);
    }
    expect(summaries.map((a) => [a.kind, a.kind === "unrecognized" ? a.activity : "", a.kind === "unrecognized" ? a.count : 0]).sort()).toEqual([
      ["unrecognized", "Mystery one", 1],
      ["unrecognized", "Mystery two", 2],
    ]);
  });
});
