// The JSON each bench script writes to test/bench/results/, and reads back to
// regenerate REPORT.md. One file per script, overwritten by each run.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MachineInfo } from "./machine.ts";

export type RunMode = "enriched" | "pass-through" | "raw-ceiling";

export interface ExactlyOnceCheck {
  readonly expected: number;
  readonly delivered: number;
  readonly duplicates: number;
  readonly missing: number;
  readonly unexpected: number;
}

export interface E2eRun {
  readonly name: string;
  readonly mode: RunMode;
  readonly partitions: number;
  readonly replicas: number;
  readonly status: "ok" | "failed";
  readonly error?: string;
  readonly events: number;
  readonly records: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly mbPerSecond: number;
  /** Worker histogram audit_enricher_end_to_end_latency_seconds (blob sink) over the drain; null for the ceiling. */
  readonly latencyP50Ms: number | null;
  readonly latencyP99Ms: number | null;
  /** Highest RSS of any one process of the run (MB). */
  readonly peakRssMb: number;
  /** CPU-seconds of the measured processes (all replicas) from their start to the end of the drain (latency probe excluded). */
  readonly cpuSeconds: number;
  readonly exactlyOnce: ExactlyOnceCheck | null;
  readonly deadLetters?: number;
  /** Process start to the first record received (not part of `seconds`). */
  readonly startupSeconds?: number;
  /** CPU-seconds of the bench process (which hosts the broker) over the same span. */
  readonly brokerCpuSeconds?: number;
  /** CPU-seconds of Azurite over the same span. */
  readonly azuriteCpuSeconds?: number;
  /** Run with the memory-bounded settings (see e2e/worker-settings.ts). */
  readonly smallMemory?: boolean;
  /** Run without alerts (AUDIT_ENRICHER_ALERT_DESTINATION=none): the like-for-like partner of pass-through. */
  readonly alertsOff?: boolean;
}

export interface ProfileEntry {
  readonly area: string;
  readonly percent: number;
}

export interface E2eResult {
  readonly kind: "e2e";
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineInfo;
  readonly settings: Record<string, string | number | boolean>;
  readonly runs: readonly E2eRun[];
  readonly profile?: {
    readonly run: string;
    readonly byArea: readonly ProfileEntry[];
    readonly topFunctions: readonly ProfileEntry[];
    readonly oursInclusive?: readonly ProfileEntry[];
  };
  readonly notes: readonly string[];
}

export interface SoakSample {
  readonly seconds: number;
  readonly rssMb: number;
  readonly heapUsedMb: number | null;
  /** Memory outside the V8 heap that V8 knows of (Buffers, ArrayBuffers): nodejs_external_memory_bytes. */
  readonly externalMb?: number | null;
  readonly eventLoopDelayP99Ms: number | null;
  readonly lagEvents: number | null;
  readonly recordsDelivered: number | null;
  readonly recordsSent: number;
}

export interface SoakCheck {
  readonly name: string;
  readonly pass: boolean;
  readonly detail: string;
}

export interface SoakResult {
  readonly kind: "soak";
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineInfo;
  readonly settings: Record<string, string | number | boolean>;
  readonly samples: readonly SoakSample[];
  readonly checks: readonly SoakCheck[];
  readonly pass: boolean;
  readonly notes: readonly string[];
}

export interface FuzzResult {
  readonly kind: "fuzz";
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineInfo;
  readonly settings: Record<string, string | number | boolean>;
  readonly counts: Record<string, number>;
  readonly checks: readonly SoakCheck[];
  readonly pass: boolean;
  readonly notes: readonly string[];
}

export type BenchResult = E2eResult | SoakResult | FuzzResult;

export const RESULTS_DIR = join(import.meta.dirname, "..", "results");

const FILES = { e2e: "e2e.json", soak: "soak.json", fuzz: "fuzz.json" } as const;

export function writeResult(result: BenchResult, dir = RESULTS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, FILES[result.kind]);
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

function readOne<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

export interface AllResults {
  readonly e2e?: E2eResult;
  readonly soak?: SoakResult;
  readonly fuzz?: FuzzResult;
}

export function readResults(dir = RESULTS_DIR): AllResults {
  return {
    e2e: readOne<E2eResult>(join(dir, FILES.e2e)),
    soak: readOne<SoakResult>(join(dir, FILES.soak)),
    fuzz: readOne<FuzzResult>(join(dir, FILES.fuzz)),
  };
}
