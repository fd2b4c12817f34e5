// Secret values planted in tests so the log audit (test/log-audit-setup.ts) can prove
// none of them reaches a log line. Use these, not ad-hoc strings, when a test hands a
// secret to code that logs; the broker's and Azurite's real test keys are added to the
// list at run time from the global setup's connection strings.
export const CANARY_SECRETS = {
  sharedAccessKey: "Q2FuYXJ5U2hhcmVkQWNjZXNzS2V5LWF1ZGl0LWVucmljaGVy=",
  accountKey: "Q2FuYXJ5QWNjb3VudEtleS1hdWRpdC1lbnJpY2hlci0wMTIzNDU2Nzg5QUJDREVG==",
  sasSignature: "Q2FuYXJ5U2FzU2lnbmF0dXJlLWF1ZGl0LWVucmljaGVy",
  webhookToken: "canary-webhook-token-4f1d9c0e7b2a",
} as const;

/** The secret parts of a connection string (SharedAccessKey, AccountKey, SAS sig). */
export function secretsInConnectionString(connectionString: string): string[] {
  const out: string[] = [];
  for (const match of connectionString.matchAll(/(?:^|;)\s*(SharedAccessKey|AccountKey|SharedAccessSignature)=([^;]+)/gi)) {
    const value = match[2]?.trim();
    if (value) out.push(value);
  }
  return out;
}
