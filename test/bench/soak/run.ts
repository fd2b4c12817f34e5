// `npm run soak`: a steady load for N minutes (default 10) through one worker;
// every 10 s samples its RSS (from /proc), heap, event-loop delay and lag (from
// its /metrics). Pass: every record delivered exactly once, lag bounded, RSS and
// heap flat over the second half, the worker never restarted and stopped cleanly.
// Writes test/bench/results/soak.json and regenerates test/bench/REPORT.md.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BlobServiceClient } from "@azure/storage-blob";
import { freePort } from "../../../src/local/azurite.ts";
import { machineInfo } from "../report/machine.ts";
import { regenerateReport } from "../report/regenerate.ts";
import { type SoakCheck, type SoakResult, type SoakSample, writeResult } from "../report/results.ts";
import { activityPool } from "../e2e/activities.ts";
import { checkExactlyOnce, readBlobOutput } from "../e2e/blob-output.ts";
import { REPO_ROOT, spawnNode, WORKER_SCRIPT } from "../e2e/child-process.ts";
import { startLocalServices } from "../e2e/local-services.ts";
import { readProcess } from "../e2e/process-sampler.ts";
import { bucketDelta, byLabel, type Buckets, histogramBuckets, histogramQuantile, scrapeMetrics, sumOf } from "../e2e/prometheus-text.ts";
import { generateStream } from "../e2e/stream.ts";
import { BENCH_WORKER_ENV } from "../e2e/worker-settings.ts";
import { workerEnv } from "../e2e/worker-run.ts";
import { SteadyProducer } from "./steady-producer.ts";
import { floorPerWindow, isFlat, linearTrend, secondHalf } from "./trend.ts";
import { runScript } from "../report/run-script.ts";

const HELP = `Usage: npm run soak -- [--minutes N] [--rate RECORDS_PER_SECOND] [--partitions N] [--seed N]

Sends the realistic stream at a fixed rate for N minutes through one worker (child
process) on the local broker and Azurite, samples RSS, heap, event-loop delay and lag
every 10 s, then checks exactly-once delivery and that memory stayed flat.

  --minutes N      duration of the load (default 10)
  --rate N         records per second (default 2000; 4 records per event)
  --partitions N   hub partitions (default 2)
  --seed N         stream seed (default 2)
`;

const log = (message: string) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MB = 2 ** 20;

async function main(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options: { minutes: { type: "string", default: "10" }, rate: { type: "string", default: "2000" }, partitions: { type: "string", default: "2" }, seed: { type: "string", default: "2" }, help: { type: "boolean", short: "h", default: false } } }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const minutes = Number(values.minutes);
  const rate = Number(values.rate);
  const partitions = Number(values.partitions);
  const seed = Number(values.seed);
  if (!(minutes > 0) || !(rate >= 4) || !Number.isInteger(partitions) || partitions < 1 || !Number.isInteger(seed)) {
    process.stderr.write(`soak: --minutes, --rate, --partitions and --seed take positive numbers\n${HELP}`);
    return 2;
  }
  const startedAt = new Date().toISOString();
  const machine = machineInfo(REPO_ROOT);
  const eventsPerSecond = rate / 4;
  const hub = "soak";
  const services = await startLocalServices([{ name: hub, partitionCount: partitions, consumerGroups: ["soak"], retention: { maxEvents: 1_000_000, maxBytes: 256 * MB } }], "soak-sas-key-do-not-log-91c2");
  const samples: SoakSample[] = [];
  const checks: SoakCheck[] = [];
  const notes: string[] = [];
  const expectedIds: string[] = [];
  let latency = { p50: null as number | null, p99: null as number | null };
  try {
    const port = await freePort();
    const container = "soak-output";
    const env = { ...BENCH_WORKER_ENV, AUDIT_ENRICHER_FLUSH_INTERVAL_SECONDS: "5", AUDIT_ENRICHER_CHECKPOINT_INTERVAL_SECONDS: "5" };
    const worker = spawnNode(WORKER_SCRIPT, ["run"], {
      env: workerEnv({ mode: "enriched", eventHubConnectionString: services.broker.connectionString(), hub, consumerGroup: "soak", storageConnectionString: services.azurite.connectionString, container, env }, port),
      keepOutputBytes: 2 * MB,
    });
    const pid = worker.pid;
    const pool = activityPool(join(REPO_ROOT, "catalog", "sources"));
    const producer = new SteadyProducer({
      connectionString: services.broker.connectionString(),
      hub,
      partitionIds: Array.from({ length: partitions }, (_, i) => String(i)),
      eventsPerSecond,
      events: generateStream({ seed, activities: pool }, Number.MAX_SAFE_INTEGER)[Symbol.iterator](),
      onSent: (event) => {
        for (const id of event.recordIds) expectedIds.push(id);
      },
    });
    log(`worker pid ${pid}; sending ${rate} records/s for ${minutes} min on ${partitions} partition(s)`);
    producer.start();
    const t0 = performance.now();
    const url = `http://127.0.0.1:${port}/metrics`;
    let halfBuckets: Buckets | null = null;
    let lastBuckets: Buckets | null = null;
    const durationMs = minutes * 60_000;
    for (let next = 10_000; ; next += 10_000) {
      await sleep(Math.max(0, next - (performance.now() - t0)));
      if (worker.child.exitCode !== null || worker.child.signalCode !== null) throw new Error(`worker exited during the soak (${worker.child.exitCode ?? worker.child.signalCode}): ${worker.output().slice(-800)}`);
      const seconds = (performance.now() - t0) / 1000;
      const proc = readProcess(pid);
      const metrics = await scrapeMetrics(url).catch(() => null);
      const lag = metrics === null ? null : [...byLabel(metrics, "audit_enricher_partition_lag_events", "partition").values()].reduce((a, b) => a + b, 0);
      const heap = metrics === null ? null : sumOf(metrics, "nodejs_heap_size_used_bytes");
      const external = metrics === null ? null : sumOf(metrics, "nodejs_external_memory_bytes");
      const loopDelay = metrics === null ? null : sumOf(metrics, "nodejs_eventloop_lag_p99_seconds");
      const delivered = metrics === null ? null : sumOf(metrics, "audit_enricher_records_total", { outcome: "enriched" });
      if (metrics !== null) {
        lastBuckets = histogramBuckets(metrics, "audit_enricher_end_to_end_latency_seconds", { sink: "blob" });
        if (halfBuckets === null && seconds * 1000 >= durationMs / 2) halfBuckets = lastBuckets;
      }
      const sample: SoakSample = {
        seconds: Math.round(seconds),
        rssMb: (proc?.rssBytes ?? 0) / MB,
        heapUsedMb: heap === null ? null : heap / MB,
        externalMb: external === null ? null : external / MB,
        eventLoopDelayP99Ms: loopDelay === null ? null : loopDelay * 1000,
        lagEvents: lag,
        recordsDelivered: delivered,
        recordsSent: producer.totals.records,
      };
      samples.push(sample);
      log(`t=${sample.seconds}s rss=${sample.rssMb.toFixed(0)}MB heap=${sample.heapUsedMb?.toFixed(0)}MB external=${sample.externalMb?.toFixed(0)}MB loop p99=${sample.eventLoopDelayP99Ms?.toFixed(1)}ms lag=${lag} delivered=${delivered}/${sample.recordsSent}`);
      if (seconds * 1000 >= durationMs) break;
    }
    await producer.stop();
    if (lastBuckets !== null) {
      const delta = bucketDelta(lastBuckets, halfBuckets);
      const q = (p: number) => {
        const v = histogramQuantile(delta, p);
        return v === null ? null : v * 1000;
      };
      latency = { p50: q(0.5), p99: q(0.99) };
    }
    // Drain: wait until every partition's acknowledged sequence number reaches the last sent.
    const lastSequence = new Map([...producer.sentByPartition].map(([p, n]) => [p, n - 1]));
    const drainDeadline = Date.now() + 120_000;
    let drained = false;
    while (Date.now() < drainDeadline) {
      const metrics = await scrapeMetrics(url).catch(() => null);
      const acked = metrics === null ? new Map<string, number>() : byLabel(metrics, "audit_enricher_partition_last_acknowledged_sequence_number", "partition");
      if ([...lastSequence].every(([p, last]) => (acked.get(p) ?? -1) >= last)) {
        drained = true;
        break;
      }
      await sleep(500);
    }
    const samePid = worker.child.exitCode === null && worker.child.signalCode === null;
    const exit = await worker.stop(30_000);
    checks.push({ name: "worker never restarted and stopped cleanly", pass: samePid && exit.code === 0, detail: `pid ${pid} alive for the whole run: ${samePid}; SIGTERM exit code ${exit.code ?? exit.signal}` });
    checks.push({ name: "drained after the load stopped", pass: drained, detail: drained ? "every partition acknowledged up to the last event sent" : "acknowledgements did not reach the last event within 120 s" });
    const output = await readBlobOutput(BlobServiceClient.fromConnectionString(services.azurite.connectionString).getContainerClient(container), "enriched/");
    const exact = checkExactlyOnce(expectedIds, output.ids, output.lines);
    const exactOk = exact.duplicates === 0 && exact.missing === 0 && exact.unexpected === 0;
    checks.push({ name: "every record delivered exactly once", pass: exactOk, detail: `${exact.delivered.toLocaleString("en-US")} lines for ${exact.expected.toLocaleString("en-US")} records sent: ${exact.missing} missing, ${exact.duplicates} duplicated, ${exact.unexpected} unexpected (${output.objects} objects)` });
    const half = secondHalf(samples);
    const lagValues = half.map((s) => s.lagEvents).filter((v): v is number => v !== null);
    const lagBound = eventsPerSecond * 10;
    const maxLag = Math.max(0, ...lagValues);
    const lagTrend = linearTrend(half.filter((s) => s.lagEvents !== null).map((s) => [s.seconds, s.lagEvents as number] as const));
    checks.push({ name: "lag bounded", pass: lagValues.length > 0 && maxLag <= lagBound, detail: `max ${maxLag} events in the second half (bound: 10 s of traffic = ${lagBound}); slope ${(lagTrend.slope * 60).toFixed(1)} events/min` });
    for (const [name, pick, floor] of [
      ["RSS", (s: SoakSample) => s.rssMb, false],
      ["heap used (per-minute floor: what survives GC)", (s: SoakSample) => s.heapUsedMb, true],
    ] as const) {
      const samplesOf = half.map((s) => [s.seconds, pick(s)] as const).filter((p): p is readonly [number, number] => p[1] !== null);
      const points = floor ? floorPerWindow(samplesOf, 60) : samplesOf;
      const trend = linearTrend(points);
      checks.push({
        name: `${name} flat over the second half`,
        pass: points.length >= 3 && isFlat(trend),
        detail: `slope ${(trend.slope * 60).toFixed(2)} MB/min (t = ${trend.t.toFixed(1)}), fitted rise ${trend.projectedGrowth.toFixed(1)} MB over ${points.length} ${floor ? "minute floors" : "samples"}, mean ${trend.mean.toFixed(0)} MB (a leak: t > 2 and a rise above 5% of the mean)`,
      });
    }
    const loop = half.map((s) => s.eventLoopDelayP99Ms).filter((v): v is number => v !== null);
    notes.push(
      `Soak: steady-state end-to-end latency over the second half p50 ${latency.p50?.toFixed(0) ?? "-"} ms, p99 ${latency.p99?.toFixed(0) ?? "-"} ms (records wait in their blob object for up to its 5 s age flush); event-loop delay p99 up to ${Math.max(0, ...loop).toFixed(1)} ms; producer behind schedule ${producer.behindSeconds.toFixed(1)} s in total.`,
    );
  } catch (error) {
    checks.push({ name: "soak ran to the end", pass: false, detail: error instanceof Error ? error.message.slice(0, 400) : String(error) });
  } finally {
    await services.stop();
  }
  const result: SoakResult = {
    kind: "soak",
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    settings: { minutes, recordsPerSecond: rate, partitions, seed, latencyP50Ms: Math.round(latency.p50 ?? -1), latencyP99Ms: Math.round(latency.p99 ?? -1) },
    samples,
    checks,
    pass: checks.length > 0 && checks.every((c) => c.pass),
    notes,
  };
  log(`wrote ${writeResult(result)}; ${regenerateReport()}`);
  for (const c of checks) log(`${c.pass ? "pass" : "FAIL"}: ${c.name}: ${c.detail}`);
  return result.pass ? 0 : 1;
}

runScript("soak", main);
