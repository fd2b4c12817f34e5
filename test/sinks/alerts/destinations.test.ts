import { describe, expect, it } from "vitest";
import { highRiskAlert } from "../../../src/sinks/alerts/alert.ts";
import { BlobAlertDestination, alertObjectName } from "../../../src/sinks/alerts/blob-destination.ts";
import { EventHubAlertDestination } from "../../../src/sinks/alerts/hub-destination.ts";
import { FakeProducer } from "../event-hub/fake-producer.ts";
import { FakeContainer } from "../fakes.ts";
import { alertRecord } from "./records.ts";

const source = { namespace: "ns.example", hub: "audit" };
const alerts = [highRiskAlert(source, alertRecord(1)), highRiskAlert(source, alertRecord(2))];

describe("alert destinations", () => {
  it("event hub: one event per alert, messageId = alert id, kind in properties, split across batches", async () => {
    const producer = new FakeProducer();
    producer.maxBatchBytes = Buffer.byteLength(JSON.stringify(alerts[0])) + 10;
    await new EventHubAlertDestination(producer).deliver(alerts, new AbortController().signal);
    expect(producer.sent).toHaveLength(2);
    const events = producer.sent.flatMap((b) => b.events);
    expect(events.map((e) => e.messageId)).toEqual(alerts.map((a) => a.id));
    expect(events[0]!.properties).toEqual({ kind: "high_risk" });
    expect(JSON.parse(Buffer.from(events[0]!.body).toString())).toEqual(alerts[0]);
  });

  it("blob: one NDJSON object named from the alerts; delivering the same batch again writes nothing new", async () => {
    const container = new FakeContainer();
    const destination = new BlobAlertDestination(container, "alerts");
    await destination.deliver(alerts, new AbortController().signal);
    await destination.deliver(alerts, new AbortController().signal);
    expect([...container.blobs.keys()]).toEqual([alertObjectName("alerts", alerts)]);
    expect(alertObjectName("alerts", alerts)).toMatch(/^alerts\/2026\/11\/25\/20\/[0-9a-f]{32}\.ndjson$/);
    const body = container.blobs.get(alertObjectName("alerts", alerts))!.body.toString();
    expect(body.trim().split("\n").map((l) => JSON.parse(l).id)).toEqual(alerts.map((a) => a.id));
  });

  it("blob: classifies storage outages as retryable and refusals as permanent", () => {
    const destination = new BlobAlertDestination(new FakeContainer());
    expect(destination.isRetryable(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(destination.isRetryable(Object.assign(new Error("x"), { statusCode: 503 }))).toBe(true);
    expect(destination.isRetryable(Object.assign(new Error("x"), { statusCode: 403 }))).toBe(false);
  });
});
