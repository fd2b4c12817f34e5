import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CANARY_SECRETS, secretsInConnectionString } from "./canaries.ts";
import { auditLogs } from "./log-audit.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempLogs(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "log-audit-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("auditLogs", () => {
  it("finds a planted secret, raw or URL-encoded, with file and line but not the value", () => {
    const dir = tempLogs({
      "worker-1.log": `{"msg":"ok"}\n{"msg":"connect Endpoint=sb://x/;SharedAccessKey=${CANARY_SECRETS.sharedAccessKey}"}\n`,
      "worker-2.log": `{"url":"https://h/x?key=${encodeURIComponent(CANARY_SECRETS.accountKey)}"}\n`,
    });
    const result = auditLogs(dir, CANARY_SECRETS);
    expect(result.files).toBe(2);
    expect(result.lines).toBe(3);
    expect(result.leaks).toEqual([
      { file: join(dir, "worker-1.log"), line: 2, secret: "sharedAccessKey" },
      { file: join(dir, "worker-2.log"), line: 1, secret: "accountKey" },
    ]);
    expect(JSON.stringify(result)).not.toContain(CANARY_SECRETS.sharedAccessKey);
  });

  it("passes clean logs and a missing directory", () => {
    const dir = tempLogs({ "a.log": `{"msg":"SharedAccessKey=[redacted]"}\n` });
    expect(auditLogs(dir, CANARY_SECRETS).leaks).toEqual([]);
    expect(auditLogs(join(dir, "none"), CANARY_SECRETS)).toEqual({ files: 0, lines: 0, leaks: [] });
  });

  it("refuses secrets too short to search for meaningfully", () => {
    expect(() => auditLogs(tmpdir(), { short: "abc" })).toThrow(/too short/);
  });
});

describe("secretsInConnectionString", () => {
  it("extracts keys and SAS values, not names or endpoints", () => {
    expect(secretsInConnectionString("Endpoint=sb://h:5672;SharedAccessKeyName=root;SharedAccessKey=abc123def456;UseDevelopmentEmulator=true")).toEqual([
      "abc123def456",
    ]);
    expect(secretsInConnectionString("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Zm9vYmFyYmF6==;BlobEndpoint=http://127.0.0.1:1/a;")).toEqual([
      "Zm9vYmFyYmF6==",
    ]);
  });
});
