// Reads the worker's /metrics (Prometheus text format 0.0.4) into samples, and
// answers what the bench asks: sums over a metric's series, per-partition
// values, histogram quantiles from cumulative buckets.

export interface MetricSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function parseValue(text: string): number {
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number(text);
}

export function parsePrometheusText(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = LINE.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? "").matchAll(LABEL)) {
      labels[label[1] as string] = (label[2] as string).replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
    }
    samples.push({ name: match[1] as string, labels, value: parseValue(match[3] as string) });
  }
  return samples;
}

export type LabelFilter = Readonly<Record<string, string>>;

function matches(sample: MetricSample, name: string, filter: LabelFilter): boolean {
  if (sample.name !== name) return false;
  return Object.entries(filter).every(([k, v]) => sample.labels[k] === v);
}

/** Sum of every series of `name` matching `filter`; null when there is none. */
export function sumOf(samples: readonly MetricSample[], name: string, filter: LabelFilter = {}): number | null {
  let total: number | null = null;
  for (const s of samples) if (matches(s, name, filter)) total = (total ?? 0) + s.value;
  return total;
}

/** Value of `name` per value of `label` (e.g. checkpoint sequence number per partition). */
export function byLabel(samples: readonly MetricSample[], name: string, label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    const key = s.labels[label];
    if (s.name === name && key !== undefined) out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}

/** Distinct series (name + labels) in the exposition: what a Prometheus server would store. */
export function seriesCount(samples: readonly MetricSample[]): number {
  return new Set(samples.map((s) => `${s.name}{${Object.entries(s.labels).sort().map(([k, v]) => `${k}=${v}`).join(",")}}`)).size;
}

export interface Buckets {
  /** Upper bounds ascending, with +Inf last. */
  readonly le: readonly number[];
  /** Cumulative counts per bound. */
  readonly counts: readonly number[];
}

/** Cumulative buckets of histogram `name`, summed over series matching `filter`. */
export function histogramBuckets(samples: readonly MetricSample[], name: string, filter: LabelFilter = {}): Buckets | null {
  const byBound = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket`) continue;
    if (!Object.entries(filter).every(([k, v]) => s.labels[k] === v)) continue;
    const le = parseValue(s.labels.le ?? "NaN");
    if (Number.isNaN(le)) continue;
    byBound.set(le, (byBound.get(le) ?? 0) + s.value);
  }
  if (byBound.size === 0) return null;
  const le = [...byBound.keys()].sort((a, b) => a - b);
  return { le, counts: le.map((b) => byBound.get(b) ?? 0) };
}

/** Buckets of `after` minus `before`: the observations made between two scrapes. */
export function bucketDelta(after: Buckets, before: Buckets | null): Buckets {
  if (before === null) return after;
  return { le: after.le, counts: after.counts.map((c, i) => c - (before.le[i] === after.le[i] ? (before.counts[i] ?? 0) : 0)) };
}

/**
 * The q-quantile by linear interpolation inside the bucket that holds it, as
 * PromQL's histogram_quantile does; null when there are no observations. A
 * quantile in the +Inf bucket answers the highest finite bound.
 */
export function histogramQuantile(buckets: Buckets, q: number): number | null {
  const total = buckets.counts[buckets.counts.length - 1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < buckets.le.length; i++) {
    const count = buckets.counts[i] as number;
    if (count < rank) continue;
    const upper = buckets.le[i] as number;
    const lower = i === 0 ? 0 : (buckets.le[i - 1] as number);
    const below = i === 0 ? 0 : (buckets.counts[i - 1] as number);
    if (!Number.isFinite(upper)) return lower;
    const inBucket = count - below;
    return inBucket <= 0 ? upper : lower + ((upper - lower) * (rank - below)) / inBucket;
  }
  return buckets.le[buckets.le.length - 2] ?? null;
}

export async function scrapeMetrics(url: string, timeoutMs = 3000): Promise<MetricSample[]> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return parsePrometheusText(await response.text());
}
