// Pure parts of the broker: SAS token checks, start-filter parsing, the partition log's
// numbering and retention, and broker start/stop.
import { createHmac } from "node:crypto";
import { connect } from "node:net";
import rhea from "rhea";
import { describe, expect, it } from "vitest";
import { startLocalBroker } from "../../src/local/broker.ts";
import { FaultState } from "../../src/local/faults.ts";
import { PartitionLog } from "../../src/local/partition-log.ts";
import { verifySasToken } from "../../src/local/sas-token.ts";
import { parseStartFilter, resolveStart } from "../../src/local/start-filter.ts";
import { waitFor } from "./fixture.ts";

function sasToken(audience: string, keyName: string, key: string, expirySeconds: number): string {
  const sr = encodeURIComponent(audience);
  const sig = createHmac("sha256", key).update(`${sr}\n${expirySeconds}`).digest("base64");
  return `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(sig)}&se=${expirySeconds}&skn=${encodeURIComponent(keyName)}`;
}

describe("verifySasToken", () => {
  const audience = "sb://127.0.0.1:5672/hub1/Partitions/0";
  const future = Math.floor(Date.now() / 1000) + 3600;

  it("accepts a token signed with the key, for the audience or a parent", () => {
    expect(verifySasToken(sasToken(audience, "Root", "k", future), audience, "Root", "k")).toEqual({ ok: true, expiresAtMs: future * 1000 });
    expect(verifySasToken(sasToken("sb://127.0.0.1:5672/hub1", "Root", "k", future), audience, "Root", "k").ok).toBe(true);
  });

  it("refuses wrong keys, key names, audiences, expired and malformed tokens with a reason", () => {
    const cases: Array<[string, string]> = [
      [sasToken(audience, "Root", "other", future), "invalid signature"],
      [sasToken(audience, "Someone", "k", future), "unknown key name"],
      [sasToken("sb://127.0.0.1:5672/hub2", "Root", "k", future), "does not cover"],
      [sasToken(audience, "Root", "k", Math.floor(Date.now() / 1000) - 1), "expired"],
      ["Bearer abc", "not a SharedAccessSignature"],
      ["SharedAccessSignature sr=x", "lacks"],
    ];
    for (const [token, reason] of cases) {
      const check = verifySasToken(token, audience, "Root", "k");
      expect(check.ok).toBe(false);
      expect(check.ok ? "" : check.reason).toContain(reason);
    }
  });
});

describe("start filters", () => {
  it("parses every expression the SDK produces and rejects others", () => {
    expect(parseStartFilter("amqp.annotation.x-opt-offset > '-1'")).toEqual({ kind: "offset", value: "-1", inclusive: false });
    expect(parseStartFilter("amqp.annotation.x-opt-offset >= '120'")).toEqual({ kind: "offset", value: "120", inclusive: true });
    expect(parseStartFilter("amqp.annotation.x-opt-offset > '@latest'")).toEqual({ kind: "offset", value: "@latest", inclusive: false });
    expect(parseStartFilter("amqp.annotation.x-opt-sequence-number >= '7'")).toEqual({ kind: "sequence", value: 7, inclusive: true });
    expect(parseStartFilter("amqp.annotation.x-opt-enqueued-time > '1700000000000'")).toEqual({ kind: "time", value: 1_700_000_000_000 });
    expect(parseStartFilter(undefined)).toEqual({ kind: "offset", value: "-1", inclusive: false });
    expect(parseStartFilter("amqp.annotation.x-opt-offset > 'abc'")).toContain("not numeric");
    expect(parseStartFilter("1 = 1")).toContain("unsupported selector filter");
  });

  it("resolves positions against a log, clamped to what is retained", () => {
    const log = new PartitionLog("0", { maxEvents: 5, maxBytes: 1e9 });
    const event = Buffer.from([0x00, 0x53, 0x75, 0xa0, 0x01, 0x41]); // one data section
    for (let i = 0; i < 8; i++) log.append([event], undefined);
    expect(log.firstSequenceNumber).toBe(3);
    expect(resolveStart({ kind: "offset", value: "-1", inclusive: false }, log)).toBe(3);
    expect(resolveStart({ kind: "sequence", value: 5, inclusive: false }, log)).toBe(6);
    expect(resolveStart({ kind: "sequence", value: 5, inclusive: true }, log)).toBe(5);
    expect(resolveStart({ kind: "sequence", value: 1, inclusive: true }, log)).toBe(3);
    expect(resolveStart({ kind: "sequence", value: 99, inclusive: true }, log)).toBe(8);
    expect(resolveStart({ kind: "offset", value: "@latest", inclusive: false }, log)).toBe(8);
    const fifth = log.at(5)!;
    expect(resolveStart({ kind: "offset", value: String(fifth.offset), inclusive: false }, log)).toBe(6);
    expect(resolveStart({ kind: "offset", value: String(fifth.offset), inclusive: true }, log)).toBe(5);
  });
});

describe("PartitionLog", () => {
  it("numbers events from 0 with byte offsets and evicts by count and by bytes", () => {
    const log = new PartitionLog("0", { maxEvents: 1000, maxBytes: 300 });
    const event = Buffer.from([0x00, 0x53, 0x75, 0xa0, 0x02, 0x41, 0x42]);
    log.append([event, event], "key");
    const first = log.at(0)!;
    const second = log.at(1)!;
    expect(first.offset).toBe(0);
    expect(second.offset).toBe(first.bytes.length);
    expect(log.info()).toMatchObject({ beginSequenceNumber: 0, lastEnqueuedSequenceNumber: 1, lastEnqueuedOffset: String(second.offset), isEmpty: false });
    for (let i = 0; i < 20; i++) log.append([event], undefined);
    const info = log.info();
    expect(info.retainedBytes).toBeLessThanOrEqual(300);
    expect(info.lastEnqueuedSequenceNumber).toBe(21);
    expect(info.beginSequenceNumber).toBe(22 - info.retainedEvents);
    expect(log.at(0)).toBeUndefined();
  });

  it("reports an empty partition as the service does", () => {
    expect(new PartitionLog("3", { maxEvents: 10, maxBytes: 10 }).info()).toMatchObject({
      beginSequenceNumber: 0,
      lastEnqueuedSequenceNumber: -1,
      lastEnqueuedOffset: "-1",
      lastEnqueuedTimeUtcMs: 0,
      isEmpty: true,
    });
  });
});

describe("startLocalBroker", () => {
  it("stops with clients connected, closes their connections and its port, and stop() is idempotent", async () => {
    const broker = await startLocalBroker({ namespace: { hubs: [{ name: "solo", partitionCount: 1 }] } });
    const client = rhea.create_container().connect({ host: broker.host, port: broker.port, reconnect: false });
    try {
      await new Promise<void>((resolve) => client.once("connection_open", () => resolve()));
      await waitFor(() => broker.control.stats().connections === 1, 5_000, "the broker to see the connection");
      const disconnected = new Promise<void>((resolve) => client.once("disconnected", () => resolve()));
      await broker.stop();
      await broker.stop();
      await disconnected;
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect(broker.port, broker.host);
        socket.once("connect", () => {
          socket.destroy();
          resolve(false);
        });
        socket.once("error", () => resolve(true));
      });
      expect(refused).toBe(true);
    } finally {
      client.close();
      await broker.stop();
    }
  });
});

describe("FaultState", () => {
  it("scopes counted faults and pauses to a hub and clears them per hub", () => {
    const faults = new FaultState();
    faults.rejectSends(2, { condition: "com.microsoft:server-busy" }, "HubA");
    expect(faults.takeSendRejection("hubB")).toBeUndefined();
    expect(faults.takeSendRejection("huba")?.condition).toBe("com.microsoft:server-busy");
    faults.pause("hubA", "0");
    faults.pause("hubB", "1");
    faults.clear("hubB");
    expect(faults.isPaused("hubA", "0")).toBe(true);
    expect(faults.isPaused("hubB", "1")).toBe(false);
    expect(faults.takeSendRejection("hubA")).toBeDefined();
    expect(faults.takeSendRejection("hubA")).toBeUndefined();
    faults.failManagement(1, { statusCode: 503, description: "busy" });
    faults.clear();
    expect(faults.takeManagementFailure("any")).toBeUndefined();
    expect(faults.isPaused("hubA", "0")).toBe(false);
  });
});
