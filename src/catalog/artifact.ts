// The index artifact (catalog/index.json): a header line and a body line. The
// header stamps the body's sha256 and the version derived from it, so a
// truncated, edited or mismatched file is refused before anything is trusted.
import { createHash } from "node:crypto";
import type { Candidate, Sensitivity } from "./enrichment.ts";
import { CatalogError } from "./errors.ts";
import type { PolicyFile } from "./policy.ts";

export const ARTIFACT_FORMAT = "audit-enricher-catalog-index/1";

export interface ArtifactCandidate extends Candidate {
  readonly sensitivity: Sensitivity;
  readonly reasons: readonly string[];
}

export interface ArtifactEntry {
  /** One spelling of the name, for people reading the artifact. */
  readonly activity: string;
  readonly candidates: readonly ArtifactCandidate[];
  /** The answer when the event does not narrow: highest level among candidates, their reasons. */
  readonly sensitivity: Sensitivity;
  readonly reasons: readonly string[];
  /** Ids of the policy's content rules that apply to this activity; absent when none do. */
  readonly contentRules?: readonly string[];
}

export interface SourceStats {
  readonly name: string;
  readonly rows: number;
  readonly activities: number;
  readonly serviceAreas: number;
  readonly categories: number;
  readonly repairedRows: number;
}

export interface IndexStats {
  readonly activities: number;
  readonly ambiguousActivities: number;
  readonly sensitivity: Readonly<Record<Sensitivity, number>>;
}

export interface ArtifactBody {
  readonly serviceAreas: Readonly<Record<string, string>>;
  readonly categories: Readonly<Record<string, string>>;
  readonly entries: readonly ArtifactEntry[];
  readonly exact: Readonly<Record<string, number>>;
  readonly normalized: Readonly<Record<string, number>>;
  readonly policy: PolicyFile;
  readonly stats: { readonly sources: readonly SourceStats[]; readonly index: IndexStats };
}

interface ArtifactHeader {
  readonly format: string;
  readonly version: string;
  readonly sha256: string;
}

export function serializeArtifact(body: ArtifactBody): { text: string; version: string } {
  const bodyText = JSON.stringify(body);
  const sha256 = createHash("sha256").update(bodyText).digest("hex");
  const version = sha256.slice(0, 16);
  const header: ArtifactHeader = { format: ARTIFACT_FORMAT, version, sha256 };
  return { text: `${JSON.stringify(header)}\n${bodyText}\n`, version };
}

export function parseArtifact(path: string, text: string): { body: ArtifactBody; version: string } {
  const newline = text.indexOf("\n");
  let header: ArtifactHeader;
  try {
    header = JSON.parse(newline < 0 ? text : text.slice(0, newline)) as ArtifactHeader;
  } catch {
    throw new CatalogError("CATALOG_ARTIFACT_CORRUPT", `${path}:1: header is not JSON; rebuild with 'audit-enricher catalog build'`);
  }
  if (header?.format !== ARTIFACT_FORMAT) {
    throw new CatalogError("CATALOG_ARTIFACT_MISMATCH", `${path}:1: format '${String(header?.format)}', expected '${ARTIFACT_FORMAT}'`);
  }
  const bodyText = newline < 0 ? "" : text.slice(newline + 1).replace(/\n$/, "");
  const sha256 = createHash("sha256").update(bodyText).digest("hex");
  if (sha256 !== header.sha256 || header.version !== sha256.slice(0, 16)) {
    throw new CatalogError("CATALOG_ARTIFACT_MISMATCH", `${path}:2: content hash ${sha256.slice(0, 16)} does not match the stamped version ${header.version}; the file was modified or truncated`);
  }
  try {
    return { body: JSON.parse(bodyText) as ArtifactBody, version: header.version };
  } catch {
    throw new CatalogError("CATALOG_ARTIFACT_CORRUPT", `${path}:2: body is not JSON`);
  }
}
