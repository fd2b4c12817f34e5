// `npm run demo` end to end: it must exit 0 by itself and its summary must add up.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { captureChildLogs } from "../telemetry/child-logs.ts";
import { REPO_ROOT } from "./harness.ts";

let out: string | undefined;
afterEach(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

function number(text: string, pattern: RegExp): number {
  const match = pattern.exec(text);
  if (!match?.[1]) throw new Error(`no ${pattern} in:\n${text}`);
  return Number(match[1]);
}

describe("audit-enricher demo", () => {
  it("runs the real worker on the embedded services, exits 0 by itself, and its numbers add up", { timeout: 90_000 }, async () => {
    out = mkdtempSync(join(tmpdir(), "demo-test-"));
    const child = spawn(process.execPath, ["src/cli.ts", "demo", "--events", "150", "--out", out], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    captureChildLogs(child, "demo");
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    const audit = number(stdout, /: (\d+) audit records/);
    const signIns = number(stdout, /\+ (\d+) sign-in records/);
    const malformed = number(stdout, /, (\d+) malformed/);
    expect(number(stdout, /enriched\s+(\d+) records/)).toBe(audit);
    expect(number(stdout, /passed through (\d+)/)).toBe(signIns);
    expect(number(stdout, /dead-lettered\s+(\d+)/)).toBe(malformed);
    expect(number(stdout, /lag (\d+)/)).toBe(0);
    expect(stdout).toContain("SIGTERM → exit 0");
    // The printed command points at a real object holding enriched records.
    const path = /zcat (\S+) \| head -n 1/.exec(stdout)?.[1];
    expect(path && existsSync(path)).toBe(true);
    const first = JSON.parse(gunzipSync(readFileSync(path!)).toString("utf8").split("\n")[0]!);
    expect(first.enrichment).toMatchObject({ recognized: expect.any(Boolean), sensitivity: expect.any(String) });
  });
});
