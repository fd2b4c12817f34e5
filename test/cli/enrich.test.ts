// `audit-enricher enrich` as a child process on mixed files and stdin.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const FIXTURES = "test/fixtures/events";
const dir = mkdtempSync(join(tmpdir(), "enrich-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const enrich = (args: string[], input?: string | Buffer) =>
  spawnSync(process.execPath, ["src/cli.ts", "enrich", ...args], { encoding: "utf8", ...(input === undefined ? {} : { input }) });

const outputLines = (stdout: string) => stdout.split("\n").filter((l) => l !== "");

const audit = (activity: string) =>
  JSON.stringify({ time: "2024-01-01T00:00:00Z", category: "AuditLogs", operationName: activity, properties: { activityDisplayName: activity, loggedByService: "Core Directory", category: "UserManagement" } });
const signIn = JSON.stringify({ time: "2024-01-01T00:00:01Z", category: "SignInLogs", properties: { userPrincipalName: "jane@contoso.example" } });

describe("audit-enricher enrich", () => {
  it("enriches a mixed NDJSON file, writes rejects with file and line, exits 1", () => {
    const mixed = join(dir, "mixed.ndjson");
    writeFileSync(
      mixed,
      [
        `{"records":[${audit("Add user")},${signIn}]}`,
        audit("Frobnicate widget"),
        "{not json",
        "",
        `{"records":[${audit("Add owner to application")},42]}`,
        signIn,
      ].join("\n"),
    );
    const deadLetters = join(dir, "dead.ndjson");
    const result = enrich([mixed, "--dead-letter", deadLetters]);
    expect(result.status).toBe(1);
    const lines = outputLines(result.stdout).map((l) => JSON.parse(l));
    expect(lines.map((l) => l.enrichment?.recognized ?? l.category)).toEqual([true, "SignInLogs", false, true, "SignInLogs"]);
    expect(lines[3].enrichment.sensitivity).toBe("high");
    const dead = outputLines(readFileSync(deadLetters, "utf8")).map((l) => JSON.parse(l));
    expect(dead).toEqual([
      expect.objectContaining({ reason: "invalid_json", file: mixed, line: 3, raw: "{not json", rawEncoding: "utf8", wholeMessage: true }),
      expect.objectContaining({ reason: "not_an_object", file: mixed, line: 5, raw: "42", recordIndex: 1, wholeMessage: false }),
    ]);
    expect(result.stderr).toContain(`${mixed}:3: dead-lettered (invalid_json)`);
    expect(result.stderr).toContain("records in: 7");
    expect(result.stderr).toContain("enriched: 3 (recognized 2, 66.7%");
    expect(result.stderr).toMatch(/sensitivity: high 1, medium 1, low 1/);
    expect(result.stderr).toContain("passed through: 2, dropped: 0");
    expect(result.stderr).toContain("dead-lettered: 2 (invalid_json 1, not_an_object 1)");
  });

  it("reads several files of different shapes and exits 0 when all is accepted", () => {
    const files = ["graph-list-response.json", "legacy-2018.ndjson", "log-analytics-rows.json", "envelope-bom.json"].map((f) => join(FIXTURES, f));
    const result = enrich(files);
    expect(result.stderr).toContain("dead-lettered: 0");
    expect(result.status).toBe(0);
    const lines = outputLines(result.stdout).map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3 + 3 + 3 + 1);
    expect(lines.filter((l) => l.enrichment !== undefined)).toHaveLength(9);
  });

  it("reads stdin, drops other log categories when asked", () => {
    const result = enrich(["--non-audit", "drop", "-"], `${audit("Add user")}\n${signIn}\n`);
    expect(result.status).toBe(0);
    expect(outputLines(result.stdout)).toHaveLength(1);
    expect(result.stderr).toContain("passed through: 0, dropped: 1");
  });

  it("dead-letters an over-long line without holding it, naming its line", () => {
    const long = join(dir, "long.ndjson");
    writeFileSync(long, `${audit("Add user")}\n{"category":"AuditLogs","x":"${"y".repeat(5000)}"}\n${audit("Update user")}\n`);
    const deadLetters = join(dir, "dead-long.ndjson");
    const result = enrich([long, "--max-line-bytes", "1000", "--dead-letter", deadLetters]);
    expect(result.status).toBe(1);
    expect(outputLines(result.stdout)).toHaveLength(2);
    const [dead] = outputLines(readFileSync(deadLetters, "utf8")).map((l) => JSON.parse(l));
    expect(dead).toMatchObject({ reason: "too_large", line: 2, rawTruncated: true });
  });

  it("writes bytes that are not UTF-8 to the dead-letter file as base64", () => {
    const bad = join(dir, "bad-utf8.ndjson");
    writeFileSync(bad, Buffer.concat([Buffer.from('{"category":"AuditLogs","operationName":"'), Buffer.from([0xff]), Buffer.from('"}\n')]));
    const deadLetters = join(dir, "dead-utf8.ndjson");
    expect(enrich([bad, "--dead-letter", deadLetters]).status).toBe(1);
    const [dead] = outputLines(readFileSync(deadLetters, "utf8")).map((l) => JSON.parse(l));
    expect(dead).toMatchObject({ reason: "invalid_utf8", rawEncoding: "base64" });
    expect(Buffer.from(dead.raw, "base64").includes(0xff)).toBe(true);
  });

  it("exits 2 on usage errors and 0 on --help", () => {
    expect(enrich(["--help"]).status).toBe(0);
    expect(enrich(["--help"]).stdout).toContain("--dead-letter FILE");
    const unknown = enrich(["--frobnicate"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("--frobnicate");
    expect(enrich(["--non-audit", "keep"]).status).toBe(2);
    const missing = enrich([join(dir, "no-such-file.json")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("no-such-file.json: no such file");
  });

  it("exits 1 with a clear message when the catalog index cannot be loaded", () => {
    const result = enrich(["--catalog", join(dir, "missing-index.json")], "");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("missing-index.json");
  });
});
