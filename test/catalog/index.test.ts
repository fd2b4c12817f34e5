import { describe, expect, it } from "vitest";
import { canonicalCategory, canonicalServiceArea, lookupActivity } from "../../src/catalog/index.ts";
import { normalizeActivity } from "../../src/catalog/normalize.ts";
import { shippedIndex, sourceRows } from "./catalog-fixtures.ts";

const index = shippedIndex();
const canon = (service: string, category: string) => ({ serviceArea: index.canonicalServiceArea(service), category: index.canonicalCategory(category) });

describe.each(["reference-2018-04-19", "reference-2024-10-04"])("every row of %s", (source) => {
  const rows = sourceRows(source);

  it("resolves to its own service area and category, or to ambiguous listing them", () => {
    const wrong = rows.filter((row) => {
      const want = canon(row.serviceArea, row.category);
      const got = index.lookup(row.activity);
      if (got.match === "ambiguous") return !got.candidates?.some((c) => c.serviceArea === want.serviceArea && c.category === want.category);
      return got.match !== "exact" || got.serviceArea !== want.serviceArea || got.category !== want.category;
    });
    expect(wrong).toEqual([]);
  });

  it("is narrowed to exactly its own pair by the event's service and category", () => {
    for (const row of rows) {
      const got = index.lookup(row.activity, row.serviceArea, row.category);
      expect(got).toMatchObject({ ...canon(row.serviceArea, row.category), recognized: true, match: "exact" });
    }
  });
});

describe("CatalogIndex.lookup", () => {
  it("never silently picks one of several candidates", () => {
    const ambiguous = index.lookup("Add application");
    expect(ambiguous.match).toBe("ambiguous");
    expect(ambiguous.serviceArea).toBeNull();
    expect(ambiguous.category).toBeNull();
    expect(ambiguous.candidates!.length).toBeGreaterThan(1);
    expect(index.stats.index.ambiguousActivities).toBeGreaterThan(0);
  });

  it("takes the highest sensitivity among ambiguous candidates", () => {
    const answer = index.lookup("Add application");
    const levels = answer.candidates!.map((c) => index.lookup("Add application", c.serviceArea, c.category).sensitivity);
    const rank = { low: 0, medium: 1, high: 2 } as const;
    expect(rank[answer.sensitivity]).toBe(Math.max(...levels.map((l) => rank[l])));
  });

  it("narrows by service spelled as the stream spells it (aliases)", () => {
    const viaPim = index.lookup("Add member to role completed (PIM activation)", "PIM", "RoleManagement");
    expect(viaPim).toMatchObject({ serviceArea: "Privileged Identity Management", category: "RoleManagement", match: "exact", sensitive: true });
    expect(canonicalServiceArea(index, "PIM")).toBe("Privileged Identity Management");
    expect(canonicalCategory(index, "User Management")).toBe("UserManagement");
    expect(canonicalCategory(index, "usermanagement")).toBe("UserManagement");
    expect(canonicalCategory(index, "Policy Management")).toBe("Policy");
    expect(canonicalServiceArea(index, "Brand New Service")).toBeNull();
  });

  it("answers an exact hit with the same frozen object every time", () => {
    const first = lookupActivity(index, "Update user");
    expect(lookupActivity(index, "Update user")).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.reasons)).toBe(true);
    expect(first.catalogVersion).toBe(index.version);
  });

  it("resolves legacy spellings by normalization: trailing period, en dash, trailing space, case", () => {
    expect(index.lookup("Update service principal.")).toMatchObject({ match: "normalized", recognized: true });
    const dashed = index.lookup("Update application \u2013 Certificates and secrets management ");
    expect(dashed).toMatchObject({ match: "normalized", serviceArea: "Core Directory", category: "ApplicationManagement", sensitive: true });
  });

  it("reports an event contradicting every candidate instead of hiding it", () => {
    const answer = index.lookup("Update user", "B2C", "KeyManagement");
    expect(answer.mismatch).toBe(true);
    expect(answer).toMatchObject({ serviceArea: "B2C", category: "KeyManagement", recognized: true });
    expect(answer.candidates!.length).toBeGreaterThan(0);
    expect(answer.reasons[0]).toMatch(/^catalog-mismatch:/);
  });

  it("passes an unknown name's own labels through, canonicalized, and still applies name rules", () => {
    const answer = index.lookup("Add owner to quantum widget", "PIM", "Some New Category");
    expect(answer).toMatchObject({ recognized: false, match: "none", serviceArea: "Privileged Identity Management", category: "Some New Category", sensitivity: "high", sensitive: true });
    expect(answer.reasons.some((r) => r.startsWith("owner-added:"))).toBe(true);
    expect(index.lookup("Frobnicate the widget")).toMatchObject({ recognized: false, serviceArea: null, category: null, sensitivity: "low" });
  });

  it("keeps memory bounded under a flood of unknown names", () => {
    const local = shippedIndex();
    for (let i = 0; i < 20_000; i++) local.lookup(`attacker name ${i}`, `svc ${i}`, `cat ${i}`);
    expect(local.memoSize()).toBeLessThanOrEqual(5 * 2 * 8192);
  });
});

describe("the sensitivity policy", () => {
  const all = [...sourceRows("reference-2018-04-19"), ...sourceRows("reference-2024-10-04")];

  it("gives every activity a level and at least one reason; sensitive exactly when high", () => {
    for (const row of all) {
      for (const answer of [index.lookup(row.activity), index.lookup(row.activity, row.serviceArea, row.category)]) {
        expect(["high", "medium", "low"]).toContain(answer.sensitivity);
        expect(answer.reasons.length).toBeGreaterThan(0);
        expect(answer.sensitive).toBe(answer.sensitivity === "high");
      }
    }
  });

  it.each([
    ["Add member to role", "high", "role-granted"],
    ["Consent to application", "high", "consent-granted"],
    ["Add service principal credentials", "high", "app-credentials"],
    ["Set domain authentication", "high", "federation-and-domains"],
    ["Update Conditional Access policy", "high", "access-controls-weakened"],
    ["Delete access review", "high", "evidence-destroyed"],
    ["Reset password (self-service)", "low", "override"],
    ["Get custom policy", "low", "routine-read"],
    ["Add user", "medium", "account-lifecycle"],
    ["Update user", "low", "default"],
  ])("%s is %s (%s)", (activity, level, rule) => {
    const answer = index.lookup(activity);
    expect(answer.sensitivity).toBe(level);
    expect(answer.reasons.some((r) => r.startsWith(`${rule}:`))).toBe(true);
  });

  it("uses one normalization for build and lookup", () => {
    expect(normalizeActivity("  Add\u00a0user\u2014X.. ")).toBe("add user-x");
  });
});
