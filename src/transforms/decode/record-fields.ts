// Reads the few members the decoder needs from a record's bytes while the
// scanner walks it, so an audit record never has to be parsed whole: the names
// for the catalog (activity, service, audit category, log category), the
// members that tell the shapes apart, and whether it already has `enrichment`.
// The result is a small plain object holding only those members (its keys come
// from the fixed lists below, never from input, so it cannot be polluted):
// strings decoded, any other value present as NON_STRING (so own()/ownString()
// in audit-record.ts read it exactly as they would read the parsed record), and
// `properties` as a nested object of the same kind.

import type { Buffer } from "node:buffer";
import { type JsonText, scanObjectMembers, scanValue } from "./json-scan.ts";
import type { JsonObject } from "./own-fields.ts";

/** Stands for a member whose value is not a string (number, boolean, null, array, or an object not read). */
export const NON_STRING = 0;

const TOP_LEVEL = new Set([
  "properties",
  "resourceId",
  "operationName",
  "time",
  "category",
  "Category",
  "activityDisplayName",
  "loggedByService",
  "ActivityDisplayName",
  "OperationName",
  "LoggedByService",
  "enrichment",
  // The activity time (facts.ts, namedFacts), so the catalog-gaps table never parses a record.
  "activityDateTime",
  "ActivityDateTime",
  "TimeGenerated",
]);
/**
 * Members of `properties` kept as a ContentSpan (where the value's bytes are)
 * rather than decoded: content rules (src/transforms/enrich/content/) parse
 * only these, and only for activities that have content rules.
 */
export const CONTENT_MEMBERS = ["targetResources", "additionalDetails", "initiatedBy", "result"] as const;
const CONTENT_MEMBER_SET = new Set<string>(CONTENT_MEMBERS);

/** Byte span [start, end) of a member's value in the scanned buffer. */
export interface ContentSpan {
  readonly start: number;
  readonly end: number;
}

const IN_PROPERTIES = new Set(["activityDisplayName", "loggedByService", "category", "auditEventCategory", "operationName", "activityDateTime", ...CONTENT_MEMBERS]);

// Keys are compared as bytes, grouped by length, so a member nobody asked for costs a length check.
function byLength(names: Set<string>): (string[] | undefined)[] {
  const table: (string[] | undefined)[] = [];
  for (const name of names) {
    const slot = name.length + 2;
    table[slot] = [...(table[slot] ?? []), name];
  }
  return table;
}


/**
 * A member whose presence alone tells the shapes apart (audit-record.ts reads it
 * with Object.hasOwn only): kept as NON_STRING, so its text is never decoded.
 * (`time` also tells them apart, but is decoded: it is the activity time.)
 */
function isPresenceOnly(key: string): boolean {
  return key === "resourceId";
}

const TOP_BY_LENGTH = byLength(TOP_LEVEL);
const PROPERTIES_BY_LENGTH = byLength(IN_PROPERTIES);

function wantedKey(
  t: JsonText,
  b: Buffer,
  ks: number,
  ke: number,
  wanted: (string[] | undefined)[],
  names: Set<string>,
): string | null {
  const candidates = wanted[ke - ks];
  if (candidates !== undefined) {
    for (const name of candidates) if (t.text.startsWith(name, ks + 1)) return name;
  }
  // An escaped key ("\u0063ategory") means what it decodes to, as for JSON.parse.
  if (t.backslashAt(ks) < ke) {
    const decoded = JSON.parse(b.toString("utf8", ks, ke)) as string;
    if (names.has(decoded)) return decoded;
  }
  return null;
}

function decodeString(t: JsonText, b: Buffer, vs: number, ve: number): string {
  return t.backslashAt(vs) < ve ? (JSON.parse(b.toString("utf8", vs, ve)) as string) : b.toString("utf8", vs + 1, ve - 1);
}

/**
 * Scans the object at `start` (at `{`), collecting the wanted members into `fields`.
 * Returns the end of the object or a negative scan code. Only call on bytes that
 * may be decoded: strings taken here are decoded as UTF-8.
 */
export function scanRecordFields(t: JsonText, b: Buffer, start: number, end: number, depthLeft: number, fields: JsonObject): number {
  return scanObjectMembers(t, start, end, depthLeft, (ks, ke, vs, left) => captureMember(t, b, ks, ke, vs, end, left, fields));
}

/** Scans one member's value, recording it in `fields` when it is wanted at the top level. */
export function captureMember(
  t: JsonText,
  b: Buffer,
  ks: number,
  ke: number,
  vs: number,
  end: number,
  left: number,
  fields: JsonObject,
): number {
  const key = wantedKey(t, b, ks, ke, TOP_BY_LENGTH, TOP_LEVEL);
  if (key === "properties" && b[vs] === 0x7b) {
    const properties: JsonObject = {};
    const ve = scanObjectMembers(t, vs, end, left, (pks, pke, pvs, pleft) => {
      const ve = scanValue(t, pvs, end, pleft);
      if (ve < 0) return ve;
      const name = wantedKey(t, b, pks, pke, PROPERTIES_BY_LENGTH, IN_PROPERTIES);
      if (name !== null) properties[name] = CONTENT_MEMBER_SET.has(name) ? ({ start: pvs, end: ve } satisfies ContentSpan) : b[pvs] === 0x22 ? decodeString(t, b, pvs, ve) : NON_STRING;
      return ve;
    });
    if (ve >= 0) fields.properties = properties;
    return ve;
  }
  const ve = scanValue(t, vs, end, left);
  if (ve >= 0 && key !== null) fields[key] = b[vs] === 0x22 && !isPresenceOnly(key) ? decodeString(t, b, vs, ve) : NON_STRING;
  return ve;
}
