// `npm run bench:e2e`: the end-to-end benchmark. Preloads the local broker with
// a realistic stream, then measures side by side on the same data: the raw SDK
// receive ceiling, the worker in pass-through mode and with enrichment, on 1
// and 4 partitions, and 2 replicas sharing the consumer group on 4 partitions.
// Writes test/bench/results/e2e.json and regenerates test/bench/REPORT.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { machineInfo } from "../report/machine.ts";
import { regenerateReport } from "../report/regenerate.ts";
import { type E2eResult, type E2eRun, writeResult } from "../report/results.ts";
import { e2eTargets } from "../report/targets.ts";
import { activityPool } from "./activities.ts";
import { measureCeiling } from "./ceiling.ts";
import { REPO_ROOT } from "./child-process.ts";
import { summarizeProfiles } from "./cpu-profile.ts";
import { startLocalServices } from "./local-services.ts";
import { type PreloadResult, preload, verifyPreload } from "./preload.ts";
import { generateStream } from "./stream.ts";
import { runWorkers, type WorkerRunOptions } from "./worker-run.ts";
import { BENCH_WORKER_ENV, SMALL_MEMORY_ENV, SMALL_MEMORY_NODE_FLAGS } from "./worker-settings.ts";
import { runScript } from "../report/run-script.ts";

const HELP = `Usage: npm run bench:e2e -- [--records N] [--seed N] [--repeat N] [--no-profile]

For every configuration, preloads a fresh hub of the local Event Hubs broker with N audit
records (4 per event, ~1.5 KB each, 5% unknown activities, 1% malformed messages), then times
the raw SDK receive ceiling, or the worker (pass-through and enriched; 1 and 4 partitions;
1 and 2 replicas; a memory-bounded setting) draining it into the blob sink on Azurite,
measures end-to-end latency on a steady trickle after the drain, and checks the blob output
holds every record exactly once. Results: test/bench/results/e2e.json, test/bench/REPORT.md.

  --records N    records to preload per configuration (default 200000)
  --seed N       stream seed (default 1)
  --repeat N     measure each configuration N times, keep the fastest (default 1)
  --no-profile   skip the --cpu-prof run made when a target is missed
  --only A,B     run only the named configurations (for iterating; the report keeps every run)
  --profile NAME profile this configuration (default enriched-1p) when a target is missed
  --keep-profile DIR  keep the raw .cpuprofile files in DIR (open them in Chrome DevTools)
  --env K=V      extra worker setting for every worker run (repeatable; for experiments)
  --keep-logs DIR  write each worker replica's output to DIR/<run>-<n>-<replica>.log
`;

const SAS_KEY = "bench-sas-key-do-not-log-7f3a";


interface Plan {
  readonly name: string;
  readonly mode: E2eRun["mode"];
  readonly partitions: number;
  readonly replicas: number;
  /** Memory-bounded settings (SMALL_MEMORY_ENV and heap limits) instead of the bench defaults. */
  readonly smallMemory?: boolean;
  /** No alert sink (pass-through makes no alert copies; this is its like-for-like partner). */
  readonly alertsOff?: boolean;
}

/** The steady trickle after each drain on which end-to-end latency is measured. */
const LATENCY_PROBE_RATE = 2000;
const LATENCY_PROBE_SECONDS = 10;

const PLANS: readonly Plan[] = [
  { name: "ceiling-1p", mode: "raw-ceiling", partitions: 1, replicas: 1 },
  { name: "pass-through-1p", mode: "pass-through", partitions: 1, replicas: 1, alertsOff: true },
  { name: "enriched-1p-alerts-off", mode: "enriched", partitions: 1, replicas: 1, alertsOff: true },
  { name: "enriched-1p", mode: "enriched", partitions: 1, replicas: 1 },
  { name: "ceiling-4p", mode: "raw-ceiling", partitions: 4, replicas: 1 },
  { name: "pass-through-4p", mode: "pass-through", partitions: 4, replicas: 1, alertsOff: true },
  { name: "enriched-4p-alerts-off", mode: "enriched", partitions: 4, replicas: 1, alertsOff: true },
  { name: "enriched-4p", mode: "enriched", partitions: 4, replicas: 1 },
  { name: "enriched-4p-2replicas", mode: "enriched", partitions: 4, replicas: 2 },
  { name: "enriched-4p-small-memory", mode: "enriched", partitions: 4, replicas: 1, smallMemory: true },
];

const log = (message: string) => process.stderr.write(`[bench:e2e ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  const parse = (a: string[]) =>
    parseArgs({ args: a, options: { records: { type: "string", default: "200000" }, seed: { type: "string", default: "1" }, repeat: { type: "string", default: "1" }, "no-profile": { type: "boolean", default: false }, only: { type: "string" }, profile: { type: "string", default: "enriched-1p" }, "keep-profile": { type: "string" }, env: { type: "string", multiple: true }, "keep-logs": { type: "string" }, help: { type: "boolean", short: "h", default: false } } });
  try {
    args = parse(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${HELP}`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const records = Number(args.values.records);
  const seed = Number(args.values.seed);
  const repeat = Number(args.values.repeat);
  if (!Number.isInteger(records) || records < 4 || !Number.isInteger(seed) || !Number.isInteger(repeat) || repeat < 1) {
    process.stderr.write(`bench:e2e: --records, --seed and --repeat take positive integers\n${HELP}`);
    return 2;
  }
  const extraEnv = Object.fromEntries((args.values.env ?? []).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
  const startedAt = new Date().toISOString();
  const machine = machineInfo(REPO_ROOT);
  const events = Math.ceil(records / 4);
  log(`starting Azurite and the local broker; ${records} records (${events} events) per run`);
  const services = await startLocalServices([], SAS_KEY);
  const runs: E2eRun[] = [];
  const notes: string[] = [];
  let profile: E2eResult["profile"];
  let hubCount = 0;
  try {
    const eventHubCs = services.broker.connectionString();
    const pool = activityPool(join(REPO_ROOT, "catalog", "sources"));
    // Every run gets a fresh hub holding the same stream, so a run's latency probe and
    // leftovers never reach another run; the hub is deleted after the run (broker memory).
    const freshHub = async (partitions: number): Promise<{ hub: string; loaded: PreloadResult }> => {
      const hub = `bench-${hubCount++}`;
      services.broker.control.createHub({ name: hub, partitionCount: partitions, consumerGroups: ["bench"] });
      const partitionIds = Array.from({ length: partitions }, (_, i) => String(i));
      const loaded = await preload(generateStream({ seed, activities: pool }, events), { connectionString: eventHubCs, hub, partitionIds, keepIds: true });
      await verifyPreload(eventHubCs, hub, loaded);
      log(`preloaded ${hub} (${partitions} partition(s)): ${loaded.totals.events} events, ${loaded.totals.records} records, ${(loaded.totals.bytes / 1e6).toFixed(0)} MB in ${loaded.seconds.toFixed(1)} s`);
      return { hub, loaded };
    };
    let containerIndex = 0;
    const workerOptions = (plan: Plan, hub: string, loaded: PreloadResult, extra: Partial<WorkerRunOptions> = {}): WorkerRunOptions => ({
      name: plan.name,
      mode: plan.mode as WorkerRunOptions["mode"],
      replicas: plan.replicas,
      eventHubConnectionString: eventHubCs,
      hub,
      consumerGroup: "bench",
      storageConnectionString: services.azurite.connectionString,
      container: `bench-${containerIndex++}`,
      preloaded: loaded,
      env: { ...BENCH_WORKER_ENV, ...(plan.smallMemory ? SMALL_MEMORY_ENV : {}), ...(plan.alertsOff ? { AUDIT_ENRICHER_ALERT_DESTINATION: "none" } : {}), ...extraEnv },
      nodeFlags: plan.smallMemory ? SMALL_MEMORY_NODE_FLAGS : [],
      timeoutMs: 300_000,
      latencyProbe: { recordsPerSecond: LATENCY_PROBE_RATE, seconds: LATENCY_PROBE_SECONDS, stream: { seed: seed + 1000, activities: pool } },
      ...extra,
    });
    const only = args.values.only?.split(",").map((n) => n.trim());
    const unknown = only?.filter((n) => !PLANS.some((p) => p.name === n)) ?? [];
    if (unknown.length > 0) throw new Error(`--only: unknown configuration(s) ${unknown.join(", ")}; known: ${PLANS.map((p) => p.name).join(", ")}`);
    for (const plan of PLANS.filter((p) => only === undefined || only.includes(p.name))) {
      let best: E2eRun | undefined;
      for (let i = 0; i < repeat; i++) {
        const { hub, loaded } = await freshHub(plan.partitions);
        let run: E2eRun;
        if (plan.mode === "raw-ceiling") {
          run = await measureCeiling(plan.name, {
            connectionString: eventHubCs,
            hub,
            consumerGroup: "bench",
            preloaded: loaded,
            maxBatchSize: Number(BENCH_WORKER_ENV.AUDIT_ENRICHER_MAX_BATCH_SIZE),
            prefetch: Number(BENCH_WORKER_ENV.AUDIT_ENRICHER_PREFETCH_COUNT),
            timeoutMs: 180_000,
          });
        } else {
          const result = await runWorkers(workerOptions(plan, hub, loaded));
          const keepLogs = args.values["keep-logs"];
          if (keepLogs !== undefined) {
            mkdirSync(keepLogs, { recursive: true });
            for (const [replica, text] of result.logs.entries()) writeFileSync(join(keepLogs, `${plan.name}-${i + 1}-${replica}.log`), text);
          }
          run = { ...result.run, ...(plan.smallMemory ? { smallMemory: true } : {}), ...(plan.alertsOff ? { alertsOff: true } : {}) };
          if (!result.checkpointsReached && run.status === "ok") notes.push(`${plan.name}: checkpoints did not reach the last sequence number within 30 s of the last acknowledgement.`);
          if (result.exitCodes.some((c) => c !== 0)) notes.push(`${plan.name}: a replica exited with ${result.exitCodes.join(",")} on SIGTERM.`);
          if (run.status === "failed") log(`worker output (last 1500 chars):\n${result.logs.map((l) => l.slice(-1500)).join("\n---\n")}`);
        }
        services.broker.control.deleteHub(hub);
        log(`${plan.name} #${i + 1}: ${run.status} ${Math.round(run.recordsPerSecond)} records/s, ${run.mbPerSecond.toFixed(1)} MB/s, ${run.seconds.toFixed(1)} s, peak RSS ${run.peakRssMb.toFixed(0)} MB, latency p50/p99 ${run.latencyP50Ms?.toFixed(0) ?? "-"}/${run.latencyP99Ms?.toFixed(0) ?? "-"} ms${run.error ? `, ${run.error}` : ""}`);
        if (best === undefined || (run.status === "ok" && (best.status !== "ok" || run.recordsPerSecond > best.recordsPerSecond))) best = run;
      }
      if (best) runs.push(best);
    }
    const missed = e2eTargets(runs).filter((t) => t.verdict === "missed");
    if ((missed.length > 0 || args.values.only !== undefined) && !args.values["no-profile"]) {
      const plan = PLANS.find((p) => p.name === args.values.profile && p.mode !== "raw-ceiling");
      if (plan === undefined) throw new Error(`--profile: ${args.values.profile} is not a worker configuration`);
      log(`targets missed (${missed.map((m) => m.target).join("; ")}): profiling ${plan.name} with --cpu-prof`);
      const dir = args.values["keep-profile"] ?? mkdtempSync(join(tmpdir(), "audit-enricher-cpu-prof-"));
      const { hub, loaded } = await freshHub(plan.partitions);
      const result = await runWorkers(workerOptions(plan, hub, loaded, { cpuProfileDir: dir, verify: false, latencyProbe: undefined }));
      profile = { run: `${plan.name} (profiled, not counted)`, ...summarizeProfiles(dir) };
      if (args.values["keep-profile"] === undefined) rmSync(dir, { recursive: true, force: true });
      log(`profile: ${profile.byArea.map((a) => `${a.area} ${a.percent.toFixed(1)}%`).join(", ")} (profiled run ${Math.round(result.run.recordsPerSecond)} records/s)`);
    }
  } finally {
    await services.stop();
  }
  notes.push(
    `Memory-bounded runs (a 256 MB pod): ${Object.entries(SMALL_MEMORY_ENV).map(([k, v]) => `${k}=${v}`).join(", ")}, node ${SMALL_MEMORY_NODE_FLAGS.join(" ")}.`,
    `The machine has ${machine.cores} cores shared by the broker (in the bench process), Azurite and the worker(s); other helpers' work ran at the same time (load average ${machine.loadAverage} at start).`,
    `Latency p50/p99 come from the worker's audit_enricher_end_to_end_latency_seconds histogram (enqueued time to blob commit, bucket-interpolated), measured on a steady ${LATENCY_PROBE_RATE} records/s trickle for ${LATENCY_PROBE_SECONDS} s after each drain (a drained backlog's latency is only its age); the blob flush interval of ${BENCH_WORKER_ENV.AUDIT_ENRICHER_FLUSH_INTERVAL_SECONDS} s dominates it. The exactly-once column counts the drain and the trickle.`,
  );
  const result: E2eResult = {
    kind: "e2e",
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    settings: { records, events, seed, repeat, latencyProbeRecordsPerSecond: LATENCY_PROBE_RATE, latencyProbeSeconds: LATENCY_PROBE_SECONDS, ...Object.fromEntries(Object.entries(BENCH_WORKER_ENV).map(([k, v]) => [k.replace("AUDIT_ENRICHER_", "").toLowerCase(), v])) },
    runs,
    ...(profile ? { profile } : {}),
    notes,
  };
  if (args.values.only !== undefined) {
    // A partial run never replaces the recorded results the report is made from.
    process.stdout.write(`${JSON.stringify({ runs, profile }, null, 1)}\n`);
    return runs.every((r) => r.status === "ok") ? 0 : 1;
  }
  log(`wrote ${writeResult(result)}; ${regenerateReport()}`);
  return runs.every((r) => r.status === "ok") ? 0 : 1;
}

runScript("bench:e2e", main);
