// The README's configuration table is generated from the schema; this keeps them in step.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderSettingsTable } from "../../src/config/readme-table.ts";
import { allSettings } from "../../src/config/schema.ts";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, `README has a "## ${title}" section`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

describe("README configuration table", () => {
  it("is exactly the table rendered from src/config/schema.ts (regenerate with renderSettingsTable())", () => {
    const text = section("Configuration");
    const table = text.split("\n").filter((line) => line.startsWith("|")).join("\n");
    expect(table).toBe(renderSettingsTable());
  });

  it("names every setting once, and every default parses with its own kind", () => {
    const names = allSettings.map((s) => s.env);
    expect(new Set(names).size).toBe(names.length);
    for (const setting of allSettings) {
      expect(setting.env).toMatch(/^AUDIT_ENRICHER_[A-Z0-9_]+$/);
      if (setting.default !== undefined) expect(setting.kind.parse(setting.default), setting.env).toMatchObject({ ok: true });
    }
  });

  it("mentions only settings that exist, anywhere in the README", () => {
    const known = new Set<string>(allSettings.map((s) => s.env));
    const mentioned = new Set(readme.match(/AUDIT_ENRICHER_[A-Z0-9_]+[A-Z0-9]/g) ?? []);
    const unknown = [...mentioned].filter((name) => !known.has(name));
    expect(unknown).toEqual([]);
  });
});
