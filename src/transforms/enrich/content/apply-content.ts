// The enrichment stage's one step for content rules. Only records whose
// activity has content rules get here (the cache entry says so). A record
// that contains none of the words its rules need is left as it is, unparsed;
// otherwise its content is read (for Azure Monitor records only the members
// the decoder located, else the parsed record through its shape's accessor)
// and it gets a new `enrichment` member when a rule matched. The encoded
// members are memoized per cached answer: reasons come from closed sets, so
// the variants are few; the memo is still bounded.
import { type Buffer, isAscii } from "node:buffer";
import { type BoundedMemo, memoOf } from "../../../catalog/bounded-memo.ts";
import type { ContentRuleSet } from "../../../catalog/content/compile-content.ts";
import type { RecordShape } from "../../decode/outcome.ts";
import type { JsonObject } from "../../decode/own-fields.ts";
import { type EncodedEnrichment, encodeEnrichment } from "../enrichment-cache.ts";
import { evaluateContent } from "./evaluate-content.ts";
import { type ContentView, contentView } from "./record-content.ts";
import { contentSpans, SpanContentView, spanText } from "./span-view.ts";

const MAX_VARIANTS = 256;
const variants = new WeakMap<EncodedEnrichment, BoundedMemo<EncodedEnrichment>>();
const NULL_FIRST_BYTE = 0x6e;

/** False when none of the texts holds a word the rules need (one pattern per rule set, compiled at load). */
function mayMatch(rules: ContentRuleSet, first: string, second: string | null): boolean {
  const pattern = rules.mayMatch;
  return pattern === null || pattern.test(first) || (second !== null && pattern.test(second));
}

function readContent(rules: ContentRuleSet, bytes: Buffer, start: number, end: number, shape: RecordShape, fields: JsonObject | null): ContentView | null {
  const spans = shape === "diagnostic" ? contentSpans(fields) : null;
  // `null` members make the full view look elsewhere (e.g. top-level targetResources): take the full path then.
  if (spans !== null && bytes[spans.targets.start] !== NULL_FIRST_BYTE && bytes[spans.initiatedBy.start] !== NULL_FIRST_BYTE && bytes[spans.result.start] !== NULL_FIRST_BYTE) {
    const targets = spanText(bytes, spans.targets);
    const details = rules.readsDetails && spans.details !== null ? spanText(bytes, spans.details) : null;
    if (!mayMatch(rules, targets, details)) return null;
    return new SpanContentView(bytes, targets, spans.details, spans.initiatedBy, spans.result);
  }
  const text = bytes.toString(isAscii(bytes.subarray(start, end)) ? "latin1" : "utf8", start, end);
  if (!mayMatch(rules, text, null)) return null;
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return null;
  }
  if (record === null || typeof record !== "object" || Array.isArray(record)) return null;
  return contentView(record as JsonObject, shape);
}

/** `encoded` when no content rule applies or matches; otherwise the answer with the content verdict merged in. */
export function applyContentRules(
  encoded: EncodedEnrichment,
  bytes: Buffer,
  start: number,
  end: number,
  shape: RecordShape,
  fields: JsonObject | null,
): EncodedEnrichment {
  const rules = encoded.contentRules;
  if (rules === null) return encoded;
  const view = readContent(rules, bytes, start, end, shape, fields);
  if (view === null) return encoded;
  const verdict = evaluateContent(rules, view, encoded.enrichment);
  if (verdict === null) return encoded;
  const memo = memoOf(variants, encoded, MAX_VARIANTS);
  const hit = memo.get(verdict.key);
  if (hit !== undefined) return hit;
  const enrichment = { ...encoded.enrichment, sensitivity: verdict.sensitivity, sensitive: verdict.sensitivity === "high", reasons: verdict.reasons };
  const out: EncodedEnrichment = { enrichment, member: encodeEnrichment(enrichment), contentRules: null };
  memo.set(verdict.key, out);
  return out;
}
