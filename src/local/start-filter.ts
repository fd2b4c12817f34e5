// Parses the selector expressions the SDK sends as a receiver's start position and
// resolves them against a partition log to the first sequence number to deliver.
import type { PartitionLog } from "./partition-log.ts";

export type StartPosition =
  | { readonly kind: "offset"; readonly value: string; readonly inclusive: boolean }
  | { readonly kind: "sequence"; readonly value: number; readonly inclusive: boolean }
  | { readonly kind: "time"; readonly value: number };

const EXPRESSION = /^amqp\.annotation\.x-opt-(offset|sequence-number|enqueued-time)\s*(>=|>)\s*'([^']*)'$/;

/** Returns the start position, or an error text for an expression the broker cannot honour. */
export function parseStartFilter(expression: string | undefined): StartPosition | string {
  if (expression === undefined) return { kind: "offset", value: "-1", inclusive: false };
  const match = EXPRESSION.exec(expression.trim());
  if (match === null) return `unsupported selector filter: ${expression}`;
  const [, field, op, raw] = match as unknown as [string, string, string, string];
  const inclusive = op === ">=";
  if (field === "offset") {
    if (raw !== "@latest" && !/^-?\d+$/.test(raw)) return `offset '${raw}' is not numeric`;
    return { kind: "offset", value: raw, inclusive };
  }
  if (!/^-?\d+$/.test(raw)) return `'${raw}' is not an integer`;
  if (field === "sequence-number") return { kind: "sequence", value: Number(raw), inclusive };
  return { kind: "time", value: Number(raw) };
}

/** First sequence number at or after the start position (evicted events are skipped). */
export function resolveStart(position: StartPosition, log: PartitionLog): number {
  let next: number;
  if (position.kind === "offset") {
    if (position.value === "@latest") return log.nextSequenceNumber;
    next = log.firstAfterOffset(Number(position.value), position.inclusive);
  } else if (position.kind === "sequence") {
    next = position.inclusive ? position.value : position.value + 1;
  } else {
    next = log.firstAfterTime(position.value);
  }
  return Math.min(Math.max(next, log.firstSequenceNumber), log.nextSequenceNumber);
}
