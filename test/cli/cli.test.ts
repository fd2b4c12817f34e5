import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const cli = (args: string[]) =>
  spawnSync(process.execPath, ["src/cli.ts", ...args], { encoding: "utf8" });

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
});
