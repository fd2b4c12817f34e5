import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { REDACTED, Secret } from "../../src/telemetry/secret.ts";

const VALUE = "Endpoint=sb://ns.example/;SharedAccessKeyName=k;SharedAccessKey=c2VjcmV0LXRlc3Qta2V5";

describe("Secret", () => {
  const secret = new Secret(VALUE);

  it("reveals the value only on request", () => {
    expect(secret.reveal()).toBe(VALUE);
  });

  it("prints [redacted] through every text conversion", () => {
    expect(String(secret)).toBe(REDACTED);
    expect(`${secret}`).toBe(REDACTED);
    expect("x" + secret).toBe(`x${REDACTED}`);
    expect(JSON.stringify({ secret })).toBe(`{"secret":"${REDACTED}"}`);
    expect(inspect(secret)).toBe(REDACTED);
    expect(inspect({ nested: { secret } }, { depth: 5 })).not.toContain("c2VjcmV0");
  });

  it("exposes nothing through enumeration or cloning", () => {
    expect(Object.keys(secret)).toEqual([]);
    expect(Object.getOwnPropertyNames(secret)).toEqual([]);
    expect(JSON.stringify(structuredClone({ ...secret }))).toBe("{}");
  });
});
