// The worker as users run it: `node src/cli.ts run` in a child process, env only,
// against the suite's local broker and Azurite. Every child is killed in
// afterEach, also when the test fails.
import { type ChildProcess, spawn } from "node:child_process";
import { gunzipSync } from "node:zlib";
import { EventHubProducerClient } from "@azure/event-hubs";
import { ContainerClient } from "@azure/storage-blob";
import { inject } from "vitest";
import { testRetryOptions } from "../../src/local/test-timings.ts";
import { type CapturedLogs, captureChildLogs } from "../telemetry/child-logs.ts";
import { createHub as createFixtureHub } from "../local/fixture.ts";

export const REPO_ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

export { control, uniqueName } from "../local/fixture.ts";

export interface TestHub {
  readonly hub: string;
  readonly connectionString: string;
}

/** A fresh hub on the suite's broker (its own name, so files never share state). */
export function createHub(partitions: number): Promise<TestHub> {
  return createFixtureHub(partitions, "w");
}

/** Short SDK and cadence timings so a fault costs a second, not 30. */
export function workerEnv(hub: TestHub, container: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AUDIT_ENRICHER_EVENTHUB_CONNECTION_STRING: hub.connectionString,
    AUDIT_ENRICHER_STORAGE_CONNECTION_STRING: inject("blobConnectionString"),
    AUDIT_ENRICHER_CHECKPOINT_CONTAINER: `${container}-ckpt`,
    AUDIT_ENRICHER_BLOB_CONTAINER: container,
    AUDIT_ENRICHER_LOAD_BALANCING_INTERVAL_MS: "500",
    AUDIT_ENRICHER_OWNERSHIP_EXPIRATION_MS: "3000",
    AUDIT_ENRICHER_EVENTHUB_RETRY_DELAY_MS: String(testRetryOptions.retryDelayInMs),
    AUDIT_ENRICHER_EVENTHUB_MAX_RETRY_DELAY_MS: String(testRetryOptions.maxRetryDelayInMs),
    AUDIT_ENRICHER_EVENTHUB_MAX_RETRIES: String(testRetryOptions.maxRetries),
    AUDIT_ENRICHER_EVENTHUB_TIMEOUT_MS: String(testRetryOptions.timeoutInMs),
    AUDIT_ENRICHER_MAX_WAIT_SECONDS: "1",
    AUDIT_ENRICHER_MAX_BATCH_SIZE: "100",
    AUDIT_ENRICHER_FLUSH_INTERVAL_SECONDS: "1",
    AUDIT_ENRICHER_CHECKPOINT_INTERVAL_SECONDS: "1",
    AUDIT_ENRICHER_METRICS_HOST: "127.0.0.1",
    AUDIT_ENRICHER_METRICS_PORT: "0",
    AUDIT_ENRICHER_ALERT_DESTINATION: "none",
    AUDIT_ENRICHER_SHUTDOWN_GRACE_SECONDS: "15",
    AUDIT_ENRICHER_SINK_MAX_RETRY_DELAY_MS: "1000",
    ...extra,
  };
}

export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export class WorkerProcess {
  readonly child: ChildProcess;
  /** The copy of stdout + stderr the log audit (test/log-audit-setup.ts) greps for secrets. */
  readonly captured: CapturedLogs;
  readonly logs: LogLine[] = [];
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(env: Record<string, string>) {
    // Only what a user's shell would pass, plus the worker's own settings.
    const base: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" };
    this.child = spawn(process.execPath, ["src/cli.ts", "run"], { cwd: REPO_ROOT, env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    // Tees both streams to the audited log directory (and sets them to utf8, so chunks are strings).
    this.captured = captureChildLogs(this.child, "worker");
    let buffered = "";
    this.child.stdout?.on("data", (chunk: string | Buffer) => {
      buffered += String(chunk);
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ level: "raw", msg: line });
        }
        newline = buffered.indexOf("\n");
      }
    });
    this.child.stderr?.on("data", (chunk: string | Buffer) => {
      this.stderr += String(chunk);
    });
    this.exited = new Promise((resolve) => this.child.once("exit", (code, signal) => resolve({ code, signal })));
  }

  async waitForLog(predicate: (line: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs.find(predicate);
      if (found) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`worker exited while waiting for ${what}\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.tail()}`);
      await sleep(50);
    }
  }

  async healthPort(): Promise<number> {
    const line = await this.waitForLog((l) => l.msg === "worker started", 30_000, "worker started");
    return line.healthPort as number;
  }

  tail(lines = 15): string {
    return [...this.logs.slice(-lines).map((l) => JSON.stringify(l).slice(0, 400)), this.stderr.slice(-2000)].join("\n");
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

/** Children started by a test; `killAll` in afterEach. */
export class Workers {
  readonly #all: WorkerProcess[] = [];
  start(env: Record<string, string>): WorkerProcess {
    const worker = new WorkerProcess(env);
    this.#all.push(worker);
    return worker;
  }
  async killAll(): Promise<void> {
    for (const worker of this.#all.splice(0)) {
      worker.kill("SIGKILL");
      await worker.exited;
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Sends bodies to one partition in batches through the real producer. */
export async function publish(hub: TestHub, bodies: readonly Buffer[], partitionId: string): Promise<void> {
  const producer = new EventHubProducerClient(hub.connectionString, { retryOptions: testRetryOptions });
  try {
    let batch = await producer.createBatch({ partitionId });
    for (const body of bodies) {
      if (!batch.tryAdd({ body })) {
        await producer.sendBatch(batch);
        batch = await producer.createBatch({ partitionId });
        if (!batch.tryAdd({ body })) throw new Error("event too large for a batch");
      }
    }
    if (batch.count > 0) await producer.sendBatch(batch);
  } finally {
    await producer.close();
  }
}

export function containerClient(name: string): ContainerClient {
  return new ContainerClient(inject("blobConnectionString"), name);
}

export interface BlobObject {
  readonly name: string;
  readonly metadata: Record<string, string>;
  readonly lines: readonly string[];
}

/** Every object under `prefix`, gunzipped into lines. */
export async function readObjects(container: string, prefix: string): Promise<BlobObject[]> {
  const client = containerClient(container);
  if (!(await client.exists())) return [];
  const out: BlobObject[] = [];
  for await (const item of client.listBlobsFlat({ prefix: `${prefix}/`, includeMetadata: true })) {
    const gz = await client.getBlobClient(item.name).downloadToBuffer();
    const lines = gunzipSync(gz).toString("utf8").split("\n").filter((l) => l !== "");
    out.push({ name: item.name, metadata: item.metadata ?? {}, lines });
  }
  return out;
}

/** Checkpoints the worker stored: partition → sequence number. */
export async function readCheckpoints(container: string, hub: string): Promise<Map<string, number>> {
  const client = containerClient(`${container}-ckpt`);
  const out = new Map<string, number>();
  if (!(await client.exists())) return out;
  for await (const item of client.listBlobsFlat({ prefix: `127.0.0.1/${hub.toLowerCase()}/$default/checkpoint/`, includeMetadata: true })) {
    const partition = item.name.split("/").pop()!;
    out.set(partition, Number(item.metadata?.sequencenumber));
  }
  return out;
}

export async function fetchText(port: number, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.text() };
}
