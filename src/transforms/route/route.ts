// Routing is configuration: which sinks each decided record goes to. Pure: the
// pipeline turns the answer into sink writes and acknowledgement bookkeeping.
import type { Enrichment, Sensitivity } from "../../catalog/enrichment.ts";
import type { OutputRecord, SourcePosition } from "../../sinks/sink.ts";
import type { AlertFacts, NamedFacts } from "../decode/outcome.ts";

/** One record of an event after decode + enrich, as the pipeline sees it (a RecordOutcome fits). */
export type Decided =
  | { readonly kind: "enriched"; readonly recordIndex: number; readonly line: Uint8Array; readonly enrichment: Enrichment; readonly facts?: AlertFacts; readonly named?: NamedFacts }
  | { readonly kind: "passed_through"; readonly recordIndex: number; readonly line: Uint8Array }
  | { readonly kind: "dropped"; readonly recordIndex: number }
  | { readonly kind: "dead_letter"; readonly recordIndex: number; readonly reason: string; readonly raw: Uint8Array };

export interface DeadLetter {
  readonly position: SourcePosition;
  readonly recordIndex: number;
  readonly reason: string;
  readonly raw: Uint8Array;
}

export interface RoutePolicy {
  /** Alert on records at or above this level. */
  readonly minSensitivity: Sensitivity;
  /** Alert on unrecognized activities too. */
  readonly unrecognized: boolean;
  /** False when the alert destination is "none". */
  readonly alertsEnabled: boolean;
}

export interface Routed {
  /** To the primary output(s): blob, hub or both. */
  readonly primary: readonly OutputRecord[];
  /** Copies of alert-worthy primary records. */
  readonly alerts: readonly OutputRecord[];
  readonly deadLetters: readonly DeadLetter[];
  readonly dropped: number;
}

const RANK: Readonly<Record<Sensitivity, number>> = { low: 1, medium: 2, high: 3 };

export function isAlertWorthy(enrichment: Enrichment, policy: RoutePolicy): boolean {
  if (!policy.alertsEnabled) return false;
  if (RANK[enrichment.sensitivity] >= RANK[policy.minSensitivity]) return true;
  return policy.unrecognized && !enrichment.recognized;
}

type Enriched = Extract<Decided, { kind: "enriched" }>;

/**
 * `facts` is handed on as a getter: the decoder computes it lazily (a JSON.parse of the output line), and only
 * alert copies read it, so an ordinary record never pays for it. `named` (activity and time, read without a
 * parse) is what the catalog-gaps table reads for unrecognized records. A class, not an object literal with
 * getters: a literal would allocate both getter closures for every record.
 */
class EnrichedOutput implements OutputRecord {
  readonly position: SourcePosition;
  readonly recordIndex: number;
  readonly line: Uint8Array;
  readonly enrichment: Enrichment;
  readonly #record: Enriched;

  constructor(position: SourcePosition, record: Enriched) {
    this.position = position;
    this.recordIndex = record.recordIndex;
    this.line = record.line;
    this.enrichment = record.enrichment;
    this.#record = record;
  }

  get facts(): AlertFacts | undefined {
    return this.#record.facts;
  }

  get named(): NamedFacts | undefined {
    return this.#record.named;
  }
}

export function route(position: SourcePosition, decided: readonly Decided[], policy: RoutePolicy): Routed {
  const primary: OutputRecord[] = [];
  const alerts: OutputRecord[] = [];
  const deadLetters: DeadLetter[] = [];
  let dropped = 0;
  for (const record of decided) {
    switch (record.kind) {
      case "enriched": {
        const out = new EnrichedOutput(position, record);
        primary.push(out);
        if (isAlertWorthy(record.enrichment, policy)) alerts.push(out);
        break;
      }
      case "passed_through":
        primary.push({ position, recordIndex: record.recordIndex, line: record.line });
        break;
      case "dead_letter":
        deadLetters.push({ position, recordIndex: record.recordIndex, reason: record.reason, raw: record.raw });
        break;
      case "dropped":
        dropped++;
        break;
    }
  }
  return { primary, alerts, deadLetters, dropped };
}
