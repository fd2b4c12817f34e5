// Secret-in-logs check for a whole test run. Setup empties test/.results/logs; tests
// write every worker child's output there (test/telemetry/child-logs.ts); teardown
// greps every line for the run's test keys (the broker's SharedAccessKey, Azurite's
// AccountKey, the planted canaries) and fails the run on any hit. Listed after
// test/global-setup.ts in vitest.config.ts, so the services' addresses are provided.
import { mkdirSync, rmSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { CANARY_SECRETS, secretsInConnectionString } from "./telemetry/canaries.ts";
import { auditLogs, LOG_DIRECTORY } from "./telemetry/log-audit.ts";

export default function setup(project: TestProject): () => void {
  rmSync(LOG_DIRECTORY, { recursive: true, force: true });
  mkdirSync(LOG_DIRECTORY, { recursive: true });
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
    const result = auditLogs(LOG_DIRECTORY, secrets);
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
