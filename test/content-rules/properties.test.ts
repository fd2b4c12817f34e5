// Properties of content rules over generated records:
//  1. they never lower a level below the name rules' for a deletion or a
//     credential change: the build refuses such a rule, and the stage holds the
//     floor even when an artifact carries one anyway;
//  2. arbitrary junk in every content field never throws and never dead-letters;
//  3. values from the record never reach the reasons (credentials, phone numbers);
//  4. records whose activity has no content rules leave byte-identical to an
//     index without content rules.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ArtifactBody, parseArtifact } from "../../src/catalog/artifact.ts";
import { DEFAULT_CATALOG_DIR, readCatalogInputs } from "../../src/catalog/catalog-dir.ts";
import { compileCatalog } from "../../src/catalog/compile.ts";
import { reasonRuleId } from "../../src/catalog/content/compile-content.ts";
import type { Sensitivity } from "../../src/catalog/enrichment.ts";
import { CatalogError } from "../../src/catalog/errors.ts";
import { CatalogIndex } from "../../src/catalog/index.ts";
import { LEVEL_RANK } from "../../src/catalog/policy.ts";
import type { RecordShape } from "../../src/transforms/decode/outcome.ts";
import { evaluateContent } from "../../src/transforms/enrich/content/evaluate-content.ts";
import { contentView } from "../../src/transforms/enrich/content/record-content.ts";
import { processMessage } from "../../src/transforms/enrich/process-message.ts";
import { enrichOne } from "./enrich-one.ts";
import { type CaseCore, CASES, inShape, SHAPES } from "./shapes.ts";

const ARTIFACT = join(DEFAULT_CATALOG_DIR, "index.json");
const { body, version } = parseArtifact(ARTIFACT, readFileSync(ARTIFACT, "utf8"));
const shipped = new CatalogIndex(body, version);
const NEVER_LOWER = new Set(body.policy.contentSets?.neverLower ?? []);

/** Catalog entries whose name verdict comes (in part) from a protected rule: deletions and credential changes. */
const protectedEntries = body.entries.filter((e) => e.reasons.some((r) => NEVER_LOWER.has(reasonRuleId(r))));
const ruledEntries = body.entries.filter((e) => e.contentRules !== undefined);
const plainEntries = body.entries.filter((e) => e.contentRules === undefined);

const CONTENT_PROPERTIES = [
  "Role.TemplateId",
  "Role.DisplayName",
  "KeyDescription",
  "KeyCredentials",
  "FederatedIdentityCredentials",
  "AppAddress",
  "ConsentAction.Permissions",
  "ConsentContext.IsAdminConsent",
  "DelegatedPermissionGrant.Scope",
  "AppRole.Value",
  "UserType",
  "AccountEnabled",
  "StrongAuthenticationMethod",
  "StrongAuthenticationRequirement",
  "IssuerUri",
];

const junk = fc.anything({ maxDepth: 3, withNullPrototype: false, withBigInt: false, withBoxedValues: false });
const value = fc.oneof(junk, fc.constantFrom('["Member"]', '["Guest"]', "[true]", "[false]", '"True"', '"62e90394-69f5-4237-9190-012177145e10"', "Scope: Mail.Read openid", null));
const property = fc.record({ displayName: fc.oneof(fc.constantFrom(...CONTENT_PROPERTIES), junk), oldValue: value, newValue: value }, { requiredKeys: [] });
const target = fc.oneof(
  fc.record({ type: fc.oneof(fc.constantFrom("User", "Role", "ServicePrincipal", "Application"), junk), id: junk, displayName: junk, modifiedProperties: fc.oneof(fc.array(property, { maxLength: 4 }), junk) }, { requiredKeys: [] }),
  junk,
);
const core = (activity: fc.Arbitrary<string>): fc.Arbitrary<CaseCore> =>
  fc.record({
    activity,
    category: fc.constantFrom("UserManagement", "ApplicationManagement", "RoleManagement"),
    service: fc.constantFrom("Core Directory", "PIM"),
    result: fc.oneof(fc.constantFrom("success", "failure", "SUCCESS"), junk) as fc.Arbitrary<string>,
    initiatedBy: fc.oneof(fc.constant({ user: { id: "u" } }), fc.constant({ app: { appId: "a" } }), junk) as fc.Arbitrary<CaseCore["initiatedBy"]>,
    targetResources: fc.oneof(fc.array(target, { maxLength: 4 }), junk) as fc.Arbitrary<CaseCore["targetResources"]>,
    additionalDetails: fc.oneof(fc.array(fc.record({ key: fc.oneof(fc.constantFrom("RoleDefinitionOriginId", "TemplateId"), junk), value }), { maxLength: 3 }), junk) as fc.Arbitrary<CaseCore["additionalDetails"]>,
  });
const shape = fc.constantFrom<RecordShape>(...SHAPES);
const fixtureCore = fc.constantFrom(...CASES.map((c) => c.core));

function nameLevel(index: CatalogIndex, c: CaseCore): Sensitivity {
  return index.lookup(c.activity, c.service, c.category).sensitivity;
}

/** The shipped body with a lowering rule (no conditions: matches every record) attached to the given entries, bypassing the build's check. */
function withForcedLowering(entries: readonly ArtifactBody["entries"][number][], level: Sensitivity): CatalogIndex {
  const forced = structuredClone(body) as { -readonly [K in keyof ArtifactBody]: ArtifactBody[K] };
  forced.policy = { ...forced.policy, contentRules: [...(forced.policy.contentRules ?? []), { id: "forced-lower", activities: ["x"], effect: "lower", level, when: {}, reason: "forced" }] };
  const names = new Set(entries.map((e) => e.activity));
  forced.entries = forced.entries.map((e) => (names.has(e.activity) ? { ...e, contentRules: [...(e.contentRules ?? []), "forced-lower"] } : e));
  return new CatalogIndex(forced, version);
}

describe("content rules never lower a deletion or a credential change", () => {
  it("protected entries exist and include deletions and credential changes", () => {
    const names = protectedEntries.map((e) => e.activity);
    expect(names).toContain("Delete user");
    expect(names).toContain("Update application - Certificates and secrets management");
    expect(names).toContain("Add service principal credentials");
  });

  it("the build refuses any lowering rule that names a protected activity", () => {
    const policy = JSON.parse(readCatalogInputs(DEFAULT_CATALOG_DIR).policyText) as { contentRules: unknown[] };
    const inputs = readCatalogInputs(DEFAULT_CATALOG_DIR);
    fc.assert(
      fc.property(fc.constantFrom(...protectedEntries.map((e) => e.activity)), fc.constantFrom<Sensitivity>("low", "medium", "high"), (activity, level) => {
        const copy = structuredClone(policy);
        copy.contentRules.push({ id: "quiet", activities: ["Update user", activity], effect: "lower", level, when: { initiatedBy: "app" }, reason: "r" });
        expect(() => compileCatalog({ ...inputs, policyText: JSON.stringify(copy) })).toThrow(CatalogError);
      }),
      { numRuns: 25 },
    );
  });

  it("the shipped policy: generated content on protected and ruled activities never ends below the name level of a protected one", () => {
    const activity = fc.constantFrom(...new Set([...protectedEntries, ...ruledEntries].map((e) => e.activity)));
    fc.assert(
      fc.property(fc.oneof(core(activity), fixtureCore), shape, (c, s) => {
        const level = enrichOne(shipped, inShape(c, s)).enrichment.sensitivity;
        const name = nameLevel(shipped, c);
        const isProtected = shipped.lookup(c.activity, c.service, c.category).reasons.some((r) => NEVER_LOWER.has(reasonRuleId(r)));
        if (isProtected) expect(LEVEL_RANK[level]).toBeGreaterThanOrEqual(LEVEL_RANK[name]);
      }),
      { numRuns: 400 },
    );
  });

  it("an artifact that carries a lowering rule on protected activities anyway: the stage holds the name level", () => {
    const forced = withForcedLowering(protectedEntries, "low");
    const activity = fc.constantFrom(...protectedEntries.map((e) => e.activity));
    fc.assert(
      fc.property(core(activity), shape, (c, s) => {
        const name = nameLevel(forced, c);
        const isProtected = forced.lookup(c.activity, c.service, c.category).reasons.some((r) => NEVER_LOWER.has(reasonRuleId(r)));
        const level = enrichOne(forced, inShape(c, s)).enrichment.sensitivity;
        if (isProtected) expect(LEVEL_RANK[level]).toBeGreaterThanOrEqual(LEVEL_RANK[name]);
      }),
      { numRuns: 300 },
    );
  });

  it("control: the same forced rule does lower an unprotected activity (the floor is what holds above)", () => {
    const forced = withForcedLowering(
      body.entries.filter((e) => e.activity === "Add app role assignment to group"),
      "low",
    );
    const c = { ...CASES[0]!.core, activity: "Add app role assignment to group", category: "ApplicationManagement" };
    expect(nameLevel(forced, c)).toBe("high");
    expect(enrichOne(forced, inShape(c, "graph")).enrichment.sensitivity).toBe("low");
  });
});

describe("junk in content fields", () => {
  it("never throws, never dead-letters, and reasons stay bounded", () => {
    const activity = fc.constantFrom(...ruledEntries.map((e) => e.activity));
    fc.assert(
      fc.property(core(activity), shape, (c, s) => {
        const e = enrichOne(shipped, inShape(c, s)).enrichment;
        expect(["low", "medium", "high"]).toContain(e.sensitivity);
        for (const r of e.reasons) expect(r.length).toBeLessThanOrEqual(400);
      }),
      { numRuns: 500 },
    );
  });
});

describe("values from the record never reach the reasons", () => {
  it("credential, phone, URL and permission values are not echoed", () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{12,24}$/).map((s) => `Zq${s}`);
    const cases = CASES.filter((c) => c.expect.rule !== null).map((c) => c.core);
    fc.assert(
      fc.property(fc.constantFrom(...cases), secret, shape, (c, token, s) => {
        const planted = (v: unknown) => (typeof v === "string" ? v.replace(/(Mail\.Read|hunter2-SECRET-VALUE|\+44 7700900123|evil\.example|Global Administrator)/g, (m) => (m === "Mail.Read" ? `Mail.${token}` : token)) : v);
        const targets = c.targetResources.map((t) => ({
          ...t,
          modifiedProperties: ((t.modifiedProperties ?? []) as { displayName: string; oldValue: unknown; newValue: unknown }[]).map((p) => ({ ...p, oldValue: planted(p.oldValue) ?? token, newValue: planted(p.newValue) ?? token })),
        }));
        const e = enrichOne(shipped, inShape({ ...c, targetResources: targets }, s)).enrichment;
        expect(e.reasons.join("\n")).not.toContain(token);
      }),
      { numRuns: 300 },
    );
  });
});

/** The shipped catalog without content rules, same version string: what the stage gave before them. */
const without = (() => {
  const stripped = structuredClone(body) as { -readonly [K in keyof ArtifactBody]: ArtifactBody[K] };
  stripped.policy = { ...stripped.policy, contentRules: [] };
  stripped.entries = stripped.entries.map(({ contentRules: _, ...e }) => e);
  return new CatalogIndex(stripped, version);
})();

describe("records whose activity has no content rules", () => {

  it("leave byte-identical to an index without content rules, in every shape, in messages of several records", () => {
    const activity = fc.constantFrom(...plainEntries.map((e) => e.activity));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(core(activity), fixtureCore.map((c) => c)), shape), { minLength: 1, maxLength: 5 }), (records) => {
        const plain = records.filter(([c]) => shipped.contentRules(c.activity) === null);
        const message = Buffer.from(JSON.stringify({ records: plain.map(([c, s]) => inShape(c, s)) }));
        const a = processMessage(message, { lookup: shipped, nonAudit: "pass" }).records;
        const b = processMessage(message, { lookup: without, nonAudit: "pass" }).records;
        expect(a.length).toBe(b.length);
        for (let i = 0; i < a.length; i++) {
          const x = a[i]!;
          const y = b[i]!;
          expect(x.kind).toBe(y.kind);
          if (x.kind === "enriched" && y.kind === "enriched") expect(Buffer.from(x.line).equals(Buffer.from(y.line))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("control: a record with a matching content rule does differ", () => {
    const c = CASES.find((x) => x.expect.rule === "guest-became-member")!.core;
    const message = Buffer.from(JSON.stringify({ records: [inShape(c, "diagnostic")] }));
    const [a] = processMessage(message, { lookup: shipped, nonAudit: "pass" }).records;
    const [b] = processMessage(message, { lookup: without, nonAudit: "pass" }).records;
    expect(a?.kind === "enriched" && b?.kind === "enriched" && Buffer.from(a.line).equals(Buffer.from(b.line))).toBe(false);
  });
});

describe("the shortcuts agree with reading the whole record", () => {
  it("word prefilter and located members give the verdict of the full parse + shape accessor", () => {
    const activity = fc.constantFrom(...ruledEntries.map((e) => e.activity));
    fc.assert(
      fc.property(fc.oneof(core(activity), fixtureCore), shape, (c, s) => {
        const record = inShape(c, s);
        const got = enrichOne(shipped, record).enrichment;
        const base = enrichOne(without, record).enrichment;
        const rules = shipped.contentRules(c.activity)!;
        const full = evaluateContent(rules, contentView(JSON.parse(JSON.stringify(record)) as Record<string, unknown>, s), base);
        expect(got.sensitivity).toBe(full?.sensitivity ?? base.sensitivity);
        expect(got.reasons).toEqual(full?.reasons ?? base.reasons);
      }),
      { numRuns: 500 },
    );
  });
});
