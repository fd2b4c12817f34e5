// The two spellings-to-key functions the whole catalog agrees on. They run at
// build time for every source name and at lookup time only on an exact miss.

const DASHES = /[\u2010-\u2015\u2212]/g;
const INNER_SPACE = /\s+/g;
const TRAILING = /[\s.]+$/;

/**
 * Activity name key: Unicode NFKC, en/em (and other) dashes as "-", trimmed
 * including trailing periods (legacy records end names with "."), inner
 * whitespace collapsed to one space, case-folded.
 */
export function normalizeActivity(name: string): string {
  return name.normalize("NFKC").replace(DASHES, "-").replace(TRAILING, "").trim().replace(INNER_SPACE, " ").toLowerCase();
}

const NOT_ALNUM = /[^\p{L}\p{N}]+/gu;

/**
 * Service-area / category key: spaces, hyphens and case come and go between the
 * stream and the pages (`UserManagement`, `User Management`), so only letters
 * and digits count.
 */
export function aliasKey(spelling: string): string {
  return spelling.normalize("NFKC").toLowerCase().replace(NOT_ALNUM, "");
}
