// Which log category a record belongs to, decided from its top-level
// `category` (diagnostic records) or `Category` (Log Analytics rows).
// "AuditLogs" and the 2018 "Audit" are audit records; the other Entra log
// categories that share a hub are not. Anything else is not decided by name:
// it may be an audit category placed at the top level (Graph objects, Log
// Analytics rows, some producers), so the record is parsed and its shape decides.

import { KNOWN_LOG_CATEGORIES, type LogCategoryLabel } from "./outcome.ts";

export type LogCategoryClass = "audit" | "other_log" | "undecided";

const AUDIT_LOG_CATEGORIES = new Set(["AuditLogs", "Audit"]);
const KNOWN = new Set<string>(KNOWN_LOG_CATEGORIES);
// New Entra log categories keep appearing; their names end like these.
const OTHER_LOG_PATTERN = /(?:Logs|Events)$|^Risky/;

export function classifyLogCategory(category: string | null | undefined): LogCategoryClass {
  if (category === null || category === undefined) return "undecided";
  if (AUDIT_LOG_CATEGORIES.has(category)) return "audit";
  if (KNOWN.has(category) || OTHER_LOG_PATTERN.test(category)) return "other_log";
  return "undecided";
}

/** A bounded label for a non-audit log category: the known name or "other". */
export function logCategoryLabel(category: string | null | undefined): LogCategoryLabel {
  return category !== null && category !== undefined && KNOWN.has(category) ? (category as LogCategoryLabel) : "other";
}
