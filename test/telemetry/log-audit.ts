// The scan behind test/log-audit-setup.ts: every line of every captured log file,
// searched for every known test secret. Reports positions, never the secret itself.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export const LOG_DIRECTORY = join(import.meta.dirname, "..", ".results", "logs");

export interface Leak {
  readonly file: string;
  readonly line: number;
  /** Which secret (its label), e.g. "sharedAccessKey"; the value is never echoed. */
  readonly secret: string;
}

export interface AuditResult {
  readonly files: number;
  readonly lines: number;
  readonly leaks: readonly Leak[];
}

/** Secrets shorter than this are too likely to match by chance and are refused. */
const MIN_SECRET_LENGTH = 12;

export function auditLogs(directory: string, secrets: Readonly<Record<string, string>>): AuditResult {
  const entries = Object.entries(secrets);
  for (const [label, value] of entries) {
    if (value.length < MIN_SECRET_LENGTH) throw new Error(`log audit: secret '${label}' is too short to search for`);
  }
  if (!existsSync(directory)) return { files: 0, lines: 0, leaks: [] };
  const leaks: Leak[] = [];
  let files = 0;
  let lines = 0;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      files++;
      const text = readFileSync(path, "utf8").split("\n");
      text.forEach((line, index) => {
        if (line.length > 0) lines++;
        for (const [label, value] of entries) {
          // Also the URL-encoded form: keys travel inside SAS URLs and query strings.
          if (line.includes(value) || line.includes(encodeURIComponent(value))) leaks.push({ file: path, line: index + 1, secret: label });
        }
      });
    }
  };
  walk(directory);
  return { files, lines, leaks };
}
