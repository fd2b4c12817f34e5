// The parts of an audit record content rules read, from wherever its shape
// keeps them (event-shapes.md):
//   diagnostic     properties.targetResources / initiatedBy / additionalDetails / result
//   graph          the same members at the top level; also `targetResource` (singular)
//   log_analytics  TargetResources / InitiatedBy / AdditionalDetails as JSON-encoded strings, Result
//   legacy         properties.targetResourceType / targetResourceName / targetUpdatedProperties
//                  (PascalCase Name, OldValue, NewValue), identityType, resultType
// Wrong types anywhere mean "absent": a rule then simply does not match.
import type { RecordShape } from "../../decode/outcome.ts";
import { decodeJsonColumn, isObject, type JsonObject, own, ownObject } from "../../decode/own-fields.ts";

export interface ContentProperty {
  /** Lower-cased name. */
  readonly key: string;
  readonly oldValue: unknown;
  readonly newValue: unknown;
}

export interface ContentTarget {
  /** Lower-cased type without a `#microsoft.graph.` prefix; "" when absent. */
  readonly type: string;
  readonly id: string | null;
  readonly displayName: string | null;
  readonly properties: readonly ContentProperty[];
}

export interface ContentDetail {
  readonly key: string;
  readonly value: unknown;
}

export interface ContentView {
  readonly targets: readonly ContentTarget[];
  readonly details: readonly ContentDetail[];
  readonly initiator: "user" | "app" | "unknown";
  readonly result: "success" | "failure" | "other";
}

const MAX_TARGETS = 64;
const MAX_PROPERTIES = 256;
const MAX_DETAILS = 128;
const MAX_COLUMN_CHARS = 1024 * 1024;
const GRAPH_PREFIX = "#microsoft.graph.";

function firstString(value: unknown, ...keys: string[]): string | null {
  for (const key of keys) {
    const v = own(value, key);
    if (typeof v === "string") return v;
  }
  return null;
}

function firstOwn(value: unknown, ...keys: string[]): unknown {
  for (const key of keys) {
    const v = own(value, key);
    if (v !== undefined) return v;
  }
  return undefined;
}

function listOf(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  return isObject(value) ? [value] : [];
}

function typeKey(type: string | null): string {
  if (type === null) return "";
  const t = type.trim().toLowerCase();
  return t.startsWith(GRAPH_PREFIX) ? t.slice(GRAPH_PREFIX.length) : t;
}

function propertiesOf(list: unknown): ContentProperty[] {
  const out: ContentProperty[] = [];
  for (const item of listOf(list)) {
    if (out.length >= MAX_PROPERTIES) break;
    const name = firstString(item, "displayName", "DisplayName", "name", "Name");
    if (name === null) continue;
    // Not trimmed: the word prefilter looks for the name right after its quote.
    out.push({ key: name.toLowerCase(), oldValue: firstOwn(item, "oldValue", "OldValue"), newValue: firstOwn(item, "newValue", "NewValue") });
  }
  return out;
}

export function targetsOf(list: unknown): ContentTarget[] {
  const out: ContentTarget[] = [];
  for (const item of listOf(list)) {
    if (out.length >= MAX_TARGETS) break;
    if (!isObject(item)) continue;
    out.push({
      type: typeKey(firstString(item, "type", "Type", "@odata.type")),
      id: firstString(item, "id", "Id"),
      displayName: firstString(item, "displayName", "DisplayName"),
      properties: propertiesOf(firstOwn(item, "modifiedProperties", "ModifiedProperties")),
    });
  }
  return out;
}

export function detailsOf(value: unknown): ContentDetail[] {
  const out: ContentDetail[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (out.length >= MAX_DETAILS) break;
      const key = firstString(item, "key", "Key");
      if (key !== null) out.push({ key: key.toLowerCase(), value: firstOwn(item, "value", "Value") });
    }
  } else if (isObject(value)) {
    // Legacy records keep additionalDetails as a plain object (or "None").
    for (const key of Object.keys(value)) {
      if (out.length >= MAX_DETAILS) break;
      out.push({ key: key.toLowerCase(), value: value[key] });
    }
  }
  return out;
}

export function initiatorOf(initiatedBy: unknown): ContentView["initiator"] {
  if (ownObject(initiatedBy, "user") !== null) return "user";
  if (ownObject(initiatedBy, "app") !== null) return "app";
  return "unknown";
}

export function resultOf(value: unknown): ContentView["result"] {
  if (value === 0) return "success";
  if (typeof value !== "string") return "other";
  const v = value.trim().toLowerCase();
  if (v === "success" || v === "succeeded" || v === "0") return "success";
  if (v === "failure" || v === "failed" || v === "fail") return "failure";
  return "other";
}

function column(record: JsonObject, key: string): unknown {
  return decodeJsonColumn(own(record, key), MAX_COLUMN_CHARS);
}

function diagnosticView(record: JsonObject): ContentView {
  const p = ownObject(record, "properties");
  return {
    targets: targetsOf(own(p, "targetResources") ?? own(record, "targetResources")),
    details: detailsOf(own(p, "additionalDetails")),
    initiator: initiatorOf(own(p, "initiatedBy") ?? own(record, "initiatedBy")),
    result: resultOf(own(p, "result") ?? own(record, "resultType")),
  };
}

function graphView(record: JsonObject): ContentView {
  return {
    targets: targetsOf(own(record, "targetResources") ?? own(record, "targetResource")),
    details: detailsOf(own(record, "additionalDetails")),
    initiator: initiatorOf(own(record, "initiatedBy")),
    result: resultOf(own(record, "result")),
  };
}

function logAnalyticsView(record: JsonObject): ContentView {
  return {
    targets: targetsOf(column(record, "TargetResources")),
    details: detailsOf(column(record, "AdditionalDetails")),
    initiator: initiatorOf(column(record, "InitiatedBy")),
    result: resultOf(own(record, "Result")),
  };
}

function legacyView(record: JsonObject): ContentView {
  const p = ownObject(record, "properties");
  const main: ContentTarget = {
    type: typeKey(firstString(p, "targetResourceType")),
    id: null,
    displayName: firstString(p, "targetResourceName"),
    properties: propertiesOf(own(p, "targetUpdatedProperties")),
  };
  const extra = listOf(own(p, "additionalTargets"))
    .slice(0, MAX_TARGETS)
    .map((t) => ({
      type: typeKey(firstString(t, "targetResourceType", "TargetResourceType", "type")),
      id: firstString(t, "targetObjectId", "id"),
      displayName: firstString(t, "targetResourceName", "TargetResourceName", "displayName"),
      properties: [],
    }));
  const identityType = firstString(p, "identityType")?.toLowerCase();
  return {
    targets: [main, ...extra],
    details: detailsOf(own(p, "additionalDetails")),
    initiator: identityType === "user" ? "user" : identityType === "application" ? "app" : "unknown",
    result: resultOf(own(record, "resultType") ?? own(p, "result")),
  };
}

const VIEWS: Readonly<Record<RecordShape, (record: JsonObject) => ContentView>> = {
  diagnostic: diagnosticView,
  graph: graphView,
  log_analytics: logAnalyticsView,
  legacy: legacyView,
};

/** What content rules read from a parsed audit record of the given shape. Never throws on content. */
export function contentView(record: JsonObject, shape: RecordShape): ContentView {
  return VIEWS[shape](record);
}
