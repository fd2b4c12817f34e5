// `audit-enricher run` as a child process: configuration errors, a mixed stream
// of every shape with poison messages, readiness and metrics, graceful SIGTERM.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { loadCatalogIndex } from "../../src/catalog/index.ts";
import { processMessage } from "../../src/transforms/enrich/process-message.ts";
import { captureChildLogs } from "../telemetry/child-logs.ts";
import { REPO_ROOT, createHub, fetchText, publish, readCheckpoints, readObjects, uniqueName, WorkerProcess, Workers, waitUntil, workerEnv } from "./harness.ts";
import { shapeMessages } from "./shapes.ts";

const workers = new Workers();
afterEach(() => workers.killAll());

describe("audit-enricher run: configuration", () => {
  it("exits 1 naming every bad or missing setting, before connecting anywhere", async () => {
    const worker = new WorkerProcess({ AUDIT_ENRICHER_OUTPUT: "s3", AUDIT_ENRICHER_MAX_BATCH_SIZE: "0" });
    const { code } = await worker.exited;
    expect(code).toBe(1);
    expect(worker.stderr).toContain("invalid configuration (4 problems)");
    expect(worker.stderr).toContain("AUDIT_ENRICHER_OUTPUT: must be one of blob, hub, both");
    expect(worker.stderr).toContain("AUDIT_ENRICHER_MAX_BATCH_SIZE: must be between 1 and 5000, got 0");
    expect(worker.stderr).toContain("AUDIT_ENRICHER_EVENTHUB_CONNECTION_STRING");
    expect(worker.stderr).toContain("AUDIT_ENRICHER_STORAGE_CONNECTION_STRING");
  });

  it("refuses both identities for one resource, without echoing the secret", async () => {
    const worker = new WorkerProcess({
      AUDIT_ENRICHER_EVENTHUB_CONNECTION_STRING: "Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=k;SharedAccessKey=VERYSECRET;EntityPath=x",
      AUDIT_ENRICHER_EVENTHUB_FQDN: "ns.servicebus.windows.net",
      AUDIT_ENRICHER_STORAGE_ACCOUNT_URL: "https://acct.blob.core.windows.net",
    });
    const { code } = await worker.exited;
    expect(code).toBe(1);
    expect(worker.stderr).toContain("AUDIT_ENRICHER_EVENTHUB_FQDN and AUDIT_ENRICHER_EVENTHUB_CONNECTION_STRING: both set");
    expect(worker.stderr + JSON.stringify(worker.logs)).not.toContain("VERYSECRET");
  });

  it("a fatal start-up problem (missing catalog artifact) exits 1 with the reason logged", async () => {
    const hub = await createHub(1);
    const worker = workers.start(workerEnv(hub, uniqueName("fatal"), { AUDIT_ENRICHER_CATALOG_PATH: "/nonexistent/index.json" }));
    const { code } = await worker.exited;
    expect(code).toBe(1);
    const fatal = worker.logs.find((l) => l.msg === "worker failed to start");
    expect(fatal?.err).toMatchObject({ code: "CATALOG_ARTIFACT_MISSING" });
    expect(worker.logs.at(-1)).toMatchObject({ msg: "exiting", exitCode: 1 });
  });

  it("an unhandled rejection is logged and leads to an orderly stop with exit 1", async () => {
    const hub = await createHub(1);
    const base: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" };
    const child = spawn(process.execPath, ["test/worker/fixtures/unhandled-rejection.ts"], { cwd: REPO_ROOT, env: { ...base, ...workerEnv(hub, uniqueName("reject")) }, stdio: ["ignore", "pipe", "pipe"] });
    captureChildLogs(child, "worker-unhandled-rejection");
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    const lines = out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { msg: string; err?: { message: string } });
    expect(code).toBe(1);
    expect(lines.find((l) => l.msg === "unhandled promise rejection; stopping")?.err?.message).toBe("injected failure from the test");
    expect(lines.some((l) => l.msg === "stopped")).toBe(true);
  });

  it("every worker child's output is copied to the log audit's directory", async () => {
    const worker = new WorkerProcess({ AUDIT_ENRICHER_OUTPUT: "s3" });
    expect((await worker.exited).code).toBe(1);
    const file = join(inject("logAuditDirectory"), `worker-${worker.child.pid}.log`);
    await waitUntil(() => existsSync(file) && readFileSync(file, "utf8").includes("AUDIT_ENRICHER_OUTPUT: must be one of"), 5_000, "the captured log file");
    expect(worker.stderr).toContain("AUDIT_ENRICHER_OUTPUT: must be one of");
  });

  it("answers --help with exit 0 and a stray argument with exit 2", () => {
    const help = spawnSync(process.execPath, ["src/cli.ts", "run", "--help"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: audit-enricher run");
    const usage = spawnSync(process.execPath, ["src/cli.ts", "run", "now"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("unexpected argument 'now'");
  });
});

describe("audit-enricher run: a mixed stream", () => {
  it("enriches every shape exactly once, dead-letters poison without blocking, checkpoints the end, exits 0 on SIGTERM", async () => {
    const hub = await createHub(2);
    const container = uniqueName("mixed");
    const messages = shapeMessages("mixed");
    // Poison first on partition 0: what follows must still get through.
    const ordered = [...messages.filter((m) => m.deadLetter), ...messages.filter((m) => !m.deadLetter)];
    await publish(hub, ordered.map((m) => m.body), "0");
    await publish(hub, messages.map((m) => m.body), "1");
    const worker = workers.start(workerEnv(hub, container, { AUDIT_ENRICHER_SHUTDOWN_GRACE_SECONDS: "10" }));
    const port = await worker.healthPort();

    const last = messages.length - 1;
    await waitUntil(async () => {
      const checkpoints = await readCheckpoints(container, hub.hub);
      return checkpoints.get("0") === last && checkpoints.get("1") === last;
    }, 30_000, "checkpoints at the last event of both partitions");

    const ready = await fetchText(port, "/readyz");
    expect(ready.status).toBe(200);
    const metrics = (await fetchText(port, "/metrics")).body;
    expect(metrics).toMatch(/audit_enricher_source_events_received_total\{partition="0"\} 8/);
    expect(metrics).toMatch(/audit_enricher_dead_letters_total\{reason="invalid_json"\} 2/);
    expect(metrics).toMatch(/audit_enricher_checkpoint_sequence_number\{partition="1"\} 7/);
    expect(metrics).toMatch(/audit_enricher_partition_lag_events\{partition="0"\} 0/);

    const started = Date.now();
    worker.kill("SIGTERM");
    const { code } = await worker.exited;
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);

    const enriched = await readObjects(container, "enriched");
    const lines = enriched.flatMap((o) => o.lines);
    for (const id of messages.flatMap((m) => m.ids)) {
      expect(lines.filter((l) => l.includes(`"${id}"`)), id).toHaveLength(2);
    }
    expect(lines).toHaveLength(messages.flatMap((m) => m.ids).length * 2);
    const unknown = lines.find((l) => l.includes("SHAPE_mixed_unknown"))!;
    expect(JSON.parse(unknown).enrichment).toMatchObject({ recognized: false });
    const known = lines.find((l) => l.includes("SHAPE_mixed_d1"))!;
    expect(JSON.parse(known).enrichment).toMatchObject({ recognized: true, serviceArea: "Core Directory" });

    const dead = (await readObjects(container, "dead-letter")).flatMap((o) => o.lines.map((l) => JSON.parse(l)));
    expect(dead.map((d) => `${d.partitionId}/${d.reason}`).sort()).toEqual(["0/invalid_json", "0/invalid_utf8", "1/invalid_json", "1/invalid_utf8"]);
    const poison = dead.find((d) => d.partitionId === "0" && d.reason === "invalid_json");
    expect(Buffer.from(poison.raw, "base64")).toEqual(messages.find((m) => m.deadLetter === "invalid_json")!.body);
    expect(poison).toMatchObject({ sequenceNumber: 0, offset: expect.any(String), enqueuedTimeUtc: expect.any(String) });
    // A bad record inside a message is dead-lettered with that record's bytes.
    const badRecord = dead.find((d) => d.partitionId === "0" && d.reason === "invalid_utf8");
    expect(messages.find((m) => m.deadLetter === "invalid_utf8")!.body.includes(Buffer.from(badRecord.raw, "base64"))).toBe(true);
    expect(badRecord.sequenceNumber).toBe(1);
  });

  it("carries every fixture shape of the decode stage through the running worker byte for byte", async () => {
    const dir = join(REPO_ROOT, "test/fixtures/events");
    const bodies: Buffer[] = [];
    for (const file of readdirSync(dir).sort()) {
      const bytes = readFileSync(join(dir, file));
      if (file.endsWith(".ndjson")) for (const line of bytes.toString("utf8").split("\n").filter((l) => l.trim() !== "")) bodies.push(Buffer.from(line));
      else if (file.endsWith(".json")) bodies.push(bytes);
    }
    // What the stage itself answers for each body, with the same catalog the worker loads.
    const lookup = loadCatalogIndex();
    const expectedLines: string[] = [];
    const expectedReasons: string[] = [];
    for (const body of bodies) {
      for (const outcome of processMessage(body, { lookup, nonAudit: "pass" }).records) {
        if (outcome.kind === "enriched" || outcome.kind === "passed_through") expectedLines.push(Buffer.from(outcome.line).toString("utf8"));
        if (outcome.kind === "dead_letter") expectedReasons.push(outcome.reason);
      }
    }
    const hub = await createHub(1);
    const container = uniqueName("fixtures");
    await publish(hub, bodies, "0");
    const worker = workers.start(workerEnv(hub, container));
    await worker.healthPort();
    await waitUntil(async () => (await readCheckpoints(container, hub.hub)).get("0") === bodies.length - 1, 30_000, "checkpoint at the last fixture");
    worker.kill("SIGTERM");
    expect((await worker.exited).code).toBe(0);
    const lines = (await readObjects(container, "enriched")).flatMap((o) => o.lines);
    expect([...lines].sort()).toEqual([...expectedLines].sort());
    const reasons = (await readObjects(container, "dead-letter")).flatMap((o) => o.lines.map((l) => (JSON.parse(l) as { reason: string }).reason));
    expect(reasons.sort()).toEqual(expectedReasons.sort());
    expect(expectedLines.length).toBeGreaterThan(30);
    expect(expectedReasons.length).toBeGreaterThan(0);
  });

  it("applies the configured decode limits: an oversized message is dead-lettered as too_large and the partition moves on", async () => {
    const hub = await createHub(1);
    const container = uniqueName("limits");
    const [envelope, , , , , , broken] = shapeMessages("limits").map((m) => m.body); // 2 records; invalid JSON
    const oversized = Buffer.from(JSON.stringify({ records: [{ category: "AuditLogs", padding: "x".repeat(4096) }] }));
    await publish(hub, [oversized, envelope!, broken!], "0");
    const worker = workers.start(workerEnv(hub, container, { AUDIT_ENRICHER_DECODE_MAX_MESSAGE_BYTES: "2048" }));
    await worker.healthPort();
    await waitUntil(async () => (await readCheckpoints(container, hub.hub)).get("0") === 2, 30_000, "checkpoint past the oversized message");
    worker.kill("SIGTERM");
    expect((await worker.exited).code).toBe(0);
    const dead = (await readObjects(container, "dead-letter")).flatMap((o) => o.lines.map((l) => JSON.parse(l) as { reason: string; sequenceNumber: number; rawBytes: number }));
    expect(dead.find((d) => d.sequenceNumber === 0)).toMatchObject({ reason: "too_large", rawBytes: oversized.length });
    expect(dead.find((d) => d.sequenceNumber === 2)).toMatchObject({ reason: "invalid_json" });
    expect((await readObjects(container, "enriched")).flatMap((o) => o.lines)).toHaveLength(2);
  });
});
