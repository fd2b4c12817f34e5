// Hostile traffic for `npm run fuzz:e2e`: 100,000 messages mixing valid
// envelopes with everything a broken exporter or an attacker can put on a hub.
// Every message says what must become of it, so the run can account for each
// record: delivered to the blob output, dead-lettered, or (where a decoder may
// reasonably do either) exactly one of the two.
import type { DeadLetterReason } from "../../../src/transforms/decode/outcome.ts";
import { COMMON_ACTIVITIES } from "../e2e/activities.ts";
import { SeededRandom } from "../e2e/random.ts";
import { auditRecord } from "../e2e/stream.ts";

export type FuzzCategory =
  | "valid"
  | "unknown-activities"
  | "invalid-json"
  | "gzip-truncated"
  | "deep-nesting"
  | "huge-string"
  | "proto-keys"
  | "wrong-types"
  | "non-object-records"
  | "odd-shapes";

/** deliver: must reach the blob output; dead-letter: must be dead-lettered; either: exactly one of the two. */
export type Expectation = "deliver" | "dead-letter" | "either";

export interface FuzzRecord {
  /** properties.id when the record carries one we can find again in the output. */
  readonly id: string | null;
  readonly expect: Expectation;
  /** When dead-lettered, one of these reasons (decode's closed list). */
  readonly reasons: readonly DeadLetterReason[];
  readonly unknownActivity: string | null;
}

export interface FuzzMessage {
  readonly index: number;
  readonly category: FuzzCategory;
  readonly body: Buffer;
  /** Set when the message as a whole cannot be decoded: one dead letter for the message. */
  readonly messageExpect: Expectation | null;
  /** The acceptable reasons of that message-level dead letter. */
  readonly messageReasons: readonly DeadLetterReason[];
  readonly records: readonly FuzzRecord[];
}

/** Share of messages per category (sums to 1); the rest of the weight is valid traffic. */
export const CATEGORY_WEIGHTS: Readonly<Record<FuzzCategory, number>> = {
  valid: 0.45,
  "unknown-activities": 0.15,
  "invalid-json": 0.1,
  "gzip-truncated": 0.05,
  "deep-nesting": 0.002,
  "huge-string": 0.0003,
  "proto-keys": 0.05,
  "wrong-types": 0.15,
  "non-object-records": 0.0247,
  "odd-shapes": 0.023,
};

export const UNIQUE_FAKE_NAMES = 10_000;

export function fakeActivityName(i: number): string {
  return `Fuzz activity ${i.toString(36)} – preview `; // en dash and trailing space, as real names have
}

/** Every field of the record with a value of the wrong JSON type. */
export const WRONG_TYPE_FIELDS = [
  "time",
  "resourceId",
  "operationName",
  "category",
  "tenantId",
  "correlationId",
  "durationMs",
  "callerIpAddress",
  "Level",
  "properties",
  "properties.id",
  "properties.category",
  "properties.activityDisplayName",
  "properties.activityDateTime",
  "properties.loggedByService",
  "properties.operationType",
  "properties.result",
  "properties.initiatedBy",
  "properties.targetResources",
  "properties.additionalDetails",
] as const;

const WRONG_VALUES: readonly unknown[] = [42, true, null, [], {}, ["a", 1], { nested: { deeper: 1 } }, -1e308, ""];

function setPath(record: Record<string, unknown>, path: string, value: unknown): void {
  const [head, tail] = path.split(".") as [string, string | undefined];
  if (tail === undefined) record[head] = value;
  else (record[head] as Record<string, unknown>)[tail] = value;
}

function validRecord(random: SeededRandom, index: number, r: number, activityName?: string): Record<string, unknown> {
  const base = random.pick(COMMON_ACTIVITIES);
  const activity = activityName === undefined ? base : { ...base, name: activityName };
  return auditRecord(random, activity, `FUZZ-${index}-${r}`, Date.UTC(2026, 10, 25) + index * 10);
}

function pickCategory(random: SeededRandom): FuzzCategory {
  let u = random.next();
  for (const [category, weight] of Object.entries(CATEGORY_WEIGHTS) as [FuzzCategory, number][]) {
    if (u < weight) return category;
    u -= weight;
  }
  return "valid";
}

const ANY_RECORD_REASON: DeadLetterReason[] = ["not_an_object", "unsupported_shape", "too_large", "too_deep"];

const envelope = (records: unknown[]) => Buffer.from(JSON.stringify({ records }));

function deepNesting(random: SeededRandom): Buffer {
  const depth = random.chance(0.2) ? 100_000 : random.int(1000, 20_000);
  const inner = "[".repeat(depth) + "]".repeat(depth);
  return Buffer.from(`{"records":[{"time":"2026-11-25T00:00:00Z","category":"AuditLogs","properties":{"deep":${inner}}}]}`);
}

/**
 * Message `index` of the run. `nextFakeName` hands out fake activity names in
 * rotation, so a long enough run uses every one of the UNIQUE_FAKE_NAMES.
 */
export function fuzzMessage(seed: number, index: number, nextFakeName: () => string): FuzzMessage {
  const random = new SeededRandom((seed * 7_919 + index) >>> 0);
  const category = pickCategory(random);
  const message = (body: Buffer, messageExpect: Expectation | null, records: FuzzRecord[] = [], messageReasons: DeadLetterReason[] = []): FuzzMessage => ({
    index,
    category,
    body,
    messageExpect,
    messageReasons,
    records,
  });
  const record = (id: string | null, expect: Expectation, unknownActivity: string | null = null, reasons: DeadLetterReason[] = ANY_RECORD_REASON): FuzzRecord => ({ id, expect, reasons, unknownActivity });
  switch (category) {
    case "valid": {
      const n = random.int(1, 4);
      const records = Array.from({ length: n }, (_, r) => validRecord(random, index, r));
      return message(envelope(records), null, records.map((_, r) => record(`FUZZ-${index}-${r}`, "deliver")));
    }
    case "unknown-activities": {
      const n = random.int(1, 4);
      const names = Array.from({ length: n }, nextFakeName);
      const records = names.map((name, r) => validRecord(random, index, r, name));
      return message(envelope(records), null, names.map((name, r) => record(`FUZZ-${index}-${r}`, "deliver", name)));
    }
    case "invalid-json": {
      const valid = envelope([validRecord(random, index, 0)]).toString();
      const variants = [
        valid.slice(0, random.int(1, valid.length - 2)),
        valid.replace(/"records"/, "'records'"),
        `${valid.slice(0, -2)},]}`,
        `{"records":[NaN]}`,
        valid.replace(/:/, ":: "),
        "\u0000\u0001{",
      ];
      // Trailing garbage after a complete envelope: the garbage must be dead-lettered; whether the
      // complete envelope before it is delivered is the decoder's choice (NDJSON-style readers do).
      if (random.chance(1 / 7)) return message(Buffer.from(`${valid}}`), "dead-letter", [record(`FUZZ-${index}-0`, "either")], ["invalid_json"]);
      return message(Buffer.from(random.pick(variants)), "dead-letter", [], ["invalid_json"]);
    }
    case "gzip-truncated": {
      const bytes = Buffer.alloc(random.int(2, 4096));
      for (let i = 0; i < bytes.length; i++) bytes[i] = random.int(0, 255);
      bytes[0] = 0x1f;
      bytes[1] = 0x8b;
      if (bytes.length > 2) bytes[2] = 0x08;
      return message(bytes, "dead-letter", [], ["invalid_utf8", "invalid_json"]);
    }
    case "deep-nesting":
      // Decode's depth limit (64) is far below; which record or message carries the reason is decode's choice.
      return message(deepNesting(random), "dead-letter", [], ["too_deep"]);
    case "huge-string": {
      // 1 MB of text in one field: below decode's 4 MiB record limit and the hub's 1 MiB message limit, so delivered.
      const huge = validRecord(random, index, 0);
      setPath(huge, "properties.resultReason", "x".repeat(1_000_000));
      return message(envelope([huge]), null, [record(`FUZZ-${index}-0`, "deliver")]);
    }
    case "proto-keys": {
      const text = JSON.stringify({ records: [validRecord(random, index, 0)] }).replace('"properties":{', '"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"properties":{"__proto__":{"isAdmin":true},');
      return message(Buffer.from(text), null, [record(`FUZZ-${index}-0`, "either")]);
    }
    case "wrong-types": {
      const broken = validRecord(random, index, 0);
      const field = random.pick(WRONG_TYPE_FIELDS);
      setPath(broken, field, random.pick(WRONG_VALUES));
      // Without an intact properties object the id itself may be gone: count by position then.
      const id = field === "properties" || field === "properties.id" ? null : `FUZZ-${index}-0`;
      return message(envelope([broken]), null, [record(id, "either")]);
    }
    case "non-object-records": {
      const odd = random.pick<unknown>([1, "text", null, true, [1, 2], -0.5]);
      const good = validRecord(random, index, 1);
      return message(envelope([odd, good]), null, [record(null, "dead-letter", null, ["not_an_object"]), record(`FUZZ-${index}-1`, "deliver")]);
    }
    case "odd-shapes": {
      const body = random.pick(["{}", '"just a string"', "null", "12345", '{"records":"not an array"}', '{"records":{}}', "", " "]);
      return message(Buffer.from(body), "dead-letter", [], ["empty", "not_an_object", "unsupported_shape"]);
    }
  }
}

export function* fuzzMessages(seed: number, count: number): Generator<FuzzMessage> {
  let fake = 0;
  const nextFakeName = () => fakeActivityName(fake++ % UNIQUE_FAKE_NAMES);
  for (let index = 0; index < count; index++) yield fuzzMessage(seed, index, nextFakeName);
}
