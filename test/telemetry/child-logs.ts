// Every worker child process a test starts writes its stdout and stderr here, so the
// log audit (test/log-audit-setup.ts) greps what a full test run logged for secrets.
import type { ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { LOG_DIRECTORY } from "./log-audit.ts";

export interface CapturedLogs {
  readonly path: string;
  /** Lines seen so far on stdout (JSON log lines) and stderr. */
  readonly lines: string[];
}

/** Tees the child's output into test/.results/logs/<name>-<pid>.log and memory. */
export function captureChildLogs(child: ChildProcess, name: string): CapturedLogs {
  mkdirSync(LOG_DIRECTORY, { recursive: true });
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, "-");
  const path = join(LOG_DIRECTORY, `${safe}-${child.pid ?? "nopid"}.log`);
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
  mkdirSync(LOG_DIRECTORY, { recursive: true });
  return join(LOG_DIRECTORY, `${name.replace(/[^A-Za-z0-9._-]+/g, "-")}-${process.pid}.log`);
}
