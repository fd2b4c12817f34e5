// Is a series flat? Least-squares slope over the samples, its standard error,
// and the growth it projects across the window. A leak is a slope that is both
// significant (t > 2: GC sawtooth makes large but random residuals) and
// material (a rise above a share of the series' own level).

export interface Trend {
  /** Units per second. */
  readonly slope: number;
  readonly mean: number;
  /** slope × window length: how much the fitted line rises across the window. */
  readonly projectedGrowth: number;
  /** slope / its standard error (0 when undefined: fewer than 3 points or a perfect fit of a flat line). */
  readonly t: number;
}

export function linearTrend(points: readonly (readonly [number, number])[]): Trend {
  const n = points.length;
  if (n === 0) return { slope: 0, mean: 0, projectedGrowth: 0, t: 0 };
  const meanX = points.reduce((s, [x]) => s + x, 0) / n;
  const meanY = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - meanX) * (y - meanY);
    sxx += (x - meanX) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const xs = points.map(([x]) => x);
  let residuals = 0;
  for (const [x, y] of points) residuals += (y - (meanY + slope * (x - meanX))) ** 2;
  const standardError = n > 2 && sxx > 0 ? Math.sqrt(residuals / (n - 2) / sxx) : 0;
  const t = standardError > 0 ? slope / standardError : slope === 0 || n <= 2 ? 0 : Number.POSITIVE_INFINITY * Math.sign(slope);
  return { slope, mean: meanY, projectedGrowth: slope * (Math.max(...xs) - Math.min(...xs)), t };
}

/** Flat unless the slope is significantly upward (t > 2) and the fitted rise exceeds `maxShare` of the mean. */
export function isFlat(trend: Trend, maxShare = 0.05): boolean {
  return !(trend.t > 2 && trend.projectedGrowth > maxShare * Math.abs(trend.mean));
}

/** The samples in the second half of the run (by time). */
export function secondHalf<T extends { readonly seconds: number }>(samples: readonly T[]): T[] {
  if (samples.length === 0) return [];
  const end = Math.max(...samples.map((s) => s.seconds));
  return samples.filter((s) => s.seconds >= end / 2);
}

/**
 * The lowest value in each `windowSeconds` window (at the window's middle): for
 * heap used, what survives garbage collection. Sampled at random points of the
 * GC cycle, heap used swings by more than a leak moves it; its floor does not.
 * Windows with fewer than `minSamples` samples (a cut-off end) are left out.
 */
export function floorPerWindow(points: readonly (readonly [number, number])[], windowSeconds: number, minSamples = 3): [number, number][] {
  const windows = new Map<number, { min: number; count: number }>();
  for (const [x, y] of points) {
    const w = Math.floor(x / windowSeconds);
    const entry = windows.get(w) ?? { min: Number.POSITIVE_INFINITY, count: 0 };
    entry.min = Math.min(entry.min, y);
    entry.count++;
    windows.set(w, entry);
  }
  return [...windows]
    .filter(([, e]) => e.count >= minSamples)
    .sort((a, b) => a[0] - b[0])
    .map(([w, e]) => [(w + 0.5) * windowSeconds, e.min]);
}
