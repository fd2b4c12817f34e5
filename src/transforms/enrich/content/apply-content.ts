// The enrichment stage's one step for content rules. Only records whose
// activity has content rules get here (the cache entry says so); they are
// parsed, read through the shape's accessor, and get a new `enrichment`
// member when a rule matched. The encoded members are memoized per cached
// answer: reasons come from closed sets, so the variants are few; the memo is
// still bounded.
import type { Buffer } from "node:buffer";
import type { RecordShape } from "../../decode/outcome.ts";
import type { JsonObject } from "../../decode/own-fields.ts";
import { type EncodedEnrichment, encodeEnrichment } from "../enrichment-cache.ts";
import { evaluateContent } from "./evaluate-content.ts";
import { contentView } from "./record-content.ts";

const MAX_VARIANTS = 256;
const variants = new WeakMap<EncodedEnrichment, Map<string, EncodedEnrichment>>();

/** `encoded` when no content rule applies or matches; otherwise the answer with the content verdict merged in. */
export function applyContentRules(encoded: EncodedEnrichment, bytes: Buffer, start: number, end: number, shape: RecordShape): EncodedEnrichment {
  const rules = encoded.contentRules;
  if (rules === null) return encoded;
  let record: unknown;
  try {
    record = JSON.parse(bytes.toString("utf8", start, end));
  } catch {
    return encoded;
  }
  if (record === null || typeof record !== "object" || Array.isArray(record)) return encoded;
  const verdict = evaluateContent(rules, contentView(record as JsonObject, shape), encoded.enrichment);
  if (verdict === null) return encoded;
  const key = `${verdict.sensitivity}\u0000${verdict.reasons.join("\u0000")}`;
  let memo = variants.get(encoded);
  const hit = memo?.get(key);
  if (hit !== undefined) return hit;
  const enrichment = { ...encoded.enrichment, sensitivity: verdict.sensitivity, sensitive: verdict.sensitivity === "high", reasons: verdict.reasons };
  const out: EncodedEnrichment = { enrichment, member: encodeEnrichment(enrichment), contentRules: null };
  if (memo === undefined) {
    memo = new Map();
    variants.set(encoded, memo);
  }
  if (memo.size >= MAX_VARIANTS) memo.clear();
  memo.set(key, out);
  return out;
}
