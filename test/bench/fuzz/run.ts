// `npm run fuzz:e2e`: 100,000 hostile and valid messages through the running
// worker (a child process on the local broker and Azurite). Pass: the worker
// never restarts, every valid record is delivered, every invalid one is
// dead-lettered with an expected reason and counted in /metrics, the number of
// /metrics series stays bounded, unrecognized-activity alerts stay aggregated,
// and no log line contains a secret.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { BlobServiceClient } from "@azure/storage-blob";
import { AZURITE_KEY, freePort } from "../../../src/local/azurite.ts";
import { forEachLine } from "../e2e/blob-output.ts";
import { REPO_ROOT, spawnNode, WORKER_SCRIPT } from "../e2e/child-process.ts";
import { startLocalServices } from "../e2e/local-services.ts";
import { preload } from "../e2e/preload.ts";
import { byLabel, scrapeMetrics, seriesCount, sumOf } from "../e2e/prometheus-text.ts";
import { workerEnv } from "../e2e/worker-run.ts";
import { BENCH_WORKER_ENV } from "../e2e/worker-settings.ts";
import { machineInfo } from "../report/machine.ts";
import { regenerateReport } from "../report/regenerate.ts";
import { type FuzzResult, type SoakCheck, writeResult } from "../report/results.ts";
import { account, type DeadLetterEntry, type SentMessage } from "./accounting.ts";
import { SecretWatch } from "./log-audit.ts";
import { type FuzzMessage, fuzzMessages, UNIQUE_FAKE_NAMES } from "./messages.ts";
import { runScript } from "../report/run-script.ts";

const HELP = `Usage: npm run fuzz:e2e -- [--messages N] [--seed N] [--partitions N]

Sends N messages (default 100,000) of hostile input mixed with valid audit records
through a running worker and accounts for every one: delivered, dead-lettered with a
reason, counted in /metrics; checks the worker never restarted, /metrics series stayed
bounded, alerts stayed aggregated and no log line holds a secret.
`;

const log = (message: string) => process.stderr.write(`[fuzz:e2e ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FUZZ_ID = /FUZZ-\d+-\d+/;
/** Short aggregation windows, so several close during the run and the last one before the stop. */
const ALERT_WINDOW_SECONDS = 10;

async function main(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options: { messages: { type: "string", default: "100000" }, seed: { type: "string", default: "3" }, partitions: { type: "string", default: "2" }, help: { type: "boolean", short: "h", default: false } } }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const count = Number(values.messages);
  const seed = Number(values.seed);
  const partitions = Number(values.partitions);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed) || !Number.isInteger(partitions) || partitions < 1) {
    process.stderr.write(`fuzz:e2e: --messages, --seed and --partitions take positive integers\n${HELP}`);
    return 2;
  }
  const startedAt = new Date().toISOString();
  const machine = machineInfo(REPO_ROOT);
  const sasKey = `fuzz-sas-${randomBytes(12).toString("hex")}`;
  const hub = "fuzz";
  const services = await startLocalServices([{ name: hub, partitionCount: partitions, consumerGroups: ["fuzz"] }], sasKey);
  const checks: SoakCheck[] = [];
  const counts: Record<string, number> = { messages: count };
  const notes: string[] = [];
  const secrets = [sasKey, AZURITE_KEY, services.broker.connectionString(), services.azurite.connectionString];
  const watch = new SecretWatch(secrets);
  try {
    const port = await freePort();
    const container = "fuzz-output";
    const env = { ...BENCH_WORKER_ENV, AUDIT_ENRICHER_BLOB_PREFIX: "enriched", AUDIT_ENRICHER_DEAD_LETTER_PREFIX: "dead-letter", AUDIT_ENRICHER_ALERT_DESTINATION: "blob", AUDIT_ENRICHER_ALERT_BLOB_PREFIX: "alerts", AUDIT_ENRICHER_ALERT_WINDOW_SECONDS: String(ALERT_WINDOW_SECONDS) };
    const worker = spawnNode(WORKER_SCRIPT, ["run"], {
      env: workerEnv({ mode: "enriched", eventHubConnectionString: services.broker.connectionString(), hub, consumerGroup: "fuzz", storageConnectionString: services.azurite.connectionString, container, env }, port),
      keepOutputBytes: 256 * 1024,
      onOutput: (chunk) => watch.feed(chunk),
    });
    const pid = worker.pid;
    const url = `http://127.0.0.1:${port}/metrics`;
    for (let i = 0; i < 100 && (await scrapeMetrics(url).catch(() => null)) === null; i++) await sleep(200);
    const seriesAtStart = seriesCount((await scrapeMetrics(url).catch(() => [])) ?? []);
    log(`worker pid ${pid}; sending ${count} messages`);
    const sent: SentMessage[] = [];
    const byCategory: Record<string, number> = {};
    let maxSeries = seriesAtStart;
    let watching = true;
    const seriesWatch = (async () => {
      while (watching) {
        const m = await scrapeMetrics(url).catch(() => null);
        if (m !== null) maxSeries = Math.max(maxSeries, seriesCount(m));
        await sleep(2000);
      }
    })();
    const loaded = await preload(fuzzMessages(seed, count), {
      connectionString: services.broker.connectionString(),
      hub,
      partitionIds: Array.from({ length: partitions }, (_, i) => String(i)),
      onAssign: (event, partitionId, sequenceNumber) => {
        const message: FuzzMessage = event;
        byCategory[message.category] = (byCategory[message.category] ?? 0) + 1;
        // Keep the bookkeeping, not the bodies.
        sent.push({ message: { index: message.index, category: message.category, messageExpect: message.messageExpect, messageReasons: message.messageReasons, records: message.records }, partitionId, sequenceNumber });
      },
    });
    log(`sent ${loaded.totals.events} messages, ${(loaded.totals.bytes / 1e6).toFixed(0)} MB in ${loaded.seconds.toFixed(1)} s`);
    const deadline = Date.now() + 6 * 60_000;
    let done = false;
    while (Date.now() < deadline && worker.child.exitCode === null) {
      const m = await scrapeMetrics(url).catch(() => null);
      const acked = m === null ? new Map<string, number>() : byLabel(m, "audit_enricher_partition_last_acknowledged_sequence_number", "partition");
      if (loaded.partitions.every((p) => (acked.get(p.partitionId) ?? -1) >= p.lastSequenceNumber)) {
        done = true;
        break;
      }
      await sleep(500);
    }
    // Let the last aggregation window close and its alerts be written before stopping.
    if (done) await sleep((ALERT_WINDOW_SECONDS + 3) * 1000);
    watching = false;
    await seriesWatch;
    const metrics = (await scrapeMetrics(url).catch(() => null)) ?? [];
    const seriesAtEnd = seriesCount(metrics);
    const alive = worker.child.exitCode === null && worker.child.signalCode === null;
    const exit = await worker.stop(30_000);
    checks.push({ name: "worker never restarted", pass: alive && done, detail: `pid ${pid} ran throughout: ${alive}; all partitions acknowledged to the last message: ${done}; SIGTERM exit ${exit.code ?? exit.signal}` });

    const blob = BlobServiceClient.fromConnectionString(services.azurite.connectionString).getContainerClient(container);
    const ids: string[] = [];
    let anonymous = 0;
    const anonymousExamples: string[] = [];
    await forEachLine(blob, "enriched/", (line) => {
      const id = FUZZ_ID.exec(line)?.[0];
      if (id !== undefined) ids.push(id);
      else if (anonymous++ < 3) anonymousExamples.push(line.slice(0, 160));
    });
    const letters: DeadLetterEntry[] = [];
    await forEachLine(blob, "dead-letter/", (line) => {
      const d = JSON.parse(line) as DeadLetterEntry;
      letters.push({ reason: d.reason, partitionId: d.partitionId, sequenceNumber: d.sequenceNumber, recordIndex: d.recordIndex });
    });
    let unrecognizedAlerts = 0;
    let unrecognizedCounted = 0;
    let highRiskAlerts = 0;
    await forEachLine(blob, "alerts/", (line) => {
      const alert = JSON.parse(line) as { kind: string; count?: number };
      if (alert.kind === "unrecognized") {
        unrecognizedAlerts++;
        unrecognizedCounted += alert.count ?? 0;
      } else if (alert.kind === "high_risk") highRiskAlerts++;
    });
    const a = account(sent, ids, anonymous, letters);
    Object.assign(counts, byCategory, {
      "valid records": a.validRecords,
      "valid records delivered": a.validDelivered,
      "invalid messages/records": a.invalidExpected,
      "invalid dead-lettered": a.invalidDeadLettered,
      "tolerated records (deliver or dead-letter)": a.eitherRecords,
      "tolerated records accounted for": a.eitherAccounted,
      "blob output lines": ids.length + anonymous,
      "dead-letter lines": letters.length,
      "unrecognized-activity alerts": unrecognizedAlerts,
      "high-risk alerts": highRiskAlerts,
      "log lines": watch.lines,
    });
    const exampleText = a.examples.length > 0 ? `; e.g. ${a.examples.slice(0, 3).join("; ")}` : "";
    checks.push({ name: "every valid record delivered", pass: a.validRecords > 0 && a.validDelivered === a.validRecords, detail: `${a.validDelivered} of ${a.validRecords}${a.validDelivered === a.validRecords ? "" : exampleText}` });
    checks.push({
      name: "every invalid message/record dead-lettered with an expected reason",
      pass: a.invalidDeadLettered === a.invalidExpected && a.wrongReason === 0,
      detail: `${a.invalidDeadLettered} of ${a.invalidExpected} dead-lettered, ${a.wrongReason} with an unexpected reason${a.wrongReason + a.invalidExpected - a.invalidDeadLettered > 0 ? exampleText : ""}`,
    });
    checks.push({
      name: "nothing lost, duplicated or invented",
      pass: a.eitherAccounted === a.eitherRecords && a.duplicates === 0 && a.unexpectedOutput === 0 && a.unexpectedDeadLetters === 0 && a.both === 0,
      detail: `tolerated records accounted ${a.eitherAccounted}/${a.eitherRecords}; duplicates ${a.duplicates}; unexpected output ${a.unexpectedOutput}; unexpected dead letters ${a.unexpectedDeadLetters}; delivered and dead-lettered ${a.both}`,
    });
    const metricDeadLetters = sumOf(metrics, "audit_enricher_dead_letters_total") ?? 0;
    const reasons = [...byLabel(metrics, "audit_enricher_dead_letters_total", "reason")].map(([r, n]) => `${r}=${n}`).join(", ");
    checks.push({ name: "dead letters counted in /metrics", pass: metricDeadLetters === letters.length, detail: `audit_enricher_dead_letters_total ${metricDeadLetters} (${reasons}) vs ${letters.length} dead-letter lines` });
    checks.push({
      name: "/metrics series count bounded",
      pass: seriesAtEnd <= Math.max(seriesAtStart * 2, seriesAtStart + 300) && maxSeries <= Math.max(seriesAtStart * 2, seriesAtStart + 300),
      detail: `${seriesAtStart} series at start, at most ${maxSeries} during the run, ${seriesAtEnd} at the end, after ${UNIQUE_FAKE_NAMES.toLocaleString("en-US")} unique unknown activity names`,
    });
    const unrecognizedRecords = sumOf(metrics, "audit_enricher_records_unrecognized_total") ?? 0;
    const alertMetric = sumOf(metrics, "audit_enricher_alerts_total", { kind: "unrecognized" }) ?? 0;
    checks.push({
      name: "unrecognized-activity alerts aggregated",
      pass: unrecognizedRecords > 0 && unrecognizedAlerts < unrecognizedRecords && unrecognizedCounted === unrecognizedRecords,
      detail: `${unrecognizedAlerts} alerts (metric ${alertMetric}) for ${unrecognizedRecords} unrecognized records; the alerts' counts add up to ${unrecognizedCounted}`,
    });
    const highRiskRecords = sumOf(metrics, "audit_enricher_records_total", { sensitivity: "high" }) ?? 0;
    checks.push({ name: "high-risk alerts never aggregated away", pass: highRiskAlerts === highRiskRecords, detail: `${highRiskAlerts} high-risk alerts for ${highRiskRecords} high-sensitivity records` });
    checks.push({ name: "no log line contains a secret", pass: watch.found.size === 0 && watch.lines > 0, detail: `${watch.lines} log lines scanned for the SAS key, the storage account key and both connection strings: ${watch.found.size === 0 ? "none found" : `${watch.found.size} secret(s) found`}` });
    if (a.examples.length > 0) notes.push(`fuzz:e2e examples: ${a.examples.join("; ")}`);
    if (a.unexpectedOutput > 0) notes.push(`fuzz:e2e output lines without a record id, e.g.: ${anonymousExamples.map((l) => `\`${l.replace(/`/g, "'")}\``).join(" ")}`);
  } catch (error) {
    checks.push({ name: "fuzz run completed", pass: false, detail: error instanceof Error ? error.message.slice(0, 400) : String(error) });
  } finally {
    await services.stop();
  }
  const result: FuzzResult = {
    kind: "fuzz",
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    settings: { messages: count, seed, partitions, uniqueFakeActivityNames: UNIQUE_FAKE_NAMES },
    counts,
    checks,
    pass: checks.length > 0 && checks.every((c) => c.pass),
    notes,
  };
  log(`wrote ${writeResult(result)}; ${regenerateReport()}`);
  for (const c of checks) log(`${c.pass ? "pass" : "FAIL"}: ${c.name}: ${c.detail}`);
  return result.pass ? 0 : 1;
}

runScript("fuzz:e2e", main);
