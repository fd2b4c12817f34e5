import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { DeadLetterSink, type DeadLetterLine } from "../../src/sinks/dead-letter/sink.ts";
import { FakeContainer } from "./fakes.ts";

describe("DeadLetterSink", () => {
  it("writes raw bytes (base64), reason and source position under the deadletter prefix, idempotently", async () => {
    const container = new FakeContainer();
    const position = { partitionId: "2", sequenceNumber: 41, offset: "4100", enqueuedTimeUtc: new Date(Date.UTC(2026, 0, 2, 3, 4)) };
    const raw = Buffer.from([0xff, 0xfe, 0x7b, 0x00]);
    const letters = [
      { position, recordIndex: 0, reason: "invalid_utf8", raw },
      { position, recordIndex: 3, reason: "too_deep", raw: new Uint8Array(Buffer.from("[[[[")) },
    ];
    for (let run = 0; run < 2; run++) {
      const sink = new DeadLetterSink({ container, registry: new Registry() });
      const write = sink.write(letters);
      await sink.stop(Date.now() + 1_000);
      await write;
    }
    expect([...container.blobs.keys()]).toEqual(["deadletter/2026/01/02/03/2/00000000000000000041.ndjson.gz"]);
    const lines = container.lines().map((l) => JSON.parse(l) as DeadLetterLine);
    expect(lines).toEqual([
      {
        reason: "invalid_utf8",
        partitionId: "2",
        sequenceNumber: 41,
        offset: "4100",
        enqueuedTimeUtc: "2026-01-02T03:04:00.000Z",
        recordIndex: 0,
        rawBytes: 4,
        raw: raw.toString("base64"),
      },
      expect.objectContaining({ reason: "too_deep", recordIndex: 3, raw: Buffer.from("[[[[").toString("base64") }),
    ]);
  });

  it("reports itself as the dead_letter sink in metrics", async () => {
    const registry = new Registry();
    const sink = new DeadLetterSink({ container: new FakeContainer(), registry });
    const position = { partitionId: "0", sequenceNumber: 1, offset: "1", enqueuedTimeUtc: new Date() };
    const write = sink.write([{ position, recordIndex: 0, reason: "invalid_json", raw: Buffer.from("{") }]);
    await sink.flush();
    await write;
    expect(await registry.getSingleMetricAsString("audit_enricher_sink_writes_total")).toContain('sink="dead_letter"} 1');
    await sink.stop(Date.now());
  });
});
