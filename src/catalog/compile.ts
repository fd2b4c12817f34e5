// `catalog build`: sources + additions + aliases + policy → one artifact body in
// which every known spelling already points at its final answer. Pure and
// deterministic: keys are inserted in sorted order, so same inputs, same bytes.
import type { ArtifactBody, ArtifactCandidate, ArtifactEntry, SourceStats } from "./artifact.ts";
import { parseAliasFile } from "./aliases.ts";
import type { CatalogInputs } from "./catalog-dir.ts";
import type { Sensitivity } from "./enrichment.ts";
import { CatalogError } from "./errors.ts";
import { aliasKey, normalizeActivity } from "./normalize.ts";
import { LEVEL_RANK, lineOfRule, maxLevel, parsePolicyFile, SensitivityPolicy } from "./policy.ts";
import { resolveContentRules } from "./content/compile-content.ts";

interface Row {
  readonly serviceArea: string;
  readonly category: string;
  readonly activity: string;
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sortedRecord<T>(entries: Iterable<[string, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of [...entries].sort(([a], [b]) => byString(a, b))) out[k] = v;
  return out;
}

export function compileCatalog(inputs: CatalogInputs): ArtifactBody {
  const aliases = parseAliasFile(inputs.aliasesPath, inputs.aliasesText);
  const canon = (table: Map<string, string>, kind: string, spelling: string, where: string): string => {
    const found = table.get(aliasKey(spelling));
    if (found === undefined) throw new CatalogError("CATALOG_ALIAS_UNKNOWN", `${where}: unknown ${kind} '${spelling}'; add it to ${inputs.aliasesPath}`);
    return found;
  };
  const rows: Row[] = [];
  const sourceStats: SourceStats[] = [];
  for (const source of inputs.sources) {
    for (const row of source.file.rows) {
      const where = `${source.path} (input line ${row.activityLine})`;
      rows.push({
        serviceArea: canon(aliases.services, "service area", row.serviceArea, where),
        category: canon(aliases.categories, "category", row.category, where),
        activity: row.activity,
      });
    }
    const r = source.file.rows;
    sourceStats.push({
      name: source.name,
      rows: r.length,
      activities: new Set(r.map((x) => x.activity)).size,
      serviceAreas: new Set(r.map((x) => x.serviceArea)).size,
      categories: new Set(r.map((x) => x.category)).size,
      repairedRows: source.file.meta.rowsMoved,
    });
  }
  for (const a of inputs.additions) {
    const where = `${inputs.additionsPath}:${a.line}`;
    const row = { serviceArea: canon(aliases.services, "service area", a.serviceArea, where), category: canon(aliases.categories, "category", a.category, where), activity: a.activity };
    if (a.op === "add") rows.push(row);
    else {
      const key = normalizeActivity(row.activity);
      const kept = rows.filter((r) => !(normalizeActivity(r.activity) === key && r.serviceArea === row.serviceArea && r.category === row.category));
      if (kept.length === rows.length) throw new CatalogError("CATALOG_SOURCE_INVALID", `${where}: 'remove' matches no source row`);
      rows.splice(0, rows.length, ...kept);
    }
  }
  const policy = new SensitivityPolicy(parsePolicyFile(inputs.policyPath, inputs.policyText, new Set(aliases.services.values()), new Set(aliases.categories.values())));

  const groups = new Map<string, { spellings: Set<string>; pairs: Map<string, Row> }>();
  for (const row of rows) {
    const key = normalizeActivity(row.activity);
    const group = groups.get(key) ?? { spellings: new Set<string>(), pairs: new Map<string, Row>() };
    group.spellings.add(row.activity);
    group.pairs.set(`${row.serviceArea}\u0000${row.category}`, row);
    groups.set(key, group);
  }
  const contentRules = resolveContentRules(
    policy.file.contentRules,
    policy.file.contentSets,
    (key) => {
      const group = groups.get(key);
      return group === undefined ? undefined : [...group.pairs.values()].flatMap((row) => policy.evaluate(row.activity, row.serviceArea, row.category).reasons);
    },
    (id, message) => {
      throw new CatalogError("CATALOG_POLICY_INVALID", `${inputs.policyPath}:${lineOfRule(inputs.policyText, id)}: ${message}`);
    },
  );
  const entries: ArtifactEntry[] = [];
  const exact: [string, number][] = [];
  const normalized: [string, number][] = [];
  const levels: Record<Sensitivity, number> = { high: 0, medium: 0, low: 0 };
  for (const [key, group] of [...groups].sort(([a], [b]) => byString(a, b))) {
    const spellings = [...group.spellings].sort(byString);
    const candidates: ArtifactCandidate[] = [...group.pairs.keys()].sort(byString).map((pair) => {
      const row = group.pairs.get(pair)!;
      const verdict = policy.evaluate(row.activity, row.serviceArea, row.category);
      return { serviceArea: row.serviceArea, category: row.category, sensitivity: verdict.level, reasons: verdict.reasons };
    });
    const sensitivity = maxLevel(candidates.map((c) => c.sensitivity));
    const reasons = [...new Set([...candidates].sort((a, b) => LEVEL_RANK[b.sensitivity] - LEVEL_RANK[a.sensitivity]).flatMap((c) => c.reasons))];
    const index = entries.length;
    const ruleIds = contentRules.get(key);
    entries.push({ activity: spellings[0]!, candidates, sensitivity, reasons, ...(ruleIds === undefined ? {} : { contentRules: ruleIds }) });
    levels[sensitivity] += 1;
    for (const spelling of spellings) exact.push([spelling, index]);
    normalized.push([key, index]);
  }
  const spellingTable = (table: Map<string, string>) => sortedRecord(table.entries());
  return {
    serviceAreas: spellingTable(aliases.services),
    categories: spellingTable(aliases.categories),
    entries,
    exact: sortedRecord(exact),
    normalized: sortedRecord(normalized),
    policy: policy.file,
    stats: {
      sources: sourceStats,
      index: { activities: entries.length, ambiguousActivities: entries.filter((e) => e.candidates.length > 1).length, sensitivity: levels },
    },
  };
}
