// Reads every setting from the environment (and the optional JSON file named
// by AUDIT_ENRICHER_CONFIG_FILE), validates all of them, and either returns a
// frozen WorkerConfig or throws ONE ConfigError naming every bad setting.
import { readFileSync } from "node:fs";
import { buildWorkerConfig } from "./build.ts";
import type { SettingName } from "./schema.ts";
import { allSettings as settings } from "./schema.ts";
import type { WorkerConfig } from "./types.ts";

export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

export type Values = Partial<Record<SettingName, string | number | boolean>>;

type Env = Readonly<Record<string, string | undefined>>;

function readConfigFile(path: string, problems: string[]): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    problems.push(`AUDIT_ENRICHER_CONFIG_FILE: cannot read JSON from ${path}: ${(error as Error).message}`);
    return {};
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    problems.push(`AUDIT_ENRICHER_CONFIG_FILE: ${path} must hold a JSON object of { "AUDIT_ENRICHER_…": value }`);
    return {};
  }
  const known = new Set<string>(settings.map((s) => s.env));
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!known.has(key)) problems.push(`${key}: unknown setting in ${path}`);
    else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") out[key] = String(value);
    else problems.push(`${key}: must be a string, number or boolean in ${path}`);
  }
  return out;
}

/** Parses and validates; throws ConfigError with every problem at once. */
export function loadConfig(env: Env = process.env): WorkerConfig {
  const problems: string[] = [];
  const filePath = env.AUDIT_ENRICHER_CONFIG_FILE?.trim();
  const fromFile = filePath ? readConfigFile(filePath, problems) : {};
  // A misspelled variable would silently fall back to a default: refuse it.
  const known = new Set<string>(settings.map((s) => s.env));
  for (const name of Object.keys(env)) {
    if (name.startsWith("AUDIT_ENRICHER_") && !known.has(name)) problems.push(`${name}: unknown setting (see the README's configuration table)`);
  }
  const values: Values = {};
  for (const setting of settings) {
    const raw = env[setting.env] ?? fromFile[setting.env] ?? setting.default;
    if (raw === undefined || raw === "") continue;
    const parsed = setting.kind.parse(raw);
    if (parsed.ok) values[setting.env as SettingName] = parsed.value;
    else problems.push(`${setting.env}: ${setting.secret ? "invalid value" : parsed.problem}`);
  }
  const config = buildWorkerConfig(values, problems);
  if (problems.length > 0 || config === undefined) throw new ConfigError(problems);
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
