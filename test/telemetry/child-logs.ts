// Every worker child process a test starts writes its stdout and stderr under
// test/.results/logs/<run>/, so the log audit (test/log-audit-setup.ts) greps what a
// full test run logged for secrets.
import type { ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import { LOG_DIRECTORY } from "./log-audit.ts";

/** This run's directory (provided by test/log-audit-setup.ts), so concurrent runs never mix. */
function runLogDirectory(): string {
  const provided: unknown = inject("logAuditDirectory");
  const dir = typeof provided === "string" ? provided : join(LOG_DIRECTORY, "unscoped");
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface CapturedLogs {
  readonly path: string;
  /** Lines seen so far on stdout (JSON log lines) and stderr. */
  readonly lines: string[];
}

/** Tees the child's output into test/.results/logs/<name>-<pid>.log and memory. */
export function captureChildLogs(child: ChildProcess, name: string): CapturedLogs {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, "-");
  const path = join(runLogDirectory(), `${safe}-${child.pid ?? "nopid"}.log`);
  const file = createWriteStream(path, { flags: "a" });
  const lines: string[] = [];
  let pending = 0;
  for (const stream of [child.stdout, child.stderr]) {
    if (stream === null) continue;
    pending++;
    let rest = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      file.write(chunk);
      const parts = (rest + chunk).split("\n");
      rest = parts.pop() ?? "";
      lines.push(...parts.filter((line) => line.length > 0));
    });
    stream.on("end", () => {
      if (rest.length > 0) lines.push(rest);
      if (--pending === 0) file.end();
    });
  }
  if (pending === 0) file.end();
  return { path, lines };
}

/** For in-process loggers under test: append lines to the audited directory. */
export function auditedLogFile(name: string): string {
  return join(runLogDirectory(), `${name.replace(/[^A-Za-z0-9._-]+/g, "-")}-${process.pid}.log`);
}
