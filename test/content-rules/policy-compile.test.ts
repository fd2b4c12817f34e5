// The content rules as `catalog build` compiles them: resolved to index
// entries (every other entry carries nothing), refused with the policy file
// and the rule's line when they name an unknown activity, an unknown set or
// condition, or try to lower what a protected name rule flags.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG_DIR, readCatalogInputs } from "../../src/catalog/catalog-dir.ts";
import { compileCatalog } from "../../src/catalog/compile.ts";
import { CatalogError } from "../../src/catalog/errors.ts";
import { normalizeActivity } from "../../src/catalog/normalize.ts";
import { parseArtifact } from "../../src/catalog/artifact.ts";

const inputs = readCatalogInputs(DEFAULT_CATALOG_DIR);
const policy = JSON.parse(inputs.policyText) as Record<string, unknown> & {
  contentRules: Record<string, unknown>[];
  contentSets: { roles: { privileged: { roles: Record<string, string> } } };
};

function compileWith(change: (p: typeof policy) => void) {
  const copy = structuredClone(policy);
  change(copy);
  return compileCatalog({ ...inputs, policyText: JSON.stringify(copy, null, 2) });
}

function refusal(change: (p: typeof policy) => void): CatalogError {
  try {
    compileWith(change);
  } catch (error) {
    if (error instanceof CatalogError) return error;
    throw error;
  }
  throw new Error("the build accepted the policy");
}

describe("content rules at build", () => {
  const body = compileCatalog(inputs);

  it("each entry lists exactly the content rules that name it; every other entry has no contentRules member", () => {
    const expected = new Map<string, string[]>();
    for (const rule of policy.contentRules) {
      for (const a of rule.activities as string[]) {
        const key = normalizeActivity(a);
        expected.set(key, [...(expected.get(key) ?? []), rule.id as string]);
      }
    }
    let withRules = 0;
    for (const [key, i] of Object.entries(body.normalized)) {
      const entry = body.entries[i]!;
      if (expected.has(key)) {
        withRules++;
        expect(entry.contentRules).toEqual(expected.get(key));
      } else expect(Object.hasOwn(entry, "contentRules")).toBe(false);
    }
    expect(withRules).toBe(expected.size);
  });

  it("the shipped index.json is the build of the shipped policy", () => {
    const path = join(DEFAULT_CATALOG_DIR, "index.json");
    expect(parseArtifact(path, readFileSync(path, "utf8")).body).toEqual(JSON.parse(JSON.stringify(body)));
  });

  it("an activity the catalog does not know is refused at the rule's line", () => {
    const error = refusal((p) => {
      (p.contentRules[2]!.activities as string[]).push("Grant the moon");
    });
    expect(error.code).toBe("CATALOG_POLICY_INVALID");
    expect(error.message).toMatch(/policy\.json:\d+: content rule '.*': activity 'Grant the moon' is not in the catalog/);
    const line = Number(/policy\.json:(\d+):/.exec(error.message)![1]);
    expect(JSON.stringify(policy, null, 2).split("\n")[line - 1]).toContain(`"id": "${policy.contentRules[2]!.id}"`);
  });

  for (const activity of ["Delete user", "Update application - Certificates and secrets management", "Set federation settings on domain", "Reset user password"]) {
    it(`a lowering rule on '${activity}' (a protected deletion or credential change) is refused`, () => {
      const error = refusal((p) => {
        p.contentRules.push({ id: "quiet", activities: [activity], effect: "lower", level: "low", when: {}, reason: "r" });
      });
      expect(error.message).toMatch(/content rule 'quiet' may not lower .*: name rule '[a-z-]+' is in contentSets\.neverLower/);
    });
  }

  it("a lowering rule on an unprotected activity is accepted", () => {
    const b = compileWith((p) => {
      p.contentRules.push({ id: "quiet", activities: ["Update user"], effect: "lower", level: "low", when: { initiatedBy: "app" }, reason: "r" });
    });
    expect(b.entries[b.exact["Update user"]!]!.contentRules).toContain("quiet");
  });

  const invalid: [string, (p: typeof policy) => void, RegExp][] = [
    ["an unknown condition", (p) => {
      p.contentRules[0]!.when = { rolesIn: "privileged" };
    }, /unknown condition 'rolesIn'/],
    ["an unknown role set", (p) => {
      p.contentRules[0]!.when = { roleIn: "admins" };
    }, /role set 'admins' is not in contentSets\.roles/],
    ["an unknown scope set", (p) => {
      p.contentRules[0]!.when = { anyScopeIn: "wide" };
    }, /scope set 'wide' is not in contentSets\.scopes/],
    ["values without properties", (p) => {
      p.contentRules[0]!.when = { newValues: ["x"] };
    }, /oldValues\/newValues need modifiedProperties/],
    ["an id that repeats a name rule", (p) => {
      p.contentRules[0]!.id = "deleted";
    }, /repeats a rule id/],
    ["a level outside high|medium|low", (p) => {
      p.contentRules[0]!.level = "critical";
    }, /needs a level/],
    ["an upper-case template id", (p) => {
      p.contentSets.roles.privileged.roles["62E90394-69F5-4237-9190-012177145E10"] = "X";
    }, /is not a lower-case template id/],
    ["a neverLower id that is no name rule", (p) => {
      (p.contentSets as unknown as { neverLower: string[] }).neverLower = ["nope"];
    }, /'nope' is not a name rule id/],
  ];
  for (const [what, change, message] of invalid) {
    it(`refuses ${what}`, () => {
      const error = refusal(change);
      expect(error.code).toBe("CATALOG_POLICY_INVALID");
      expect(error.message).toMatch(/policy\.json:\d+: /);
      expect(error.message).toMatch(message);
    });
  }
});

describe("the privileged role set", () => {
  const roles = policy.contentSets.roles.privileged.roles;
  // The roles issue 9 names, with the template ids Microsoft publishes.
  const named: Record<string, string> = {
    "Global Administrator": "62e90394-69f5-4237-9190-012177145e10",
    "Privileged Role Administrator": "e8611ab8-c189-46e8-94e1-60213ab1f814",
    "Privileged Authentication Administrator": "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
    "Application Administrator": "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
    "Cloud Application Administrator": "158c047a-c907-4556-b7ef-446551a6b5f7",
    "Security Administrator": "194ae4cb-b126-40b2-bd5b-6091b380977d",
    "Hybrid Identity Administrator": "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2",
    "Conditional Access Administrator": "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
    "Exchange Administrator": "29232cdf-9323-42fd-ade2-1d097af3e4de",
    "SharePoint Administrator": "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
    "User Administrator": "fe930be7-5e62-47db-91af-98c3a49a38b1",
    "Authentication Administrator": "c4e39bd9-1100-46d3-8c65-fb160da0071f",
  };
  it("holds every role the issue names under its published template id", () => {
    for (const [name, id] of Object.entries(named)) expect(roles[id]).toBe(name);
  });
  it("holds the other roles Microsoft labels PRIVILEGED, and names are unique", () => {
    expect(Object.keys(roles).length).toBeGreaterThanOrEqual(30);
    expect(new Set(Object.values(roles)).size).toBe(Object.keys(roles).length);
    for (const extra of ["Helpdesk Administrator", "Password Administrator", "Intune Administrator", "Directory Writers", "Domain Name Administrator", "External Identity Provider Administrator", "Security Operator"]) {
      expect(Object.values(roles)).toContain(extra);
    }
  });
});
