// Values as audit records carry them: modified-property old/new values are
// JSON-encoded strings ("[\"Member\"]", "\"True\"", "[true]"), sometimes
// encoded twice, sometimes plain ("Guest"), null, or missing. Everything here
// reduces a value to lower-case scalar tokens, bounded, and never throws.

const MAX_VALUE_CHARS = 64 * 1024;
const MAX_TOKENS = 256;
const MAX_TOKEN_CHARS = 128;
const MAX_DEPTH = 3;

function looksEncoded(text: string): boolean {
  const c = text.charCodeAt(0);
  // [ { " digit - t(rue) f(alse) n(ull)
  return c === 0x5b || c === 0x7b || c === 0x22 || (c >= 0x30 && c <= 0x39) || c === 0x2d || text === "true" || text === "false" || text === "null";
}

function collect(value: unknown, depth: number, out: string[]): void {
  if (out.length >= MAX_TOKENS) return;
  if (typeof value === "string") {
    const text = value.trim();
    if (text === "" || text.length > MAX_VALUE_CHARS) return;
    if (depth < MAX_DEPTH && looksEncoded(text)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        out.push(text.toLowerCase());
        return;
      }
      // A string that decodes to itself (a bare number) stops here; anything else is unpacked once more.
      if (typeof parsed === "string" && parsed === text) out.push(text.toLowerCase());
      else collect(parsed, depth + 1, out);
      return;
    }
    out.push(text.toLowerCase());
  } else if (typeof value === "boolean" || typeof value === "number") {
    out.push(String(value).toLowerCase());
  } else if (Array.isArray(value) && depth < MAX_DEPTH) {
    for (const item of value) {
      if (out.length >= MAX_TOKENS) break;
      collect(item, depth + 1, out);
    }
  }
}

/** Lower-case scalar tokens of a value: `"[\"Member\"]"` → ["member"], `"[true]"` → ["true"], null → []. */
export function valueTokens(value: unknown): string[] {
  const out: string[] = [];
  collect(value, 0, out);
  return out;
}

export function anyIn(tokens: readonly string[], set: ReadonlySet<string>): string | null {
  for (const t of tokens) if (set.has(t)) return t;
  return null;
}

const SCOPE_MARK = "scope:";

function isSeparator(c: number): boolean {
  // whitespace, comma, brackets, quotes, semicolon
  return c <= 0x20 || c === 0x2c || c === 0x5b || c === 0x5d || c === 0x22 || c === 0x3b || c === 0x27;
}

function splitScopes(text: string, from: number, to: number, out: string[]): void {
  let start = -1;
  for (let i = from; i <= to && out.length < MAX_TOKENS; i++) {
    const c = i < to ? text.charCodeAt(i) : 0x20;
    if (isSeparator(c)) {
      if (start >= 0 && i - start <= MAX_TOKEN_CHARS) out.push(text.slice(start, i));
      start = -1;
    } else if (start < 0) start = i;
  }
}

/**
 * Permission names in a lower-cased permission value. Consent records write
 * `[[Id: …, ConsentType: AllPrincipals, Scope: mail.read user.read, …]]`: only
 * what follows each `Scope:` up to the next comma counts. Grant and app-role
 * records write the names alone (`" mail.read files.readwrite.all"`).
 */
export function scopeTokens(text: string, out: string[]): void {
  let at = text.indexOf(SCOPE_MARK);
  if (at < 0) {
    splitScopes(text, 0, text.length, out);
    return;
  }
  while (at >= 0 && out.length < MAX_TOKENS) {
    const from = at + SCOPE_MARK.length;
    let to = from;
    while (to < text.length && text.charCodeAt(to) !== 0x2c && text.charCodeAt(to) !== 0x5d) to++;
    splitScopes(text, from, to, out);
    at = text.indexOf(SCOPE_MARK, to);
  }
}
