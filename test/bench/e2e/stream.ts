// A realistic, deterministic Event Hubs stream for the end-to-end bench and the
// soak: diagnostic-setting envelopes {"records":[...]} of ~1.5 KB Entra audit
// records (every field of the Azure Monitor AuditLogs shape), activity names
// from the catalog with Zipf-like repetition, a share of unknown names and a
// share of malformed messages. Same seed, same bytes.
import { type Activity, activityPool, UNKNOWN_ACTIVITIES } from "./activities.ts";
import { SeededRandom, ZipfSampler } from "./random.ts";

export interface StreamOptions {
  readonly seed: number;
  readonly recordsPerEvent?: number;
  /** Share of records whose activity no catalog knows (default 0.05). */
  readonly unknownRate?: number;
  /** Share of messages that cannot be decoded (default 0.01). */
  readonly malformedRate?: number;
  readonly activities?: readonly Activity[];
  /** Record times start here and advance 7 ms per record. */
  readonly startTime?: Date;
}

export type EventKind = "valid" | "malformed";

export interface GeneratedEvent {
  readonly index: number;
  readonly kind: EventKind;
  readonly body: Buffer;
  /** Audit records the worker must deliver (0 for a malformed message). */
  readonly records: number;
  readonly unknownRecords: number;
  /** properties.id of each deliverable record, in order. */
  readonly recordIds: readonly string[];
}

const TENANTS = ["6f4e2b1a-93c7-4d0e-8a51-2c9b7e3f1d40", "b9d1c3e5-0a2f-4b6c-9e8d-7f1a3c5e9b20"];
const FIRST = ["Adele", "Alex", "Diego", "Grady", "Isaiah", "Johanna", "Lee", "Lidia", "Lynne", "Megan", "Miriam", "Nestor", "Patti", "Pradeep"];
const LAST = ["Vance", "Wilber", "Siciliani", "Archie", "Langer", "Lorenz", "Gu", "Holloway", "Robbins", "Bowen", "Graham", "Wilke", "Fernandez", "Gupta"];
const AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  "Microsoft Azure Graph Client Library 1.0",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "python-requests/2.32.3",
];
const OPERATION_TYPES = ["Add", "Update", "Delete", "Assign", "Unassign"];
const APPS = ["Microsoft Graph PowerShell", "Azure Portal", "Microsoft Intune", "MS-PIM", "Azure AD Connect"];

function operationTypeOf(name: string, random: SeededRandom): string {
  const first = name.split(" ")[0];
  if (first === "Add") return "Add";
  if (first === "Delete" || first === "Remove" || first === "Hard") return "Delete";
  if (first === "Update" || first === "Change" || first === "Set" || first === "Disable") return "Update";
  return random.pick(OPERATION_TYPES);
}

function isoWith7Digits(ms: number, random: SeededRandom): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, (_, d: string) => `.${d}${random.int(0, 9999).toString().padStart(4, "0")}Z`);
}

function person(random: SeededRandom, domain: string): { name: string; upn: string } {
  const first = random.pick(FIRST);
  const last = random.pick(LAST);
  return { name: `${first} ${last}`, upn: `${first}.${last}${random.int(1, 99)}@${domain}`.toLowerCase() };
}

/** One Azure Monitor AuditLogs record (event-shapes.md §B), about 1.5 KB as JSON. */
export function auditRecord(random: SeededRandom, activity: Activity, id: string, timeMs: number): Record<string, unknown> {
  const tenantId = random.pick(TENANTS);
  const domain = tenantId.startsWith("6f") ? "contoso.com" : "fabrikam.onmicrosoft.com";
  const correlationId = random.guid();
  const time = isoWith7Digits(timeMs, random);
  const actor = person(random, domain);
  const target = person(random, domain);
  const ip = `203.0.${random.int(0, 255)}.${random.int(1, 254)}`;
  const byApp = random.chance(0.3);
  const initiatedBy = byApp
    ? { app: { appId: random.guid(), displayName: random.pick(APPS), servicePrincipalId: random.guid(), servicePrincipalName: null } }
    : { user: { id: random.guid(), displayName: null, userPrincipalName: actor.upn, ipAddress: ip, roles: [] } };
  const agent = random.pick(AGENTS);
  return {
    time,
    resourceId: `/tenants/${tenantId}/providers/Microsoft.aadiam`,
    operationName: activity.name,
    operationVersion: "1.0",
    category: "AuditLogs",
    tenantId,
    resultSignature: "None",
    resultDescription: "",
    durationMs: random.int(0, 900),
    callerIpAddress: byApp ? "<null>" : ip,
    correlationId,
    identity: byApp ? random.pick(APPS) : actor.name,
    Level: 4,
    level: "Informational",
    properties: {
      id,
      category: activity.category,
      correlationId,
      result: random.chance(0.97) ? "success" : "failure",
      resultReason: "",
      activityDisplayName: activity.name,
      activityDateTime: time,
      loggedByService: activity.service,
      operationType: operationTypeOf(activity.name, random),
      userAgent: agent,
      initiatedBy,
      targetResources: [
        {
          id: random.guid(),
          displayName: target.name,
          type: "User",
          userPrincipalName: target.upn,
          modifiedProperties: [
            { displayName: "AccountEnabled", oldValue: "[true]", newValue: random.chance(0.5) ? "[false]" : "[true]" },
            { displayName: "Included Updated Properties", oldValue: null, newValue: '"AccountEnabled"' },
          ],
          administrativeUnits: [],
        },
      ],
      additionalDetails: [{ key: "UserType", value: "Member" }],
      tenantId,
      resultType: "",
      operationName: activity.name,
      tenantGeo: random.pick(["EU", "NA"]),
    },
  };
}

/** properties.id in the service's style, with the position folded in so it is unique per (seed, event, record). */
export function recordId(seed: number, eventIndex: number, recordIndex: number): string {
  const position = (eventIndex * 64 + recordIndex).toString(16).padStart(12, "0");
  const salt = (seed >>> 0).toString(16).padStart(8, "0");
  return `Directory_${salt}-0000-4000-a000-${position}_BENCH_${recordIndex}`;
}

function malformedBody(random: SeededRandom, valid: Buffer): Buffer {
  if (random.chance(0.5)) return valid.subarray(0, Math.floor(valid.length / 2)); // cut mid-record
  const bytes = Buffer.alloc(512);
  for (let i = 0; i < bytes.length; i++) bytes[i] = random.int(0, 255);
  bytes[0] = 0x1f; // gzip magic, then garbage
  bytes[1] = 0x8b;
  return bytes;
}

/** Lazily generates events 0, 1, 2, ... of the stream for `seed`. */
export function* generateStream(options: StreamOptions, count: number, firstIndex = 0): Generator<GeneratedEvent> {
  const perEvent = options.recordsPerEvent ?? 4;
  const unknownRate = options.unknownRate ?? 0.05;
  const malformedRate = options.malformedRate ?? 0.01;
  const pool = options.activities ?? activityPool();
  const zipf = new ZipfSampler(pool.length);
  const start = (options.startTime ?? new Date("2026-11-25T00:00:00Z")).getTime();
  for (let index = firstIndex; index < firstIndex + count; index++) {
    // One generator per event: event i is the same whatever range is asked for.
    const random = new SeededRandom((options.seed * 1_000_003 + index) >>> 0);
    const records: Record<string, unknown>[] = [];
    const ids: string[] = [];
    let unknown = 0;
    for (let r = 0; r < perEvent; r++) {
      const isUnknown = random.chance(unknownRate);
      if (isUnknown) unknown++;
      const activity = isUnknown ? random.pick(UNKNOWN_ACTIVITIES) : (pool[zipf.sample(random)] as Activity);
      const id = recordId(options.seed, index, r);
      ids.push(id);
      records.push(auditRecord(random, activity, id, start + (index * perEvent + r) * 7));
    }
    const body = Buffer.from(JSON.stringify({ records }));
    if (random.chance(malformedRate)) {
      yield { index, kind: "malformed", body: malformedBody(random, body), records: 0, unknownRecords: 0, recordIds: [] };
    } else {
      yield { index, kind: "valid", body, records: perEvent, unknownRecords: unknown, recordIds: ids };
    }
  }
}

export interface StreamTotals {
  events: number;
  validEvents: number;
  malformedEvents: number;
  records: number;
  unknownRecords: number;
  bytes: number;
}

export function emptyTotals(): StreamTotals {
  return { events: 0, validEvents: 0, malformedEvents: 0, records: 0, unknownRecords: 0, bytes: 0 };
}

export function addToTotals(totals: StreamTotals, event: GeneratedEvent): void {
  totals.events++;
  totals.bytes += event.body.length;
  if (event.kind === "malformed") totals.malformedEvents++;
  else totals.validEvents++;
  totals.records += event.records;
  totals.unknownRecords += event.unknownRecords;
}
