// Runs a fixture file through the streaming stage and returns its outcomes.
import { createReadStream } from "node:fs";
import { join } from "node:path";
import type { ActivityLookup } from "../../src/catalog/enrichment.ts";
import type { NonAuditPolicy } from "../../src/transforms/decode/outcome.ts";
import { enrichStream, type LocatedOutcome } from "../../src/transforms/enrich/enrich-stream.ts";

export const FIXTURE_DIR = join(import.meta.dirname, "../fixtures/events");

export async function enrichFixture(name: string, lookup: ActivityLookup, nonAudit: NonAuditPolicy = "pass"): Promise<LocatedOutcome[]> {
  const all: LocatedOutcome[] = [];
  for await (const batch of enrichStream(createReadStream(join(FIXTURE_DIR, name)), { lookup, nonAudit })) all.push(...batch);
  return all;
}

export function lineText(line: Uint8Array): string {
  return Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString("utf8");
}
