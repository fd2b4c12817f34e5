import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/load.ts";

const devEnv = {
  AUDIT_ENRICHER_EVENTHUB_CONNECTION_STRING: "Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=k;SharedAccessKey=TOPSECRETKEY;EntityPath=audit;UseDevelopmentEmulator=true",
  AUDIT_ENRICHER_STORAGE_CONNECTION_STRING: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=STORAGESECRET;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;",
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("accepts the development identity with safe defaults and freezes the result", () => {
    const config = loadConfig(devEnv);
    expect(config.source.eventHub).toMatchObject({ auth: "connection-string", eventHubName: "audit" });
    expect(config.source.startPosition).toBe("earliest");
    expect(config.source.consumerGroup).toBe("$Default");
    expect(config.output.primary).toBe("blob");
    expect(config.output.nonAudit).toBe("pass");
    expect(config.operations.shutdownGraceMs).toBe(25_000);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.source.loadBalancing)).toBe(true);
  });

  it("enrichment is on by default; AUDIT_ENRICHER_ENRICHMENT=off selects pass-through, anything else is refused", () => {
    expect(loadConfig(devEnv).catalog.enrichment).toBe(true);
    expect(loadConfig({ ...devEnv, AUDIT_ENRICHER_ENRICHMENT: "off" }).catalog.enrichment).toBe(false);
    expect(problemsOf({ ...devEnv, AUDIT_ENRICHER_ENRICHMENT: "no" }).join("\n")).toContain("AUDIT_ENRICHER_ENRICHMENT: must be one of on, off");
  });

  it("never prints a secret when the config is logged or serialized", () => {
    const config = loadConfig(devEnv);
    const text = JSON.stringify(config);
    expect(text).not.toContain("TOPSECRETKEY");
    expect(text).not.toContain("STORAGESECRET");
    expect(text).toContain("[redacted]");
  });

  it("accepts the production identity (namespace + account URL)", () => {
    const config = loadConfig({
      AUDIT_ENRICHER_EVENTHUB_FQDN: "ns.servicebus.windows.net",
      AUDIT_ENRICHER_EVENTHUB_NAME: "audit",
      AUDIT_ENRICHER_STORAGE_ACCOUNT_URL: "https://acct.blob.core.windows.net",
    });
    expect(config.source.eventHub).toEqual({ auth: "credential", fullyQualifiedNamespace: "ns.servicebus.windows.net", eventHubName: "audit" });
    expect(config.storage).toEqual({ auth: "credential", accountUrl: "https://acct.blob.core.windows.net" });
  });

  it("reports every bad or missing setting at once, each by its env name", () => {
    const problems = problemsOf({
      AUDIT_ENRICHER_MAX_BATCH_SIZE: "lots",
      AUDIT_ENRICHER_OUTPUT: "s3",
      AUDIT_ENRICHER_START_POSITIN: "latest",
    });
    const text = problems.join("\n");
    expect(text).toContain("AUDIT_ENRICHER_MAX_BATCH_SIZE: must be an integer");
    expect(text).toContain("AUDIT_ENRICHER_OUTPUT: must be one of blob, hub, both");
    expect(text).toContain("AUDIT_ENRICHER_START_POSITIN: unknown setting");
    expect(text).toContain("AUDIT_ENRICHER_EVENTHUB_CONNECTION_STRING: the input hub is not configured");
    expect(text).toContain("AUDIT_ENRICHER_STORAGE_CONNECTION_STRING: storage for checkpoints is not configured");
    expect(problems.length).toBe(5);
  });

  it("refuses mixing production identity and connection string for one resource", () => {
    const problems = problemsOf({
      ...devEnv,
      AUDIT_ENRICHER_EVENTHUB_FQDN: "ns.servicebus.windows.net",
      AUDIT_ENRICHER_STORAGE_ACCOUNT_URL: "https://acct.blob.core.windows.net",
    });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/AUDIT_ENRICHER_EVENTHUB_FQDN and AUDIT_ENRICHER_EVENTHUB_CONNECTION_STRING: both set/);
    expect(problems[1]).toMatch(/AUDIT_ENRICHER_STORAGE_ACCOUNT_URL and AUDIT_ENRICHER_STORAGE_CONNECTION_STRING: both set/);
  });

  it("requires what the chosen output and alert destination need", () => {
    const problems = problemsOf({ ...devEnv, AUDIT_ENRICHER_OUTPUT: "both", AUDIT_ENRICHER_ALERT_DESTINATION: "webhook" });
    expect(problems.join("\n")).toContain("the output hub is not configured");
    expect(problems.join("\n")).toContain("AUDIT_ENRICHER_ALERT_WEBHOOK_URL: required");
  });

  it("does not echo a bad secret value", () => {
    const problems = problemsOf({ ...devEnv, AUDIT_ENRICHER_ALERT_DESTINATION: "webhook", AUDIT_ENRICHER_ALERT_WEBHOOK_URL: "not a url?token=HOOKSECRET" });
    expect(problems.join("\n")).toContain("AUDIT_ENRICHER_ALERT_WEBHOOK_URL: invalid value");
    expect(problems.join("\n")).not.toContain("HOOKSECRET");
  });

  it("reads a JSON config file named by AUDIT_ENRICHER_CONFIG_FILE; the environment wins; unknown keys are errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "config-file-"));
    try {
      const file = join(dir, "worker.json");
      writeFileSync(file, JSON.stringify({ ...devEnv, AUDIT_ENRICHER_OUTPUT: "blob", AUDIT_ENRICHER_MAX_BATCH_SIZE: 250, AUDIT_ENRICHER_ALERT_UNRECOGNIZED: false }));
      const config = loadConfig({ AUDIT_ENRICHER_CONFIG_FILE: file, AUDIT_ENRICHER_MAX_BATCH_SIZE: "50" });
      expect(config.source.maxBatchSize).toBe(50);
      expect(config.alerts.unrecognized).toBe(false);
      expect(config.source.eventHub.eventHubName).toBe("audit");
      writeFileSync(file, JSON.stringify({ ...devEnv, AUDIT_ENRICHER_OUTPT: "hub" }));
      expect(problemsOf({ AUDIT_ENRICHER_CONFIG_FILE: file })).toEqual([`AUDIT_ENRICHER_OUTPT: unknown setting in ${file}`]);
      writeFileSync(file, "{ not json");
      expect(problemsOf({ ...devEnv, AUDIT_ENRICHER_CONFIG_FILE: file })[0]).toMatch(/^AUDIT_ENRICHER_CONFIG_FILE: cannot read JSON from/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
