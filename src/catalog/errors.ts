// Every catalog failure carries a stable code callers match on; the message
// names the file (and line, where there is one) at fault.

export type CatalogErrorCode =
  | "CATALOG_ARTIFACT_MISSING"
  | "CATALOG_ARTIFACT_CORRUPT"
  | "CATALOG_ARTIFACT_MISMATCH"
  | "CATALOG_SOURCE_INVALID"
  | "CATALOG_ALIAS_UNKNOWN"
  | "CATALOG_POLICY_INVALID";

export class CatalogError extends Error {
  readonly code: CatalogErrorCode;
  constructor(code: CatalogErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = "CatalogError";
    this.code = code;
  }
}
