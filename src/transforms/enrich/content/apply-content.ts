// The enrichment stage's one step for content rules. Only records whose
// activity has content rules get here (the cache entry says so); they are
// parsed, read through the shape's accessor, and get a new `enrichment`
// member when a rule matched. The encoded members are memoized per cached
// answer: reasons come from closed sets, so the variants are few; the memo is
// still bounded.
import { type Buffer, isAscii } from "node:buffer";
import type { ContentRuleSet } from "../../../catalog/content/compile-content.ts";
import type { RecordShape } from "../../decode/outcome.ts";
import type { JsonObject } from "../../decode/own-fields.ts";
import { type EncodedEnrichment, encodeEnrichment } from "../enrichment-cache.ts";
import { evaluateContent } from "./evaluate-content.ts";
import { contentView } from "./record-content.ts";

const MAX_VARIANTS = 256;
const variants = new WeakMap<EncodedEnrichment, Map<string, EncodedEnrichment>>();

/**
 * The record as text when it may match, null when it cannot: it contains none
 * of the words the rules need (compared case-insensitively on the raw bytes;
 * a record with `\u` escapes is always parsed, as an escape could spell one).
 */
function candidateText(rules: ContentRuleSet, bytes: Buffer, start: number, end: number): string | null {
  const ascii = isAscii(bytes.subarray(start, end));
  const text = bytes.toString(ascii ? "latin1" : "utf8", start, end);
  const words = rules.mustContain;
  if (words === null || text.includes("\\u")) return text;
  const lower = text.toLowerCase();
  for (const word of words) if (lower.includes(word)) return text;
  return null;
}

/** `encoded` when no content rule applies or matches; otherwise the answer with the content verdict merged in. */
export function applyContentRules(encoded: EncodedEnrichment, bytes: Buffer, start: number, end: number, shape: RecordShape): EncodedEnrichment {
  const rules = encoded.contentRules;
  if (rules === null) return encoded;
  const text = candidateText(rules, bytes, start, end);
  if (text === null) return encoded;
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return encoded;
  }
  if (record === null || typeof record !== "object" || Array.isArray(record)) return encoded;
  const verdict = evaluateContent(rules, contentView(record as JsonObject, shape), encoded.enrichment);
  if (verdict === null) return encoded;
  const key = verdict.key;
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
