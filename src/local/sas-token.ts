// Verifies Event Hubs SAS tokens the way the service does for a namespace-level key:
// `SharedAccessSignature sr=<enc audience>&sig=<enc base64 HMAC-SHA256>&se=<unix s>&skn=<enc key name>`,
// signed over `<enc audience>\n<se>` with the key's UTF-8 text.
import { createHmac, timingSafeEqual } from "node:crypto";

export type TokenCheck = { readonly ok: true; readonly expiresAtMs: number } | { readonly ok: false; readonly reason: string };

export function verifySasToken(token: string, audience: string, keyName: string, key: string, nowMs = Date.now()): TokenCheck {
  const prefix = "SharedAccessSignature ";
  if (!token.startsWith(prefix)) return { ok: false, reason: "not a SharedAccessSignature token" };
  const fields = new Map<string, string>();
  for (const part of token.slice(prefix.length).split("&")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const sr = fields.get("sr");
  const sig = fields.get("sig");
  const se = fields.get("se");
  const skn = fields.get("skn");
  if (sr === undefined || sig === undefined || se === undefined || skn === undefined) {
    return { ok: false, reason: "token lacks sr, sig, se or skn" };
  }
  if (decodeURIComponent(skn) !== keyName) return { ok: false, reason: `unknown key name '${decodeURIComponent(skn)}'` };
  const resource = decodeURIComponent(sr).toLowerCase();
  const wanted = audience.toLowerCase();
  // A token for a parent resource (the namespace or the hub) covers everything under it.
  if (!(wanted === resource || wanted.startsWith(resource.endsWith("/") ? resource : `${resource}/`))) {
    return { ok: false, reason: `token audience '${decodeURIComponent(sr)}' does not cover '${audience}'` };
  }
  if (!/^\d+$/.test(se) || Number(se) * 1000 <= nowMs) return { ok: false, reason: "token expired" };
  const expected = createHmac("sha256", key).update(`${sr}\n${se}`).digest();
  const given = Buffer.from(decodeURIComponent(sig), "base64");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "invalid signature" };
  }
  return { ok: true, expiresAtMs: Number(se) * 1000 };
}
