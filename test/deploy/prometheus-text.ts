// Just enough of the Prometheus text format to compare what a worker exposes.
export interface Exposition {
  /** Metric family name → type, from the `# TYPE` lines. */
  readonly families: ReadonlyMap<string, string>;
  /** Every sample line's series identity: `name{labels}`. */
  readonly series: readonly string[];
}

export function parseExposition(text: string): Exposition {
  const families = new Map<string, string>();
  const series: string[] = [];
  for (const line of text.split("\n")) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) families.set(type[1] as string, type[2] as string);
    else if (line.length > 0 && !line.startsWith("#")) series.push(line.slice(0, line.lastIndexOf(" ")));
  }
  return { families, series };
}

/** Names a query may select: families plus histogram/summary sample suffixes. */
export function selectableNames(exposition: Exposition): Set<string> {
  const out = new Set<string>();
  for (const [name, type] of exposition.families) {
    out.add(name);
    if (type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) out.add(name + suffix);
    if (type === "summary") for (const suffix of ["_sum", "_count"]) out.add(name + suffix);
  }
  return out;
}

/** Sum of every sample of `name` (any labels). */
export function sumOf(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}
