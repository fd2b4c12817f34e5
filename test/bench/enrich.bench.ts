// decode + enrich + encode (processMessage) against the floor of JSON.parse +
// JSON.stringify of the same messages, side by side in one process, on
// generated Event Hubs envelopes: audit-only (~1.5 KB records, 4 per message,
// catalog names with 5% unknown) and a mixed hub where sign-in records are 90%
// of the bytes. Rounds interleave the two paths; the best round of each counts.
import { DEFAULT_CATALOG_DIR } from "../../src/catalog/catalog-dir.ts";
import { loadCatalogIndex } from "../../src/catalog/index.ts";
import { processMessage } from "../../src/transforms/enrich/process-message.ts";
import { type Activity, activityPool, UNKNOWN_ACTIVITIES } from "./e2e/activities.ts";
import { SeededRandom, ZipfSampler } from "./e2e/random.ts";
import type { BenchRow } from "./run.ts";

export const title = "enrich: processMessage vs JSON.parse + JSON.stringify floor (best of 7 interleaved rounds)";

const TENANT = "8a7b6c5d-1111-4222-8333-944455556666";

export class WorkloadGenerator {
  readonly #random: SeededRandom;
  readonly #pool: Activity[];
  readonly #zipf: ZipfSampler;

  constructor(seed = 7) {
    this.#random = new SeededRandom(seed);
    this.#pool = activityPool(DEFAULT_CATALOG_DIR);
    this.#zipf = new ZipfSampler(this.#pool.length);
  }

  #activity(): Activity {
    return this.#random.chance(0.05) ? this.#random.pick(UNKNOWN_ACTIVITIES) : this.#pool[this.#zipf.sample(this.#random)]!;
  }

  /** An Azure Monitor AuditLogs record of about 1.5 KB. */
  auditRecord(): Record<string, unknown> {
    const r = this.#random;
    const a = this.#activity();
    const correlationId = r.guid();
    const time = `2024-05-14T09:${String(r.int(10, 59))}:${String(r.int(10, 59))}.${r.int(1000000, 9999999)}Z`;
    return {
      time,
      resourceId: `/tenants/${TENANT}/providers/Microsoft.aadiam`,
      operationName: a.name,
      operationVersion: "1.0",
      category: "AuditLogs",
      tenantId: TENANT,
      resultSignature: "None",
      durationMs: r.int(0, 900),
      callerIpAddress: `203.0.113.${r.int(1, 254)}`,
      correlationId,
      Level: 4,
      properties: {
        id: `Directory_${r.hex(5).toUpperCase()}_${r.int(10000000, 99999999)}`,
        category: a.category,
        correlationId,
        result: r.chance(0.95) ? "success" : "failure",
        resultReason: "",
        activityDisplayName: a.name,
        activityDateTime: time,
        loggedByService: a.service,
        operationType: r.pick(["Add", "Update", "Delete", "Assign"]),
        initiatedBy: r.chance(0.7)
          ? { user: { id: r.guid(), displayName: null, userPrincipalName: `admin${r.int(1, 50)}@contoso.example`, ipAddress: `203.0.113.${r.int(1, 254)}`, roles: [] } }
          : { app: { appId: r.guid(), displayName: "Microsoft Azure AD Cloud Sync", servicePrincipalId: r.guid(), servicePrincipalName: null } },
        targetResources: [
          {
            id: r.guid(),
            displayName: null,
            type: "User",
            userPrincipalName: `user${r.int(1, 5000)}@contoso.example`,
            modifiedProperties: [
              { displayName: "AccountEnabled", oldValue: "[false]", newValue: "[true]" },
              { displayName: "Included Updated Properties", oldValue: null, newValue: '"AccountEnabled, StsRefreshTokensValidFrom"' },
              { displayName: "TargetId.UserType", oldValue: null, newValue: '"Member"' },
            ],
            administrativeUnits: [],
          },
        ],
        additionalDetails: [
          { key: "UserType", value: "Member" },
          { key: "User-Agent", value: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36" },
        ],
      },
    };
  }

  /** A SignInLogs record of about 11 KB (conditional access policies make up most of it). */
  signInRecord(): Record<string, unknown> {
    const r = this.#random;
    const policies = Array.from({ length: 24 }, (_, i) => ({
      id: r.guid(),
      displayName: `CA${String(i).padStart(3, "0")} - Require compliant device for admin portals`,
      enforcedGrantControls: ["Mfa", "RequireCompliantDevice"],
      enforcedSessionControls: [],
      result: r.pick(["success", "notApplied", "notEnabled"]),
      conditionsSatisfied: r.int(0, 127),
      conditionsNotSatisfied: r.int(0, 127),
    }));
    return {
      time: "2024-05-14T09:12:35.0000000Z",
      resourceId: `/tenants/${TENANT}/providers/Microsoft.aadiam`,
      operationName: "Sign-in activity",
      operationVersion: "1.0",
      category: "SignInLogs",
      tenantId: TENANT,
      resultType: "0",
      resultSignature: "None",
      durationMs: 0,
      callerIpAddress: `198.51.100.${r.int(1, 254)}`,
      correlationId: r.guid(),
      identity: "Jane Doe",
      Level: 4,
      location: "DE",
      properties: {
        id: r.guid(),
        createdDateTime: "2024-05-14T09:12:35Z",
        userDisplayName: "Jane Doe",
        userPrincipalName: `jane${r.int(1, 9000)}@contoso.example`,
        userId: r.guid(),
        appId: r.guid(),
        appDisplayName: "Office 365 Exchange Online",
        ipAddress: `198.51.100.${r.int(1, 254)}`,
        clientAppUsed: "Browser",
        userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36 Edg/124.0",
        status: { errorCode: 0, additionalDetails: "MFA requirement satisfied by claim in the token" },
        deviceDetail: { deviceId: r.guid(), displayName: "LAPTOP-1234", operatingSystem: "Windows10", browser: "Edge 124.0.0", isCompliant: true, isManaged: true, trustType: "Azure AD joined" },
        location: { city: "Berlin", state: "Berlin", countryOrRegion: "DE", geoCoordinates: { latitude: 52.52, longitude: 13.405 } },
        authenticationDetails: Array.from({ length: 3 }, (_, i) => ({
          authenticationStepDateTime: "2024-05-14T09:12:35Z",
          authenticationMethod: ["Password", "Previously satisfied", "Mobile app notification"][i],
          succeeded: true,
          authenticationStepResultDetail: "MFA requirement satisfied by claim in the token",
        })),
        conditionalAccessPolicies: policies,
        conditionalAccessStatus: "success",
        riskLevelAggregated: "none",
        riskState: "none",
        tokenIssuerType: "AzureAD",
        resourceDisplayName: "Office 365 Exchange Online",
        resourceId: r.guid(),
      },
    };
  }

  /** Envelopes of `perMessage` records; signInShare is the probability a record is a sign-in. */
  messages(count: number, perMessage: number, signInShare: number): Buffer[] {
    return Array.from({ length: count }, () => {
      const records = Array.from({ length: perMessage }, () => (this.#random.chance(signInShare) ? this.signInRecord() : this.auditRecord()));
      return Buffer.from(JSON.stringify({ records }));
    });
  }
}

interface Measured {
  readonly seconds: number;
  readonly audit: number;
}

function floor(messages: readonly Buffer[]): Measured {
  const start = process.hrtime.bigint();
  let audit = 0;
  let sink = 0;
  for (const body of messages) {
    const parsed = JSON.parse(body.toString("utf8")) as { records: { category?: string }[] };
    for (const r of parsed.records) if (r.category === "AuditLogs") audit++;
    sink += JSON.stringify(parsed).length;
  }
  if (sink === 0) throw new Error("floor produced nothing");
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, audit };
}

function enrich(messages: readonly Buffer[], lookup: ReturnType<typeof loadCatalogIndex>): Measured {
  const start = process.hrtime.bigint();
  let audit = 0;
  let sink = 0;
  for (const body of messages) {
    for (const outcome of processMessage(body, { lookup, nonAudit: "pass" }).records) {
      if (outcome.kind === "enriched") audit++;
      if (outcome.kind === "enriched" || outcome.kind === "passed_through") sink += outcome.line.length;
      else throw new Error(`unexpected outcome ${outcome.kind}`);
    }
  }
  if (sink === 0) throw new Error("enrich produced nothing");
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, audit };
}

function best(results: Measured[]): Measured {
  return results.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

export async function run(): Promise<readonly BenchRow[]> {
  const lookup = loadCatalogIndex();
  const generator = new WorkloadGenerator();
  const workloads = [
    { name: "audit only", messages: generator.messages(3000, 4, 0) },
    { name: "mixed hub (sign-ins ~90% of bytes)", messages: generator.messages(1500, 4, 0.55) },
  ];
  const rows: BenchRow[] = [];
  for (const { name, messages } of workloads) {
    const bytes = messages.reduce((n, m) => n + m.length, 0);
    const records = messages.length * 4;
    const floors: Measured[] = [];
    const ours: Measured[] = [];
    for (let round = 0; round < 7; round++) {
      floors.push(floor(messages));
      ours.push(enrich(messages, lookup));
    }
    const f = best(floors);
    const o = best(ours);
    if (f.audit !== o.audit) throw new Error(`audit count differs: floor ${f.audit}, enrich ${o.audit}`);
    const mb = bytes / 1024 / 1024;
    const signInBytes = name.startsWith("mixed") ? 1 - (o.audit * 1.5 * 1024) / bytes : 0;
    for (const [path, m] of [
      ["JSON.parse + JSON.stringify (floor)", f],
      ["processMessage", o],
    ] as const) {
      rows.push({
        workload: name,
        path,
        "MB in": Math.round(mb),
        "records/s": Math.round(records / m.seconds),
        "audit records/s": Math.round(m.audit / m.seconds),
        "MB/s": mb / m.seconds,
        "x floor": f.seconds / m.seconds,
        ...(signInBytes > 0 ? { "sign-in share of bytes (approx.)": `${Math.round(signInBytes * 100)}%` } : {}),
      });
    }
  }
  return rows;
}
