// AUDIT_ENRICHER_ENRICHMENT=off (the benchmark's pass-through mode): the same
// receive, decode and sink path, every record with the fixed "not looked up"
// answer, and no alert or catalog gap for records that were never looked up.
import { afterEach, describe, expect, it } from "vitest";
import { createHub, publish, readCheckpoints, readObjects, uniqueName, Workers, waitUntil, workerEnv } from "./harness.ts";
import { shapeMessages } from "./shapes.ts";

const workers = new Workers();
afterEach(() => workers.killAll());

describe("audit-enricher run with AUDIT_ENRICHER_ENRICHMENT=off", () => {
  it("delivers every record once with the fixed pass-through answer and raises no alert", async () => {
    const hub = await createHub(1);
    const container = uniqueName("passthru");
    const messages = shapeMessages("pass");
    await publish(hub, messages.map((m) => m.body), "0");
    const worker = workers.start(workerEnv(hub, container, { AUDIT_ENRICHER_ENRICHMENT: "off", AUDIT_ENRICHER_ALERT_DESTINATION: "blob" }));
    await worker.healthPort();
    await waitUntil(async () => (await readCheckpoints(container, hub.hub)).get("0") === messages.length - 1, 30_000, "checkpoint at the last event");
    worker.kill("SIGTERM");
    expect((await worker.exited).code).toBe(0);

    const lines = (await readObjects(container, "enriched")).flatMap((o) => o.lines);
    const ids = messages.flatMap((m) => m.ids);
    for (const id of ids) expect(lines.filter((l) => l.includes(`"${id}"`)), id).toHaveLength(1);
    const known = JSON.parse(lines.find((l) => l.includes("SHAPE_pass_d1"))!);
    expect(known.enrichment).toMatchObject({ recognized: false, match: "none", reasons: ["enrichment disabled"], sensitivity: "low", catalogVersion: "pass-through" });
    expect(worker.logs.some((l) => l.msg.startsWith("enrichment disabled"))).toBe(true);
    expect(await readObjects(container, "alerts")).toEqual([]);
  });
});
