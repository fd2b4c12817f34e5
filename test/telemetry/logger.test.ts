import { appendFileSync } from "node:fs";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, type LogLevel } from "../../src/telemetry/logger.ts";
import { Secret } from "../../src/telemetry/secret.ts";
import { CANARY_SECRETS } from "./canaries.ts";
import { auditedLogFile } from "./child-logs.ts";

// A planted canary: the run's log audit greps the lines written below for it too.
const KEY = CANARY_SECRETS.sharedAccessKey;
const AUDITED = auditedLogFile("logger-test");

/** A logger writing JSON lines into memory. */
function capture(level: LogLevel = "info") {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      appendFileSync(AUDITED, String(chunk));
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level, name: "test", destination });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe("createLogger", () => {
  it("writes JSON lines with ISO time, level label, name, component and partition", () => {
    const { logger, records } = capture();
    logger.child({ component: "blob-sink", partition: "3" }).info({ records: 120 }, "flushed batch");
    const [line] = records();
    expect(line).toMatchObject({ level: "info", name: "test", component: "blob-sink", partition: "3", records: 120, msg: "flushed batch" });
    expect(new Date(String(line?.time)).toISOString()).toBe(line?.time);
    expect(line).not.toHaveProperty("pid");
  });

  it("honours the level", () => {
    const { logger, records } = capture("warn");
    logger.info("hidden");
    logger.warn("shown");
    expect(records().map((r) => r.msg)).toEqual(["shown"]);
  });

  it("redacts secret keys at any nesting, keeping a webhook URL's host", () => {
    const { logger, lines, records } = capture();
    logger.info(
      {
        config: {
          eventHubs: { connectionString: `Endpoint=sb://x/;SharedAccessKey=${KEY}` },
          blob: { accountKey: KEY, sasToken: `sv=1&sig=${KEY}` },
          alerts: { webhookUrl: `https://siem.example/hook?code=${KEY}` },
        },
        password: KEY,
      },
      "configuration",
    );
    expect(lines.join("\n")).not.toContain(KEY);
    expect(records()[0]).toMatchObject({
      config: {
        eventHubs: { connectionString: "[redacted]" },
        blob: { accountKey: "[redacted]", sasToken: "[redacted]" },
        alerts: { webhookUrl: "https://siem.example/hook?[redacted]" },
      },
      password: "[redacted]",
    });
  });

  it("scrubs secrets embedded in messages, format arguments, errors and child bindings", () => {
    const { logger, lines } = capture();
    const error = new Error(`connect failed: Endpoint=sb://x/;SharedAccessKey=${KEY};EntityPath=h`, {
      cause: new Error(`AccountKey=${KEY}`),
    });
    logger.error(error, "source failed");
    logger.error({ err: error }, "source failed again");
    logger.warn("retrying %s", `https://acct.blob.core.windows.net/c?sig=${KEY}`);
    logger.child({ component: "alerts", target: `https://h.example/x?token=${KEY}` }).info("bound");
    logger.info({ key: new Secret(KEY) }, "secret object");
    logger.info(`quoted "AccountKey=${KEY}" and 'sig=${KEY}'`);
    expect(lines).toHaveLength(6);
    // Line scrubbing must leave every line parseable JSON.
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(lines.join("\n")).not.toContain(KEY);
    expect(lines.join("\n")).toContain("SharedAccessKey=[redacted]");
    const first = JSON.parse(lines[0] ?? "{}") as { err?: { message?: string; stack?: string; cause?: unknown } };
    expect(first.err?.message).toBe("connect failed: Endpoint=sb://x/;SharedAccessKey=[redacted];EntityPath=h");
    expect(first.err?.stack).toContain("Error: connect failed");
    expect(first.err?.cause).toMatchObject({ message: "AccountKey=[redacted]" });
  });
});
