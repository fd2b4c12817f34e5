// SIGTERM delivers the open window's unrecognized-activity summaries: a stop
// closes the window and waits (within the grace period) until they are written.
import { afterEach, describe, expect, it } from "vitest";
import { createHub, publish, readCheckpoints, uniqueName, Workers, containerClient, waitUntil, workerEnv } from "./harness.ts";
import { shapeMessages } from "./shapes.ts";

const workers = new Workers();
afterEach(() => workers.killAll());

describe("audit-enricher run: alerts on stop", () => {
  it("SIGTERM writes the open window's unrecognized-activity summaries to the blob prefix", async () => {
    const hub = await createHub(1);
    const container = uniqueName("alertstop");
    const messages = shapeMessages("alertstop");
    await publish(hub, messages.map((m) => m.body), "0");
    const worker = workers.start(workerEnv(hub, container, { AUDIT_ENRICHER_ALERT_DESTINATION: "blob", AUDIT_ENRICHER_ALERT_WINDOW_SECONDS: "3600" }));
    await worker.healthPort();
    await waitUntil(async () => (await readCheckpoints(container, hub.hub)).get("0") === messages.length - 1, 30_000, "checkpoint at the last event");
    worker.kill("SIGTERM");
    expect((await worker.exited).code).toBe(0);

    const client = containerClient(container);
    const alerts: Array<{ kind: string; activity?: string | null; count?: number }> = [];
    for await (const item of client.listBlobsFlat({ prefix: "alerts/" })) {
      const text = (await client.getBlobClient(item.name).downloadToBuffer()).toString("utf8");
      for (const line of text.trim().split("\n")) alerts.push(JSON.parse(line));
    }
    const unrecognized = alerts.filter((a) => a.kind === "unrecognized");
    expect(unrecognized.length, worker.tail(40)).toBeGreaterThan(0);
    expect(worker.logs.some((l) => l.msg === "unrecognized-activity summaries not delivered")).toBe(false);
  });
});
