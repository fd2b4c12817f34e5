// How modified-property values are read: JSON-encoded strings, plain strings,
// double encoding, booleans, null; and how permission lists are split.
import { describe, expect, it } from "vitest";
import { scopeTokens, valueTokens } from "../../src/transforms/enrich/content/content-values.ts";

describe("valueTokens", () => {
  const cases: [string, unknown, string[]][] = [
    ["a JSON-encoded array of strings", '["Member"]', ["member"]],
    ["a JSON-encoded string", '"True"', ["true"]],
    ["a JSON-encoded boolean array", "[false]", ["false"]],
    ["a plain string", "Guest", ["guest"]],
    ["double encoding", JSON.stringify(JSON.stringify(["Guest"])), ["guest"]],
    ["a JSON boolean", true, ["true"]],
    ["null", null, []],
    ["undefined (missing)", undefined, []],
    ["an empty string", "", []],
    ["an empty array", "[]", []],
    ["objects are not scalars", '[{"KeyType":"Password"}]', []],
    ["text that only looks encoded", "[not json", ["[not json"]],
    ["a GUID in quotes", '"62E90394-69F5-4237-9190-012177145E10"', ["62e90394-69f5-4237-9190-012177145e10"]],
  ];
  for (const [what, value, tokens] of cases) it(what, () => expect(valueTokens(value)).toEqual(tokens));

  it("is bounded: a huge value gives no tokens, a long list at most 256", () => {
    expect(valueTokens("x".repeat(70_000))).toEqual([]);
    expect(valueTokens(JSON.stringify(Array.from({ length: 1000 }, (_, i) => `v${i}`))).length).toBe(256);
  });
});

describe("scopeTokens", () => {
  const split = (text: string) => {
    const out: string[] = [];
    scopeTokens(text.toLowerCase(), out);
    return out;
  };
  it("takes only what follows each Scope: in a consent permission list", () => {
    expect(split("[] => [[Id: abc, ClientId: c, ConsentType: AllPrincipals, Scope: Mail.Read openid, CreatedDateTime: ]]; [[Id: d, Scope: Files.ReadWrite.All]]")).toEqual(["mail.read", "openid", "files.readwrite.all"]);
  });
  it("splits a plain grant scope on spaces", () => {
    expect(split(" Files.ReadWrite.All offline_access")).toEqual(["files.readwrite.all", "offline_access"]);
  });
  it("an empty Scope: gives nothing", () => {
    expect(split("[[Id: x, Scope: , CreatedDateTime: ]]")).toEqual([]);
  });
});
