// The activity names the generated stream draws from. The most common real
// activities rank first (Zipf puts most of the volume on them); the catalog's
// own source rows, when present in catalog/, fill the long tail.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export interface Activity {
  readonly name: string;
  /** loggedByService as the stream spells it. */
  readonly service: string;
  /** Audit category as the stream spells it. */
  readonly category: string;
}

// Provenance: activity, service area and category copied from Microsoft's Entra
// audit activity reference (entra-docs, page dated 2024-10-04); the service is
// spelled as loggedByService appears in exported events (event-shapes.md).
export const COMMON_ACTIVITIES: readonly Activity[] = [
  { name: "Update user", service: "Core Directory", category: "UserManagement" },
  { name: "Add member to group", service: "Core Directory", category: "GroupManagement" },
  { name: "Update StsRefreshTokenValidFrom Timestamp", service: "Core Directory", category: "UserManagement" },
  { name: "Add app role assignment to service principal", service: "Core Directory", category: "ApplicationManagement" },
  { name: "Update device", service: "Core Directory", category: "Device" },
  { name: "Remove member from group", service: "Core Directory", category: "GroupManagement" },
  { name: "User registered security info", service: "Authentication Methods", category: "UserManagement" },
  { name: "Add user", service: "Core Directory", category: "UserManagement" },
  { name: "Update service principal", service: "Core Directory", category: "ApplicationManagement" },
  { name: "Change user password", service: "Core Directory", category: "UserManagement" },
  { name: "Add device", service: "Core Directory", category: "Device" },
  { name: "Add registered owner to device", service: "Core Directory", category: "Device" },
  { name: "Update group", service: "Core Directory", category: "GroupManagement" },
  { name: "Invite external user", service: "Invited Users", category: "UserManagement" },
  { name: "Redeem external user invite", service: "Invited Users", category: "UserManagement" },
  { name: "Consent to application", service: "Core Directory", category: "ApplicationManagement" },
  { name: "Add delegated permission grant", service: "Core Directory", category: "ApplicationManagement" },
  { name: "Delete user", service: "Core Directory", category: "UserManagement" },
  { name: "Add member to role", service: "Core Directory", category: "RoleManagement" },
  { name: "Add service principal", service: "Core Directory", category: "ApplicationManagement" },
  { name: "Update policy", service: "Core Directory", category: "Policy" },
  { name: "Add group", service: "Core Directory", category: "GroupManagement" },
  { name: "Delete device", service: "Core Directory", category: "Device" },
  { name: "User deleted security info", service: "Authentication Methods", category: "UserManagement" },
  { name: "Add owner to group", service: "Core Directory", category: "GroupManagement" },
  { name: "Add owner to application", service: "Core Directory", category: "ApplicationManagement" },
  { name: "Disable account", service: "Core Directory", category: "UserManagement" },
  { name: "Restore user", service: "Core Directory", category: "UserManagement" },
  { name: "Add policy", service: "Core Directory", category: "Policy" },
  { name: "Remove member from role", service: "Core Directory", category: "RoleManagement" },
  { name: "Add eligible member to role in PIM requested (timebound)", service: "PIM", category: "RoleManagement" },
  { name: "Add member to role completed (PIM activation)", service: "PIM", category: "RoleManagement" },
  { name: "Hard Delete user", service: "Core Directory", category: "UserManagement" },
  { name: "Add administrative unit", service: "Core Directory", category: "AdministrativeUnit" },
  { name: "Add unverified domain", service: "Core Directory", category: "DirectoryManagement" },
  { name: "Verify domain", service: "Core Directory", category: "DirectoryManagement" },
  { name: "Set domain authentication", service: "Core Directory", category: "DirectoryManagement" },
];

/** Names no catalog knows: newer-than-reference activities as a tenant would see them. */
export const UNKNOWN_ACTIVITIES: readonly Activity[] = Array.from({ length: 40 }, (_, i) => ({
  name: `Update cross-tenant access setting v${i + 2} (preview)`,
  service: i % 2 === 0 ? "Core Directory" : "Cross-tenant Access",
  category: "Policy",
}));

const SERVICE_COLUMNS = ["service_area", "service_name", "service", "loggedbyservice"];
const CATEGORY_COLUMNS = ["category", "audit_category"];

function tsvFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return tsvFiles(path);
    return entry.endsWith(".tsv") ? [path] : [];
  });
}

/** Rows of any TSV under `dir` whose header names an activity, a service and a category column. */
export function readCatalogActivities(dir: string): Activity[] {
  const out: Activity[] = [];
  for (const file of tsvFiles(dir)) {
    // Lines starting with # are provenance comments (catalog/sources/*.tsv).
    const [header, ...rows] = readFileSync(file, "utf8")
      .split(/\r?\n/)
      .filter((line) => !line.startsWith("#"));
    const columns = (header ?? "").split("\t").map((c) => c.trim().toLowerCase());
    const nameAt = columns.indexOf("activity");
    const serviceAt = columns.findIndex((c) => SERVICE_COLUMNS.includes(c));
    const categoryAt = columns.findIndex((c) => CATEGORY_COLUMNS.includes(c));
    if (nameAt < 0 || serviceAt < 0 || categoryAt < 0) continue;
    for (const row of rows) {
      const cells = row.split("\t");
      const name = cells[nameAt]?.trim();
      if (!name) continue;
      out.push({ name, service: cells[serviceAt]?.trim() ?? "", category: cells[categoryAt]?.trim() ?? "" });
    }
  }
  return out;
}

/** Common activities first, then every other catalog activity once. */
export function activityPool(catalogDir?: string): Activity[] {
  const seen = new Set(COMMON_ACTIVITIES.map((a) => a.name));
  const pool = [...COMMON_ACTIVITIES];
  for (const activity of catalogDir === undefined ? [] : readCatalogActivities(catalogDir)) {
    if (seen.has(activity.name)) continue;
    seen.add(activity.name);
    pool.push(activity);
  }
  return pool;
}
