// Secret-in-logs check for a whole test run. Setup makes this run's directory under
// test/.results/logs (one per run: runs in one working tree must not clear or scan each
// other's) and provides it; tests write every worker child's output there
// (test/telemetry/child-logs.ts); teardown
// greps every line for the run's test keys (the broker's SharedAccessKey, Azurite's
// AccountKey, the planted canaries) and fails the run on any hit. Listed after
// test/global-setup.ts in vitest.config.ts, so the services' addresses are provided.
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { CANARY_SECRETS, secretsInConnectionString } from "./telemetry/canaries.ts";
import { auditLogs, LOG_DIRECTORY } from "./telemetry/log-audit.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where this run's captured logs go; see test/telemetry/child-logs.ts. */
    logAuditDirectory: string;
  }
}

const KEEP_OLD_RUNS_MS = 24 * 3600_000;

export default function setup(project: TestProject): () => void {
  mkdirSync(LOG_DIRECTORY, { recursive: true });
  for (const name of readdirSync(LOG_DIRECTORY)) {
    const path = join(LOG_DIRECTORY, name);
    if (Date.now() - statSync(path).mtimeMs > KEEP_OLD_RUNS_MS) rmSync(path, { recursive: true, force: true });
  }
  const runDirectory = join(LOG_DIRECTORY, `run-${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}`);
  mkdirSync(runDirectory, { recursive: true });
  project.provide("logAuditDirectory", runDirectory);
  const provided = project.getProvidedContext() as unknown as Record<string, unknown>;
  const secrets: Record<string, string> = { ...CANARY_SECRETS };
  for (const key of ["eventHubsConnectionString", "blobConnectionString"]) {
    const value = provided[key];
    if (typeof value !== "string") continue;
    secretsInConnectionString(value).forEach((secret, index) => {
      secrets[`${key}#${index}`] = secret;
    });
  }
  return () => {
    const result = auditLogs(runDirectory, secrets);
    const summary = `log audit: ${result.lines} lines in ${result.files} files searched for ${Object.keys(secrets).length} test secrets`;
    if (result.leaks.length > 0) {
      const where = result.leaks.slice(0, 20).map((leak) => `  ${leak.file}:${leak.line} contains ${leak.secret}`);
      // vitest reports a teardown error but keeps exit code 0: set it ourselves.
      process.exitCode = 1;
      process.stderr.write(`${summary}: ${result.leaks.length} LEAKED\n${where.join("\n")}\n`);
      return;
    }
    process.stdout.write(`${summary}: no secret found\n`);
  };
}
