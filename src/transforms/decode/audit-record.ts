// Recognizes the shape of a parsed record and reads the three names the
// catalog lookup needs from wherever that shape keeps them:
//   diagnostic (log category AuditLogs): properties.activityDisplayName,
//     properties.loggedByService, properties.category; never the log category.
//   legacy (log category Audit, 2018): operationName, no service,
//     properties.auditEventCategory.
//   graph (directoryAudit): activityDisplayName, loggedByService, category.
//   log_analytics (AuditLogs rows): ActivityDisplayName, LoggedByService, Category.
// When activityDisplayName is missing the activity falls back to operationName,
// and the result says so. It reads through own()/ownString(), so it works the
// same on a parsed record and on the members record-fields.ts collected.

import { classifyLogCategory, logCategoryLabel } from "./log-category.ts";
import type { ActivitySource, LogCategoryLabel, RecordShape } from "./outcome.ts";
import { type JsonObject, own, ownObject, ownString } from "./own-fields.ts";

export interface AuditRecordNames {
  readonly kind: "audit";
  readonly shape: RecordShape;
  readonly activity: string;
  readonly activitySource: ActivitySource;
  readonly service: string | null;
  readonly category: string | null;
}

export interface NonAuditRecord {
  readonly kind: "non_audit";
  readonly logCategory: LogCategoryLabel;
}

export interface UnsupportedRecord {
  readonly kind: "unsupported";
}

export type RecordClass = AuditRecordNames | NonAuditRecord | UnsupportedRecord;

function pickActivity(displayName: string | null, operationName: string | null): [string, ActivitySource] {
  if (displayName !== null) return [displayName, "activityDisplayName"];
  if (operationName !== null) return [operationName, "operationName"];
  return ["", "none"];
}

function azureMonitorRecord(record: JsonObject): RecordClass {
  const logCategory = ownString(record, "category");
  const logClass = classifyLogCategory(logCategory);
  if (logClass === "other_log") return { kind: "non_audit", logCategory: logCategoryLabel(logCategory) };
  const properties = ownObject(record, "properties");
  const operationName = ownString(record, "operationName") ?? ownString(properties, "operationName");
  const [activity, activitySource] = pickActivity(ownString(properties, "activityDisplayName"), operationName);
  // A record whose category says nothing and that names no activity is not something we can enrich.
  if (logClass === "undecided" && activitySource === "none") return { kind: "unsupported" };
  const legacy = logCategory === "Audit" || own(properties, "auditEventCategory") !== undefined;
  const category = legacy
    ? ownString(properties, "auditEventCategory")
    : (ownString(properties, "category") ?? (logClass === "undecided" ? logCategory : null));
  return {
    kind: "audit",
    shape: legacy ? "legacy" : "diagnostic",
    activity,
    activitySource,
    service: ownString(properties, "loggedByService"),
    category,
  };
}

function logAnalyticsRow(record: JsonObject): RecordClass {
  const category = ownString(record, "Category");
  if (classifyLogCategory(category) === "other_log") return { kind: "non_audit", logCategory: logCategoryLabel(category) };
  const [activity, activitySource] = pickActivity(ownString(record, "ActivityDisplayName"), ownString(record, "OperationName"));
  return {
    kind: "audit",
    shape: "log_analytics",
    activity,
    activitySource,
    service: ownString(record, "LoggedByService"),
    category,
  };
}

function graphDirectoryAudit(record: JsonObject): RecordClass {
  const [activity, activitySource] = pickActivity(ownString(record, "activityDisplayName"), ownString(record, "operationName"));
  return {
    kind: "audit",
    shape: "graph",
    activity,
    activitySource,
    service: ownString(record, "loggedByService"),
    category: ownString(record, "category"),
  };
}

const AZURE_MONITOR_KEYS = ["properties", "resourceId", "operationName", "time"];
const LOG_ANALYTICS_KEYS = ["ActivityDisplayName", "OperationName"];

export function classifyRecord(record: JsonObject): RecordClass {
  if (AZURE_MONITOR_KEYS.some((key) => Object.hasOwn(record, key))) return azureMonitorRecord(record);
  if (LOG_ANALYTICS_KEYS.some((key) => typeof own(record, key) === "string")) return logAnalyticsRow(record);
  if (typeof own(record, "activityDisplayName") === "string") return graphDirectoryAudit(record);
  // The minimal Azure Monitor record: only a log category that says "audit".
  const logCategory = ownString(record, "category");
  if (classifyLogCategory(logCategory) === "audit") return azureMonitorRecord(record);
  if (classifyLogCategory(logCategory) === "other_log") return { kind: "non_audit", logCategory: logCategoryLabel(logCategory) };
  return { kind: "unsupported" };
}
