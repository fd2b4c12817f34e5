// Reading fields of parsed input without trusting it: only own properties
// count (so `constructor`, `__proto__` or `toString` never resolve to
// Object.prototype members), and values are checked for type before use.

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function own(value: unknown, key: string): unknown {
  return isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

export function ownString(value: unknown, key: string): string | null {
  const field = own(value, key);
  return typeof field === "string" ? field : null;
}

export function ownObject(value: unknown, key: string): JsonObject | null {
  const field = own(value, key);
  return isObject(field) ? field : null;
}

/** Log Analytics keeps nested columns as JSON-encoded strings; anything unparsable counts as absent. */
export function decodeJsonColumn(value: unknown, maxChars: number): unknown {
  if (typeof value !== "string") return value;
  if (value.length > maxChars) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
