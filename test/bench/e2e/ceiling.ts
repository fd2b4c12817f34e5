// Runs ceiling-consumer.ts as a child process and measures it like a worker.
import type { E2eRun } from "../report/results.ts";
import { spawnNode } from "./child-process.ts";
import type { CeilingOutput } from "./ceiling-consumer.ts";
import type { PreloadResult } from "./preload.ts";
import { ProcessSampler } from "./process-sampler.ts";

export interface CeilingOptions {
  readonly connectionString: string;
  readonly hub: string;
  readonly consumerGroup: string;
  readonly preloaded: PreloadResult;
  readonly maxBatchSize: number;
  readonly prefetch: number;
  readonly timeoutMs: number;
}

export async function measureCeiling(name: string, options: CeilingOptions): Promise<E2eRun> {
  const expected = Object.fromEntries(options.preloaded.partitions.map((p) => [p.partitionId, p.totals.events]));
  const base = {
    name,
    mode: "raw-ceiling" as const,
    partitions: options.preloaded.partitions.length,
    replicas: 1,
    events: options.preloaded.totals.events,
    records: options.preloaded.totals.records,
    bytes: options.preloaded.totals.bytes,
    latencyP50Ms: null,
    latencyP99Ms: null,
    exactlyOnce: null,
  };
  const script = new URL("./ceiling-consumer.ts", import.meta.url).pathname;
  const child = spawnNode(script, [options.connectionString, options.hub, options.consumerGroup, JSON.stringify(expected), String(options.maxBatchSize), String(options.prefetch)]);
  const cpuBefore = process.cpuUsage();
  const sampler = new ProcessSampler();
  sampler.watch(child.pid);
  const timeout = setTimeout(() => child.child.kill("SIGKILL"), options.timeoutMs);
  const exit = await child.exited;
  clearTimeout(timeout);
  const [usage] = sampler.stop();
  const cpu = process.cpuUsage(cpuBefore);
  const brokerCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const line = child.output().split("\n").find((l) => l.startsWith("{"));
  if (exit.code !== 0 || line === undefined) {
    return { ...base, status: "failed", error: `exit ${exit.code ?? exit.signal}: ${child.output().slice(-300)}`, seconds: 0, recordsPerSecond: 0, mbPerSecond: 0, peakRssMb: (usage?.peakRssBytes ?? 0) / 2 ** 20, cpuSeconds: usage?.cpuSeconds ?? 0 };
  }
  const out = JSON.parse(line) as CeilingOutput;
  return {
    ...base,
    status: out.events === options.preloaded.totals.events ? "ok" : "failed",
    ...(out.events === options.preloaded.totals.events ? {} : { error: `received ${out.events} of ${options.preloaded.totals.events} events` }),
    seconds: out.seconds,
    recordsPerSecond: options.preloaded.totals.records / out.seconds,
    mbPerSecond: out.bytes / 1e6 / out.seconds,
    peakRssMb: (usage?.peakRssBytes ?? 0) / 2 ** 20,
    cpuSeconds: usage?.cpuSeconds ?? 0,
    brokerCpuSeconds,
  };
}
