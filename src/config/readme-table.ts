// The README's configuration table, rendered from the schema (the single source).
// test/config/readme.test.ts fails when README.md and this rendering differ.
import { allSettings } from "./schema.ts";

export function renderSettingsTable(): string {
  const rows = allSettings.map((s) => {
    const fallback = s.default === undefined ? "—" : `\`${s.default}\``;
    return `| \`${s.env}\` | ${fallback} | ${s.kind.accepts} | ${s.secret ? "yes" : ""} | ${s.description} |`;
  });
  return ["| Variable | Default | Values | Secret | Meaning |", "|---|---|---|---|---|", ...rows].join("\n");
}
