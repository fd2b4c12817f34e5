import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const cli = (args: string[]) => spawnSync(process.execPath, ["src/cli.ts", ...args], { encoding: "utf8" });

describe("audit-enricher CLI", () => {
  it("prints usage and exits 2 without a command", () => {
    const result = cli([]);
    expect(result.status).toBe(2);
    expect(result.stdout).toContain("Usage: audit-enricher <command>");
  });

  it("rejects an unknown command with exit 2", () => {
    const result = cli(["no-such-command"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown command 'no-such-command'");
  });

  it("lists every command with a summary under --help", () => {
    const result = cli(["--help"]);
    expect(result.status).toBe(0);
    for (const name of ["catalog", "demo", "enrich", "local", "lookup", "run"]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${name} +\\S`, "m"));
    }
  });

  it("stops quietly when its reader closes the pipe early", () => {
    // Far more output than a pipe buffers, so the writer hits EPIPE after `head` exits.
    const dir = mkdtempSync(join(tmpdir(), "cli-epipe-"));
    const input = join(dir, "many.ndjson");
    const record = JSON.stringify({
      time: "2024-01-01T00:00:00Z",
      category: "AuditLogs",
      operationName: "Add user",
      properties: { activityDisplayName: "Add user", category: "UserManagement", loggedByService: "Core Directory" },
    });
    writeFileSync(input, `${record}\n`.repeat(50_000));
    try {
      const result = spawnSync("sh", ["-c", `"${process.execPath}" src/cli.ts enrich "${input}" | head -c 1`], {
        encoding: "utf8",
      });
      expect(result.stdout).toBe("{");
      expect(result.stderr).not.toMatch(/EPIPE|Error/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
