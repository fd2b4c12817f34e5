import { describe, expect, it } from "vitest";
import { redactDeep, redactError, redactSecrets } from "../../src/telemetry/redact.ts";
import { Secret } from "../../src/telemetry/secret.ts";

const KEY = "K3yTestValue0123456789abcdefABCDEF+/=";

describe("redactSecrets", () => {
  const cases: [string, string, string][] = [
    [
      "Event Hubs connection string",
      `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=${KEY};EntityPath=hub`,
      "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=[redacted];EntityPath=hub",
    ],
    [
      "storage connection string",
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;`,
      "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=[redacted];BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;",
    ],
    [
      "SAS connection string (the value contains spaces)",
      `Endpoint=sb://ns/;SharedAccessSignature=SharedAccessSignature sr=ns&sig=${KEY}&se=1&skn=k;EntityPath=h`,
      "Endpoint=sb://ns/;SharedAccessSignature=[redacted];EntityPath=h",
    ],
    [
      "blob SAS URL",
      `GET https://acct.blob.core.windows.net/c/b?sv=2024&sp=r&sig=${KEY} failed`,
      "GET https://acct.blob.core.windows.net/c/b?[redacted] failed",
    ],
    ["webhook query string", `posting to https://hooks.example/alert?code=${KEY}`, "posting to https://hooks.example/alert?[redacted]"],
    ["URL credentials", `https://user:${KEY}@siem.example/in`, "https://[redacted]@siem.example/in"],
    ["bare SAS token", `sr=x&sig=${KEY}&se=2`, "sr=x&sig=[redacted]&se=2"],
    ["bearer token", `Authorization: Bearer ${KEY}`, "Authorization: Bearer [redacted]"],
    ["case-insensitive keys", `accountkey=${KEY};`, "accountkey=[redacted];"],
  ];

  it.each(cases)("%s", (_name, input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
    expect(redactSecrets(input)).not.toContain(KEY);
  });

  it("leaves ordinary text, key names and hostnames alone", () => {
    const text = "partition 3 lag 120; SharedAccessKeyName=listen; host https://ns.servicebus.windows.net/";
    expect(redactSecrets(text)).toBe(text);
  });
});

describe("redactDeep / redactError", () => {
  it("scrubs nested strings, errors with causes, and honours Secret", () => {
    const cause = new Error(`inner AccountKey=${KEY}`);
    const error = new Error(`outer SharedAccessKey=${KEY}`, { cause });
    const out = redactDeep({ a: [{ b: `sig=${KEY}` }], error, s: new Secret(KEY), n: 3, nil: null });
    const text = JSON.stringify(out);
    expect(text).not.toContain(KEY);
    expect(out).toMatchObject({ a: [{ b: "sig=[redacted]" }], s: "[redacted]", n: 3, nil: null });
    expect(redactError(error)).toMatchObject({ type: "Error", cause: { message: "inner AccountKey=[redacted]" } });
  });

  it("stops at a bounded depth instead of following cycles", () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    expect(JSON.stringify(redactDeep(cyclic))).toContain('"[depth]"');
  });
});
