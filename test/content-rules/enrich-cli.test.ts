// The real `enrich` CLI, as a child process, on a fixture file mixing shapes
// (Azure Monitor, Log Analytics, Graph, legacy, an Event Hubs envelope): each
// output line carries the content verdict, the summary counts the levels, and
// no credential value from the input appears in any reason.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const FIXTURE = "test/fixtures/content/enrich-cli.ndjson";

function runEnrich(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["src/cli.ts", "enrich", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("enrich CLI with content rules", () => {
  it("writes each record's content verdict and reason", async () => {
    const { code, stdout, stderr } = await runEnrich([FIXTURE]);
    expect(code).toBe(0);
    const out = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { enrichment: { sensitivity: string; reasons: string[] } });
    const got = out.map((r) => [r.enrichment.sensitivity, r.enrichment.reasons[0]!.slice(0, r.enrichment.reasons[0]!.indexOf(":"))]);
    expect(got).toEqual([
      ["high", "privileged-role-granted"],
      ["high", "privileged-role-granted"],
      ["high", "app-credential-added"],
      ["medium", "user-consent-basic-sign-in"],
      ["high", "guest-became-member"],
      ["low", "default"],
      ["high", "domain-federation-changed"],
      ["high", "broad-permission-granted"],
      ["medium", "account-re-enabled"],
    ]);
    expect(out[0]!.enrichment.reasons[0]).toContain("(role: Global Administrator)");
    expect(out[1]!.enrichment.reasons[0]).toContain("(role: Security Administrator)");
    expect(out[7]!.enrichment.reasons.some((r) => r.startsWith("tenant-wide-consent: "))).toBe(true);
    expect(stdout).toContain("hunter2-SECRET-VALUE"); // the record itself is passed on untouched ...
    for (const r of out) expect(r.enrichment.reasons.join("\n")).not.toMatch(/hunter2|MIIC|any\.sts/); // ... but never quoted in a reason
    expect(stderr).toContain("sensitivity: high 6, medium 2, low 1");
  });
});
