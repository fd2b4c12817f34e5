// One measured worker configuration: N replicas of `node dist/cli.js run` as
// child processes on one consumer group, timed from the first record received
// to the moment every partition's acknowledged sequence number reaches the last
// preloaded event; then stopped gracefully and their blob output verified.
import { mkdirSync } from "node:fs";
import { BlobServiceClient } from "@azure/storage-blob";
import { freePort } from "../../../src/local/azurite.ts";
import type { E2eRun, RunMode } from "../report/results.ts";
import { checkExactlyOnce, readBlobOutput } from "./blob-output.ts";
import { type BenchChild, spawnNode, WORKER_SCRIPT } from "./child-process.ts";
import { SteadyProducer } from "../soak/steady-producer.ts";
import type { PreloadResult } from "./preload.ts";
import { childPids, ProcessSampler, readProcess } from "./process-sampler.ts";
import { bucketDelta, type Buckets, byLabel, histogramBuckets, histogramQuantile, type MetricSample, scrapeMetrics, sumOf } from "./prometheus-text.ts";
import { generateStream, type StreamOptions } from "./stream.ts";

export interface WorkerRunOptions {
  readonly name: string;
  readonly mode: Exclude<RunMode, "raw-ceiling">;
  readonly replicas: number;
  readonly eventHubConnectionString: string;
  readonly hub: string;
  readonly consumerGroup: string;
  readonly storageConnectionString: string;
  /** Output container of this run (fresh per run). */
  readonly container: string;
  readonly preloaded: PreloadResult;
  /** Extra env for every replica (batch sizes, flush settings...). */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Extra Node flags for every replica (e.g. V8 heap limits). */
  readonly nodeFlags?: readonly string[];
  /** Directory for --cpu-prof output; no profiling when absent. */
  readonly cpuProfileDir?: string;
  readonly verify?: boolean;
  /**
   * After the drain, a steady trickle into the same hub for `seconds`: the end-to-end latency
   * of the run is measured on it (a drained backlog's latency is only its age).
   */
  readonly latencyProbe?: { readonly recordsPerSecond: number; readonly seconds: number; readonly stream: StreamOptions };
}

export interface WorkerRunResult {
  readonly run: E2eRun;
  readonly logs: readonly string[];
  readonly exitCodes: readonly (number | null)[];
  readonly checkpointsReached: boolean;
  readonly finalMetrics: readonly MetricSample[][];
  /** CPU-seconds of this (bench + broker) process during the run. */
  readonly brokerCpuSeconds: number;
  /** CPU-seconds of Azurite during the run. */
  readonly azuriteCpuSeconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type WorkerTarget = Pick<WorkerRunOptions, "mode" | "eventHubConnectionString" | "hub" | "consumerGroup" | "storageConnectionString" | "container" | "env">;

/** The environment of one replica: the local services, a fresh container, fast load balancing. */
export function workerEnv(options: WorkerTarget, metricsPort: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AUDIT_ENRICHER_EVENTHUB_CONNECTION_STRING: options.eventHubConnectionString,
    AUDIT_ENRICHER_EVENTHUB_NAME: options.hub,
    AUDIT_ENRICHER_CONSUMER_GROUP: options.consumerGroup,
    AUDIT_ENRICHER_STORAGE_CONNECTION_STRING: options.storageConnectionString,
    AUDIT_ENRICHER_CHECKPOINT_CONTAINER: `${options.container}-ckpt`,
    AUDIT_ENRICHER_BLOB_CONTAINER: options.container,
    AUDIT_ENRICHER_METRICS_HOST: "127.0.0.1",
    AUDIT_ENRICHER_METRICS_PORT: String(metricsPort),
    // The worker's default strategy. Greedy made both replicas claim every partition at once;
    // the losers' links were stolen and one receiver failed with a non-retryable error, leaving
    // its partition unread until the ownership expired (60 s). See REPORT.md's notes.
    AUDIT_ENRICHER_LOAD_BALANCING_STRATEGY: "balanced",
    AUDIT_ENRICHER_LOAD_BALANCING_INTERVAL_MS: "500",
    AUDIT_ENRICHER_EVENTHUB_RETRY_DELAY_MS: "200",
    AUDIT_ENRICHER_CATALOG_WATCH: "false",
    // Enrichment is the default; only the pass-through runs name the switch.
    ...(options.mode === "pass-through" ? { AUDIT_ENRICHER_ENRICHMENT: "off" } : {}),
    ...options.env,
  };
  return env;
}

export async function scrapeAll(ports: readonly number[]): Promise<(MetricSample[] | null)[]> {
  return Promise.all(ports.map((port) => scrapeMetrics(`http://127.0.0.1:${port}/metrics`, 2000).catch(() => null)));
}

/** Highest value of a per-partition gauge over all replicas. */
function maxByPartition(scrapes: readonly (MetricSample[] | null)[], name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const samples of scrapes) {
    if (samples === null) continue;
    for (const [partition, value] of byLabel(samples, name, "partition")) out.set(partition, Math.max(out.get(partition) ?? -1, value));
  }
  return out;
}

const cpuSecondsOf = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1e6;

function reached(values: Map<string, number>, preloaded: PreloadResult): boolean {
  return preloaded.partitions.every((p) => (values.get(p.partitionId) ?? -1) >= p.lastSequenceNumber);
}

export async function runWorkers(options: WorkerRunOptions): Promise<WorkerRunResult> {
  const ports = await Promise.all(Array.from({ length: options.replicas }, () => freePort()));
  const sampler = new ProcessSampler();
  const children: BenchChild[] = [];
  const base = {
    name: options.name,
    mode: options.mode,
    partitions: options.preloaded.partitions.length,
    replicas: options.replicas,
    events: options.preloaded.totals.events,
    records: options.preloaded.totals.records,
    bytes: options.preloaded.totals.bytes,
  };
  let firstReceivedAt = 0;
  let doneAt = 0;
  let error: string | undefined;
  let checkpointsReached = false;
  let finalScrapes: (MetricSample[] | null)[] = [];
  const probeIds = new Map<string, string[]>();
  let probeLatency: { p50: number | null; p99: number | null } | undefined;
  let lastSequence = new Map(options.preloaded.partitions.map((p) => [p.partitionId, p.lastSequenceNumber]));
  const cpuBefore = process.cpuUsage();
  const azuritePids = childPids(process.pid, "azurite");
  const azuriteCpu = () => azuritePids.reduce((sum, pid) => sum + (readProcess(pid)?.cpuSeconds ?? 0), 0);
  const azuriteBefore = azuriteCpu();
  const spawnedAt = performance.now();
  let drainCpu: { worker: number; broker: number; azurite: number } | undefined;
  try {
    if (options.cpuProfileDir) mkdirSync(options.cpuProfileDir, { recursive: true });
    for (const port of ports) {
      const flags = [...(options.nodeFlags ?? []), ...(options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : [])];
      const child = spawnNode(WORKER_SCRIPT, ["run"], { env: workerEnv(options, port), nodeFlags: flags, keepOutputBytes: 1024 * 1024 });
      children.push(child);
      sampler.watch(child.pid);
    }
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs / 1000} s`);
      const dead = children.find((c) => c.child.exitCode !== null || c.child.signalCode !== null);
      if (dead) throw new Error(`worker pid ${dead.pid} exited early (${dead.child.exitCode ?? dead.child.signalCode}): ${dead.output().slice(-600)}`);
      const scrapes = await scrapeAll(ports);
      const now = performance.now();
      if (firstReceivedAt === 0) {
        const received = scrapes.reduce((sum, s) => sum + (s === null ? 0 : (sumOf(s, "audit_enricher_source_events_received_total") ?? 0)), 0);
        if (received > 0) firstReceivedAt = now;
      }
      if (reached(maxByPartition(scrapes, "audit_enricher_partition_last_acknowledged_sequence_number"), options.preloaded)) {
        doneAt = now;
        break;
      }
      await sleep(100);
    }
    // CPU is charged for start-up plus drain only: the latency probe and the waits after it are not the drain's.
    sampler.sampleNow();
    drainCpu = {
      worker: sampler.usage().reduce((sum, u) => sum + u.cpuSeconds, 0),
      broker: cpuSecondsOf(process.cpuUsage(cpuBefore)),
      azurite: azuriteCpu() - azuriteBefore,
    };
    if (options.latencyProbe) {
      const probe = options.latencyProbe;
      const before = latencyBuckets(await scrapeAll(ports));
      const producer = new SteadyProducer({
        connectionString: options.eventHubConnectionString,
        hub: options.hub,
        partitionIds: options.preloaded.partitions.map((p) => p.partitionId),
        eventsPerSecond: probe.recordsPerSecond / 4,
        events: generateStream(probe.stream, Number.MAX_SAFE_INTEGER)[Symbol.iterator](),
        onSent: (event, partitionId) => {
          const ids = probeIds.get(partitionId) ?? [];
          for (const id of event.recordIds) ids.push(id);
          probeIds.set(partitionId, ids);
        },
      });
      producer.start();
      await sleep(probe.seconds * 1000);
      await producer.stop();
      const last = new Map(options.preloaded.partitions.map((p) => [p.partitionId, p.lastSequenceNumber + (producer.sentByPartition.get(p.partitionId) ?? 0)]));
      const probeDeadline = Date.now() + 60_000;
      for (;;) {
        const scrapes = await scrapeAll(ports);
        const acked = maxByPartition(scrapes, "audit_enricher_partition_last_acknowledged_sequence_number");
        if ([...last].every(([p, n]) => (acked.get(p) ?? -1) >= n)) {
          const after = latencyBuckets(scrapes);
          if (after !== null) probeLatency = quantilesMs(bucketDelta(after, before));
          break;
        }
        if (Date.now() > probeDeadline) throw new Error("the latency probe's records were not acknowledged within 60 s");
        await sleep(200);
      }
      lastSequence = last;
    }
    // Not timed: the checkpoint follows the acknowledgements on its cadence.
    const checkpointDeadline = Date.now() + 30_000;
    while (Date.now() < checkpointDeadline) {
      finalScrapes = await scrapeAll(ports);
      const checkpoints = maxByPartition(finalScrapes, "audit_enricher_checkpoint_sequence_number");
      if ([...lastSequence].every(([p, n]) => (checkpoints.get(p) ?? -1) >= n)) {
        checkpointsReached = true;
        break;
      }
      await sleep(250);
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const brokerCpuSeconds = drainCpu?.broker ?? cpuSecondsOf(process.cpuUsage(cpuBefore));
  const azuriteCpuSeconds = drainCpu?.azurite ?? azuriteCpu() - azuriteBefore;
  const usage = sampler.stop();
  const exits = await Promise.all(children.map((c) => c.stop(20_000)));
  const seconds = doneAt > 0 && firstReceivedAt > 0 ? (doneAt - firstReceivedAt) / 1000 : 0;
  const latency = probeLatency ?? { p50: null, p99: null };
  let exactlyOnce = null;
  if (error === undefined && options.verify !== false) {
    const container = BlobServiceClient.fromConnectionString(options.storageConnectionString).getContainerClient(options.container);
    const output = await readBlobOutput(container, `${options.env.AUDIT_ENRICHER_BLOB_PREFIX ?? "enriched"}/`);
    exactlyOnce = checkExactlyOnce(
      [...options.preloaded.partitions.flatMap((p) => p.recordIds), ...[...probeIds.values()].flat()],
      output.ids,
      output.lines,
    );
  }
  const run: E2eRun = {
    ...base,
    status: error === undefined ? "ok" : "failed",
    ...(error === undefined ? {} : { error: error.slice(0, 400) }),
    seconds,
    recordsPerSecond: seconds > 0 ? base.records / seconds : 0,
    mbPerSecond: seconds > 0 ? base.bytes / 1e6 / seconds : 0,
    latencyP50Ms: latency.p50,
    latencyP99Ms: latency.p99,
    peakRssMb: Math.max(0, ...usage.map((u) => u.peakRssBytes)) / 2 ** 20,
    cpuSeconds: drainCpu?.worker ?? usage.reduce((sum, u) => sum + u.cpuSeconds, 0),
    exactlyOnce,
    startupSeconds: firstReceivedAt > 0 ? (firstReceivedAt - spawnedAt) / 1000 : 0,
    brokerCpuSeconds,
    azuriteCpuSeconds,
    deadLetters: finalScrapes.reduce((sum, s) => sum + (s === null ? 0 : (sumOf(s, "audit_enricher_dead_letters_total") ?? 0)), 0),
  };
  return {
    run,
    logs: children.map((c) => c.output()),
    exitCodes: exits.map((e) => e.code),
    checkpointsReached,
    finalMetrics: finalScrapes.map((s) => s ?? []),
    brokerCpuSeconds,
    azuriteCpuSeconds,
  };
}

function latencyBuckets(scrapes: readonly (MetricSample[] | null)[]): Buckets | null {
  return histogramBuckets(
    scrapes.flatMap((s) => s ?? []),
    "audit_enricher_end_to_end_latency_seconds",
    { sink: "blob" },
  );
}

function quantilesMs(buckets: Buckets): { p50: number | null; p99: number | null } {
  const ms = (q: number) => {
    const v = histogramQuantile(buckets, q);
    return v === null ? null : v * 1000;
  };
  return { p50: ms(0.5), p99: ms(0.99) };
}
