// `audit-enricher demo` (npm run demo): the real thing on an embedded default.
// Starts the local Event Hubs broker and Azurite, publishes a realistic mixed
// stream through the real producer, runs the real worker (`audit-enricher run`
// as a child process, exactly what users run) until every partition is
// checkpointed, stops it with SIGTERM, copies the objects it wrote to a local
// folder and prints what happened.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { EventHubProducerClient } from "@azure/event-hubs";
import { ContainerClient } from "@azure/storage-blob";
import { startLocalServices } from "../local/local-services.ts";
import type { Command } from "./command.ts";
import { type DemoMessage, demoStream } from "./demo-stream.ts";

const HELP = `Usage: audit-enricher demo [--events N] [--out DIR]

Runs the worker end to end on an embedded local Event Hubs broker and Azurite:
publishes N realistic messages (default 400: every shape, unknown activities,
sign-ins sharing the hub, malformed messages), runs 'audit-enricher run' until
everything is checkpointed, stops it with SIGTERM and prints a summary. The
objects it wrote are copied to DIR (default: <tmp>/audit-enricher-demo).
`;

const HUB = "audit";
const CONTAINER = "audit-enriched";
const PARTITIONS = 2;

interface Options {
  readonly events: number;
  readonly out: string;
}

function parse(argv: readonly string[]): Options | string {
  let events = 400;
  let out = join(tmpdir(), "audit-enricher-demo");
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === "--events" && value !== undefined && /^\d+$/.test(value) && Number(value) > 0 && Number(value) <= 100_000) events = Number(value);
    else if (arg === "--out" && value !== undefined) out = value;
    else return `unexpected argument '${arg}'`;
    i++;
  }
  return { events, out };
}

function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).some(([k, v]) => !line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

async function publish(connectionString: string, messages: readonly DemoMessage[]): Promise<void> {
  const producer = new EventHubProducerClient(connectionString);
  try {
    for (let p = 0; p < PARTITIONS; p++) {
      let batch = await producer.createBatch({ partitionId: String(p) });
      for (const message of messages.filter((_, i) => i % PARTITIONS === p)) {
        if (batch.tryAdd({ body: message.body })) continue;
        await producer.sendBatch(batch);
        batch = await producer.createBatch({ partitionId: String(p) });
        batch.tryAdd({ body: message.body });
      }
      await producer.sendBatch(batch);
    }
  } finally {
    await producer.close();
  }
}

/** Starts `audit-enricher run` (this same CLI) with env only; resolves its health port from its log. */
function startWorker(env: Record<string, string>, logPath: string, logLines: string[]): { child: ChildProcess; port: Promise<number> } {
  const child = spawn(process.execPath, [process.argv[1]!, "run"], { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir(), ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const port = new Promise<number>((resolve, reject) => {
    let rest = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      rest += chunk.toString("utf8");
      const lines = rest.split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        logLines.push(line);
        if (line.includes('"worker started"')) resolve((JSON.parse(line) as { healthPort: number }).healthPort);
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => logLines.push(chunk.toString("utf8")));
    child.once("exit", (code) => {
      void writeFile(logPath, `${logLines.join("\n")}\n`);
      reject(new Error(`worker exited early (code ${code}); its log: ${logPath}`));
    });
  });
  return { child, port };
}

async function untilCheckpointed(container: ContainerClient, lastSequence: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const at: number[] = lastSequence.map(() => -1);
    for await (const item of container.listBlobsFlat({ prefix: `127.0.0.1/${HUB}/$default/checkpoint/`, includeMetadata: true })) {
      at[Number(item.name.split("/").pop())] = Number(item.metadata?.sequencenumber ?? -1);
    }
    if (at.every((s, i) => s === lastSequence[i])) return at;
    if (Date.now() > deadline) throw new Error(`not every partition was checkpointed within ${timeoutMs / 1000} s (at ${at.join(",")})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function run(options: Options): Promise<number> {
  const started = Date.now();
  const say = (text: string) => process.stdout.write(`${text}\n`);
  say("audit-enricher demo: local Event Hubs broker + Azurite, real producer, real worker (audit-enricher run)\n");
  const services = await startLocalServices({ broker: { namespace: { hubs: [{ name: HUB, partitionCount: PARTITIONS }] } } });
  let worker: ChildProcess | undefined;
  try {
    const blob = services.azurite!.connectionString;
    const messages = [...demoStream(options.events)];
    await publish(services.broker.connectionString(HUB), messages);
    const count = (kind: DemoMessage["kind"]) => messages.filter((m) => m.kind === kind).length;
    const audit = messages.reduce((n, m) => n + m.auditRecords, 0);
    const signIns = messages.reduce((n, m) => n + m.signInRecords, 0);
    say(`published      ${messages.length} messages to '${HUB}' (${PARTITIONS} partitions): ${audit} audit records + ${signIns} sign-in records`);
    say(`               shapes: ${count("diagnostic")} diagnostic envelopes, ${count("legacy")} legacy 2018, ${count("graph")} Graph lists, ${count("log_analytics")} Log Analytics rows, ${count("malformed")} malformed`);

    await rm(options.out, { recursive: true, force: true });
    await mkdir(options.out, { recursive: true });
    const logPath = join(options.out, "worker.log");
    const logLines: string[] = [];
    const env = {
      AUDIT_ENRICHER_EVENTHUB_CONNECTION_STRING: services.broker.connectionString(HUB),
      AUDIT_ENRICHER_STORAGE_CONNECTION_STRING: blob,
      AUDIT_ENRICHER_BLOB_CONTAINER: CONTAINER,
      AUDIT_ENRICHER_LOAD_BALANCING_STRATEGY: "greedy",
      AUDIT_ENRICHER_LOAD_BALANCING_INTERVAL_MS: "500",
      AUDIT_ENRICHER_MAX_WAIT_SECONDS: "1",
      AUDIT_ENRICHER_FLUSH_INTERVAL_SECONDS: "2",
      AUDIT_ENRICHER_CHECKPOINT_INTERVAL_SECONDS: "1",
      AUDIT_ENRICHER_ALERT_DESTINATION: "blob",
      AUDIT_ENRICHER_ALERT_WINDOW_SECONDS: "1",
      AUDIT_ENRICHER_CATALOG_GAPS_INTERVAL_SECONDS: "1",
      AUDIT_ENRICHER_METRICS_HOST: "127.0.0.1",
      AUDIT_ENRICHER_METRICS_PORT: "0",
      AUDIT_ENRICHER_SHUTDOWN_GRACE_SECONDS: "10",
    };
    const launched = startWorker(env, logPath, logLines);
    worker = launched.child;
    const exited = new Promise<number | null>((resolve) => launched.child.once("exit", (code) => resolve(code)));
    const port = await launched.port;
    const workerStarted = Date.now();
    const last = Array.from({ length: PARTITIONS }, (_, p) => messages.filter((_, i) => i % PARTITIONS === p).length - 1);
    const checkpoints = await untilCheckpointed(new ContainerClient(blob, "checkpoints"), last, 45_000);
    const processSeconds = (Date.now() - workerStarted) / 1000;
    // One more alert window and gap export, so the summaries are delivered before the stop.
    await new Promise((r) => setTimeout(r, 1_500));
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const stopAt = Date.now();
    launched.child.kill("SIGTERM");
    const code = await exited.catch(() => null);
    const stopSeconds = ((Date.now() - stopAt) / 1000).toFixed(1);
    worker = undefined;
    await writeFile(logPath, `${logLines.join("\n")}\n`);

    const records = (outcome: string) => metricSum(metrics, "audit_enricher_records_total", { outcome });
    const received = metricSum(metrics, "audit_enricher_source_records_received_total");
    say(`worker         received ${metricSum(metrics, "audit_enricher_source_events_received_total")} events, ${received} records; lag ${metricSum(metrics, "audit_enricher_partition_lag_events")}; checkpoints ${checkpoints.map((s, p) => `p${p}=${s}`).join(" ")}`);
    // Small runs measure start-up and flush intervals, not throughput.
    const rate = received >= 10_000 ? `, ${Math.round(received / processSeconds)} records/s` : "";
    say(`               all checkpointed ${processSeconds.toFixed(1)} s after the worker started (start-up, partition claims, flush intervals included${rate})`);
    say(`enriched       ${records("enriched")} records → blob (${metricSum(metrics, "audit_enricher_records_unrecognized_total")} with an activity the catalog does not know)`);
    say(`passed through ${records("passed_through")} non-audit records (sign-ins) → blob, untouched`);
    say(`alerts         ${metricSum(metrics, "audit_enricher_alerts_total", { kind: "high_risk" })} high-risk, ${metricSum(metrics, "audit_enricher_alerts_total", { kind: "unrecognized" })} unrecognized-activity summaries → blob (alerts/)`);
    const reasons = [...metrics.matchAll(/^audit_enricher_dead_letters_total\{reason="([^"]+)"\} (\d+)/gm)].filter((m) => m[2] !== "0").map((m) => `${m[1]} ${m[2]}`);
    say(`dead-lettered  ${records("dead_lettered")} (${reasons.join(", ") || "none"}) → blob (dead-letter/), raw bytes kept`);
    say(`stopped        SIGTERM → exit ${code} in ${stopSeconds} s (flush, final checkpoint, ownership released)\n`);

    const container = new ContainerClient(blob, CONTAINER);
    const written: Array<{ name: string; records: string }> = [];
    for await (const item of container.listBlobsFlat({ includeMetadata: true })) {
      const local = join(options.out, item.name);
      await mkdir(dirname(local), { recursive: true });
      await writeFile(local, await container.getBlobClient(item.name).downloadToBuffer());
      const metadata = Object.fromEntries(Object.entries(item.metadata ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      written.push({ name: item.name, records: metadata.recordcount ?? "" });
    }
    say(`objects written to Azurite (copied to ${options.out}):`);
    for (const w of written) say(`  ${w.name}${w.records ? `  (${w.records} records)` : ""}`);
    const sample = written.find((w) => w.name.startsWith("enriched/"));
    if (sample) {
      const path = join(options.out, sample.name);
      say("\nlook at one (first enriched record, then its enrichment):");
      say(`  zcat ${path} | head -n 1`);
      say(`  node -e "const l=require('zlib').gunzipSync(require('fs').readFileSync(process.argv[1])).toString().split('\\n')[0]; console.log(JSON.parse(l).enrichment)" ${path}`);
    }
    say(`\nworker log: ${logPath}`);
    say(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return code === 0 ? 0 : 1;
  } finally {
    worker?.kill("SIGKILL");
    await services.stop();
  }
}

export const demoCommand: Command = {
  summary: "run the real worker end to end on an embedded local broker and Azurite, then print a summary",
  async run(argv: readonly string[]): Promise<number> {
    if (argv.includes("--help") || argv.includes("-h")) {
      process.stdout.write(HELP);
      return 0;
    }
    const options = parse(argv);
    if (typeof options === "string") {
      process.stderr.write(`audit-enricher demo: ${options}\n${HELP}`);
      return 2;
    }
    return run(options);
  },
};
