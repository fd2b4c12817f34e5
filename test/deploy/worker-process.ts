// The worker as an operator runs it: a child process (`node … run`) against the local
// broker and Azurite from the vitest global setup, with its logs captured for the log
// audit, its /readyz and /metrics scraped over real HTTP, and SIGTERM to stop it.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { EventHubProducerClient } from "@azure/event-hubs";
import { inject } from "vitest";
import { freePort } from "../../src/local/azurite.ts";
import { BrokerControlClient } from "../../src/local/broker-control-client.ts";
import { testRetryOptions } from "../../src/local/test-timings.ts";
import { type CapturedLogs, captureChildLogs } from "../telemetry/child-logs.ts";
import { REPO } from "./manifests.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface TestHub {
  readonly hub: string;
  readonly connectionString: string;
}

/** A fresh hub on the shared broker (names are lower-case, as production requires). */
export async function createTestHub(partitions: number, prefix: string): Promise<TestHub> {
  const hub = `${prefix}-${randomUUID().slice(0, 8)}`;
  await new BrokerControlClient(inject("brokerControlUrl")).createHub(hub, partitions);
  return { hub, connectionString: `${inject("eventHubsConnectionString")};EntityPath=${hub}` };
}

/** Development-mode settings for one isolated worker: its own hub, group and containers. */
export function workerEnv(hub: TestHub, metricsPort: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const id = randomUUID().slice(0, 8);
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AUDIT_ENRICHER_EVENTHUB_CONNECTION_STRING: inject("eventHubsConnectionString"),
    AUDIT_ENRICHER_EVENTHUB_NAME: hub.hub,
    AUDIT_ENRICHER_CONSUMER_GROUP: "$Default",
    AUDIT_ENRICHER_STORAGE_CONNECTION_STRING: inject("blobConnectionString"),
    AUDIT_ENRICHER_CHECKPOINT_CONTAINER: `ckpt-${id}`,
    AUDIT_ENRICHER_BLOB_CONTAINER: `out-${id}`,
    AUDIT_ENRICHER_METRICS_HOST: "127.0.0.1",
    AUDIT_ENRICHER_METRICS_PORT: String(metricsPort),
    AUDIT_ENRICHER_LOAD_BALANCING_STRATEGY: "greedy",
    AUDIT_ENRICHER_LOAD_BALANCING_INTERVAL_MS: "500",
    AUDIT_ENRICHER_EVENTHUB_RETRY_DELAY_MS: "200",
    AUDIT_ENRICHER_CHECKPOINT_INTERVAL_SECONDS: "1",
    AUDIT_ENRICHER_FLUSH_INTERVAL_SECONDS: "1",
    AUDIT_ENRICHER_CATALOG_WATCH: "false",
    ...extra,
  };
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly logs: CapturedLogs;
  readonly env: NodeJS.ProcessEnv;
  url(path: string): string;
  /** SIGTERM, then the exit code; SIGKILL (and a thrown error) if it overruns. */
  stop(timeoutMs?: number): Promise<number | null>;
}

export interface StartOptions {
  readonly name: string;
  /** argv after the node executable, e.g. ["src/cli.ts", "run"]. */
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly hub: TestHub;
  readonly env?: Record<string, string>;
}

export async function startWorker(options: StartOptions): Promise<WorkerProcess> {
  const port = await freePort();
  const env = workerEnv(options.hub, port, options.env);
  const child = spawn(process.execPath, [...options.args], {
    cwd: options.cwd ?? REPO,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs = captureChildLogs(child, options.name);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let stopping: Promise<number | null> | undefined;
  return {
    child,
    port,
    logs,
    env,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    stop(timeoutMs = 40_000) {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
        child.kill("SIGTERM");
        const timer = sleep(timeoutMs).then(() => "timeout" as const);
        const result = await Promise.race([exited, timer]);
        if (result === "timeout") {
          child.kill("SIGKILL");
          await exited;
          throw new Error(`${options.name} did not stop within ${timeoutMs} ms of SIGTERM`);
        }
        return result;
      })();
      return stopping;
    },
  };
}

/** Polls /readyz until 200; fails early, with the log tail, if the process exits. */
export async function waitReady(worker: WorkerProcess, timeoutMs = 45_000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (worker.child.exitCode !== null) throw new Error(`worker exited with ${worker.child.exitCode}:\n${worker.logs.lines.slice(-15).join("\n")}`);
    try {
      const response = await fetch(worker.url("/readyz"));
      const body = await response.json();
      if (response.status === 200) return body;
      last = `${response.status} ${JSON.stringify(body)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`not ready after ${timeoutMs} ms (last: ${last}):\n${worker.logs.lines.slice(-15).join("\n")}`);
}

export async function scrape(worker: WorkerProcess): Promise<string> {
  const response = await fetch(worker.url("/metrics"));
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return response.text();
}

/** Sends JSON bodies round-robin over every partition, in batches, with the real producer. */
export async function publish(hub: TestHub, bodies: readonly unknown[]): Promise<void> {
  const producer = new EventHubProducerClient(hub.connectionString, { retryOptions: testRetryOptions });
  try {
    const { partitionIds } = await producer.getEventHubProperties();
    const perPartition = partitionIds.map((): unknown[] => []);
    bodies.forEach((body, index) => {
      perPartition[index % partitionIds.length]?.push(body);
    });
    for (const [index, partitionId] of partitionIds.entries()) {
      let batch = await producer.createBatch({ partitionId });
      for (const body of perPartition[index] ?? []) {
        if (batch.tryAdd({ body, contentType: "application/json" })) continue;
        await producer.sendBatch(batch);
        batch = await producer.createBatch({ partitionId });
        if (!batch.tryAdd({ body, contentType: "application/json" })) throw new Error("event larger than a batch");
      }
      if (batch.count > 0) await producer.sendBatch(batch);
    }
  } finally {
    await producer.close();
  }
}

/** Polls until `condition` holds for the scraped metrics text. */
export async function waitForMetrics(worker: WorkerProcess, condition: (text: string) => boolean, what: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = "";
  while (Date.now() < deadline) {
    if (worker.child.exitCode !== null) throw new Error(`worker exited with ${worker.child.exitCode} while waiting for ${what}`);
    text = await scrape(worker).catch(() => "");
    if (text !== "" && condition(text)) return text;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}; last scrape:\n${text.split("\n").filter((l) => l.startsWith("audit_enricher_source") || l.startsWith("audit_enricher_records")).join("\n")}`);
}
