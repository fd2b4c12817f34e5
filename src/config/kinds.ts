// Value kinds of settings: each parses a raw string and says, in a few words,
// what it accepts (the README's "values" column comes from `accepts`).

export type Parsed = { readonly ok: true; readonly value: string | number | boolean } | { readonly ok: false; readonly problem: string };

export interface SettingKind {
  readonly accepts: string;
  parse(raw: string): Parsed;
}

export function text(options: { min?: number } = {}): SettingKind {
  const min = options.min ?? 1;
  return {
    accepts: min > 1 ? `text (≥ ${min} characters)` : "text",
    parse: (raw) => (raw.trim().length >= min ? { ok: true, value: raw.trim() } : { ok: false, problem: `must be at least ${min} characters` }),
  };
}

export function integer(options: { min: number; max: number }): SettingKind {
  return {
    accepts: `integer ${options.min}–${options.max}`,
    parse(raw) {
      const trimmed = raw.trim();
      if (!/^-?\d+$/.test(trimmed)) return { ok: false, problem: `must be an integer, got '${raw}'` };
      const value = Number(trimmed);
      if (value < options.min || value > options.max) return { ok: false, problem: `must be between ${options.min} and ${options.max}, got ${value}` };
      return { ok: true, value };
    },
  };
}

export function oneOf(values: readonly string[]): SettingKind {
  return {
    accepts: values.map((v) => `\`${v}\``).join(" \\| "),
    parse(raw) {
      const value = raw.trim().toLowerCase();
      return values.includes(value) ? { ok: true, value } : { ok: false, problem: `must be one of ${values.join(", ")}, got '${raw}'` };
    },
  };
}

export function boolean(): SettingKind {
  return {
    accepts: "`true` \\| `false`",
    parse(raw) {
      const value = raw.trim().toLowerCase();
      if (value === "true" || value === "1") return { ok: true, value: true };
      if (value === "false" || value === "0") return { ok: true, value: false };
      return { ok: false, problem: `must be true or false, got '${raw}'` };
    },
  };
}

export function url(): SettingKind {
  return {
    accepts: "http(s) URL",
    parse(raw) {
      try {
        const parsed = new URL(raw.trim());
        if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return { ok: false, problem: "must be an http(s) URL" };
        return { ok: true, value: raw.trim() };
      } catch {
        return { ok: false, problem: "must be a URL" };
      }
    },
  };
}
