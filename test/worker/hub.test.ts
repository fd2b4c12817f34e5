// Output to blob AND an Event Hub, alerts to a hub: read both hubs back with the
// real consumer and compare with what went into blob storage.
import { EventHubConsumerClient, earliestEventPosition, type ReceivedEventData } from "@azure/event-hubs";
import { afterEach, describe, expect, it } from "vitest";
import { testRetryOptions } from "../../src/local/test-timings.ts";
import { createHub, publish, readCheckpoints, readObjects, type TestHub, uniqueName, Workers, waitUntil, workerEnv } from "./harness.ts";
import { shapeMessages } from "./shapes.ts";

const workers = new Workers();
afterEach(() => workers.killAll());

async function readHub(hub: TestHub, expected: number, timeoutMs = 20_000): Promise<ReceivedEventData[]> {
  const client = new EventHubConsumerClient("$Default", hub.connectionString, { retryOptions: testRetryOptions });
  const events: ReceivedEventData[] = [];
  const subscription = client.subscribe(
    {
      processEvents: async (batch) => {
        events.push(...batch);
      },
      processError: async () => {},
    },
    { startPosition: earliestEventPosition, maxWaitTimeInSeconds: 1, skipParsingBodyAsJson: true },
  );
  try {
    await waitUntil(() => events.length >= expected, timeoutMs, `${expected} events on ${hub.hub}`);
    await new Promise((r) => setTimeout(r, 500)); // anything beyond the expected count is a duplicate
  } finally {
    await subscription.close();
    await client.close();
  }
  return events;
}

describe("worker: Event Hub output and alerts", () => {
  it("sends every record to the output hub with a stable messageId and enrichment properties, in step with blob; alerts reach the alert hub", async () => {
    const input = await createHub(2);
    const output = await createHub(2);
    const alertHub = await createHub(1);
    const container = uniqueName("hub");
    const messages = shapeMessages("hub");
    await publish(input, messages.map((m) => m.body), "1");
    const worker = workers.start(
      workerEnv(input, container, {
        AUDIT_ENRICHER_OUTPUT: "both",
        AUDIT_ENRICHER_OUTPUT_EVENTHUB_CONNECTION_STRING: output.connectionString,
        AUDIT_ENRICHER_ALERT_DESTINATION: "hub",
        AUDIT_ENRICHER_ALERT_EVENTHUB_CONNECTION_STRING: alertHub.connectionString,
        AUDIT_ENRICHER_ALERT_WINDOW_SECONDS: "1",
      }),
    );
    await worker.healthPort();
    await waitUntil(async () => (await readCheckpoints(container, input.hub)).get("1") === messages.length - 1, 30_000, "checkpoint at the last event");
    // Two high-risk records (role grant, admin password reset), one unrecognized name (aggregated).
    const alerts = (
      await readHub(alertHub, 3).catch((error: Error) => {
        throw new Error(`${error.message}\n${worker.tail(30)}`);
      })
    ).map((e) => JSON.parse(Buffer.from(e.body as Uint8Array).toString("utf8")) as { kind: string });
    expect(alerts.map((a) => a.kind).sort()).toEqual(["high_risk", "high_risk", "unrecognized"]);
    worker.kill("SIGTERM");
    expect((await worker.exited).code).toBe(0);

    const ids = messages.flatMap((m) => m.ids);
    const blobLines = (await readObjects(container, "enriched")).flatMap((o) => o.lines);
    expect(blobLines).toHaveLength(ids.length);
    const events = await readHub(output, ids.length);
    expect(events).toHaveLength(ids.length);
    const messageIds = events.map((e) => String(e.messageId));
    expect(new Set(messageIds).size).toBe(ids.length);
    for (const id of messageIds) expect(id).toMatch(new RegExp(`^127\\.0\\.0\\.1/${input.hub}/1/\\d+/\\d+$`));
    // Same bytes on both outputs, record for record.
    const hubBodies = events.map((e) => Buffer.from(e.body as Uint8Array).toString("utf8")).sort();
    expect(hubBodies).toEqual([...blobLines].sort());
    const enrichedEvent = events.find((e) => Buffer.from(e.body as Uint8Array).includes("SHAPE_hub_d1"))!;
    expect(enrichedEvent.properties).toMatchObject({ serviceArea: "Core Directory" });

  });
});
