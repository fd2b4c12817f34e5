// String scrubber for text we do not control the shape of: SDK error messages,
// stack traces and URLs can embed a whole connection string or SAS token.
// Patterns are case-insensitive and keep the key name so an operator still sees
// WHICH setting was involved, never its value. No value pattern crosses a
// backslash or a quote, so scrubbing a serialized JSON line keeps it valid JSON.
import { REDACTED } from "./secret.ts";

// Connection-string keys whose value is secret. The value ends at `;`, a quote or
// a line break (a SAS value contains spaces: "SharedAccessSignature sr=…&sig=…").
const CONNECTION_STRING_SECRET =
  /\b(SharedAccessKey|AccountKey|SharedAccessSignature|Password|Pwd|ClientSecret)=([^;"'\\\r\n]*)/gi;
// SAS query parameters outside a URL we recognise (e.g. a bare token).
const SAS_SIGNATURE = /\b(sig|signature)=([^&;"'\\\s]+)/gi;
// Any URL's query string: webhook tokens (`?code=`, `?token=`) and blob SAS live here.
const URL_QUERY = /\b(https?:\/\/[^\s?#"'<>\\]+)\?[^\s#"'<>\\]*/gi;
// Credentials embedded in a URL's authority: https://user:pass@host.
// (Base64 passwords may contain an unencoded "/", so only whitespace, quotes
// and "@" end it; over-redacting an odd path with "@" in it is the safe error.)
const URL_USERINFO = /\b(https?|amqps?|wss?):\/\/[^\s@"'<>\\]+@/gi;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi;

/** Replaces every secret-looking substring of `text` with "[redacted]". */
export function redactSecrets(text: string): string {
  return text
    .replace(URL_USERINFO, (_m, scheme: string) => `${scheme}://${REDACTED}@`)
    .replace(URL_QUERY, (_m, base: string) => `${base}?${REDACTED}`)
    .replace(CONNECTION_STRING_SECRET, (_m, key: string) => `${key}=${REDACTED}`)
    .replace(SAS_SIGNATURE, (_m, key: string) => `${key}=${REDACTED}`)
    .replace(BEARER, (_m, key: string) => `${key} ${REDACTED}`);
}

const MAX_DEPTH = 6;

/**
 * Deep copy of a log object with every string scrubbed. Bounded depth so a
 * cyclic or huge object cannot stall logging; deeper values become "[depth]".
 */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactSecrets(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[depth]";
  if (value instanceof Error) return redactError(value);
  // Objects that know how to print themselves safely (Secret, Date, URL).
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return redactDeep((value as { toJSON(): unknown }).toJSON(), depth + 1);
  }
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = redactDeep(item, depth + 1);
  return out;
}

/** Error → plain object (type, message, code, stack, cause) with secrets scrubbed. */
export function redactError(error: Error, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: error.name,
    message: redactSecrets(error.message),
  };
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") out.code = code;
  if (error.stack !== undefined) out.stack = redactSecrets(error.stack);
  if (error.cause instanceof Error && depth < 3) out.cause = redactError(error.cause, depth + 1);
  return out;
}
