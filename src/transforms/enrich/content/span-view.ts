// The fast way to a diagnostic record's content: the decoder kept where
// `properties.targetResources`, `additionalDetails`, `initiatedBy` and `result`
// are (record-fields.ts, CONTENT_MEMBERS), so only those values are parsed,
// each on first use, instead of the whole record. Same answers as
// contentView(JSON.parse(record), "diagnostic") whenever it is used (the
// caller falls back to that when a member is missing).
import { type Buffer, isAscii } from "node:buffer";
import type { ContentSpan } from "../../decode/record-fields.ts";
import { type JsonObject, own } from "../../decode/own-fields.ts";
import { type ContentDetail, type ContentTarget, type ContentView, detailsOf, initiatorOf, resultOf, targetsOf } from "./record-content.ts";

function isSpan(value: unknown): value is ContentSpan {
  return typeof value === "object" && value !== null && typeof (value as ContentSpan).start === "number" && typeof (value as ContentSpan).end === "number";
}

/** The text of a span (latin1 when it is ASCII, which is then the same and cheaper). */
export function spanText(bytes: Buffer, span: ContentSpan): string {
  return bytes.toString(isAscii(bytes.subarray(span.start, span.end)) ? "latin1" : "utf8", span.start, span.end);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export class SpanContentView implements ContentView {
  readonly #bytes: Buffer;
  readonly #targets: string;
  readonly #details: ContentSpan | null;
  readonly #initiatedBy: ContentSpan;
  readonly #result: ContentSpan;
  #targetList: readonly ContentTarget[] | null = null;
  #detailList: readonly ContentDetail[] | null = null;
  #initiator: ContentView["initiator"] | null = null;
  #resultValue: ContentView["result"] | null = null;

  constructor(bytes: Buffer, targetsText: string, details: ContentSpan | null, initiatedBy: ContentSpan, result: ContentSpan) {
    this.#bytes = bytes;
    this.#targets = targetsText;
    this.#details = details;
    this.#initiatedBy = initiatedBy;
    this.#result = result;
  }

  get targets(): readonly ContentTarget[] {
    this.#targetList ??= targetsOf(parse(this.#targets));
    return this.#targetList;
  }

  get details(): readonly ContentDetail[] {
    this.#detailList ??= this.#details === null ? [] : detailsOf(parse(spanText(this.#bytes, this.#details)));
    return this.#detailList;
  }

  get initiator(): ContentView["initiator"] {
    this.#initiator ??= initiatorOf(parse(spanText(this.#bytes, this.#initiatedBy)));
    return this.#initiator;
  }

  get result(): ContentView["result"] {
    this.#resultValue ??= resultOf(parse(spanText(this.#bytes, this.#result)));
    return this.#resultValue;
  }
}

/** The spans the decoder kept for a diagnostic record, or null when one that the full view would read elsewhere is missing. */
export function contentSpans(fields: JsonObject | null): { targets: ContentSpan; details: ContentSpan | null; initiatedBy: ContentSpan; result: ContentSpan } | null {
  const properties = own(fields, "properties");
  const targets = own(properties, "targetResources");
  const initiatedBy = own(properties, "initiatedBy");
  const result = own(properties, "result");
  const details = own(properties, "additionalDetails");
  if (!isSpan(targets) || !isSpan(initiatedBy) || !isSpan(result)) return null;
  return { targets, details: isSpan(details) ? details : null, initiatedBy, result };
}
