// Is a series flat? Least-squares slope over the samples, and the growth it
// projects across the window, compared with the series' own level: GC sawtooth
// averages out, a leak does not.

export interface Trend {
  /** Units per second. */
  readonly slope: number;
  readonly mean: number;
  /** slope × window length: how much the fitted line rises across the window. */
  readonly projectedGrowth: number;
}

export function linearTrend(points: readonly (readonly [number, number])[]): Trend {
  const n = points.length;
  if (n === 0) return { slope: 0, mean: 0, projectedGrowth: 0 };
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
  return { slope, mean: meanY, projectedGrowth: slope * (Math.max(...xs) - Math.min(...xs)) };
}

/** Flat when the fitted line rises by at most `maxShare` of the mean across the window. */
export function isFlat(trend: Trend, maxShare = 0.05): boolean {
  return trend.projectedGrowth <= maxShare * Math.abs(trend.mean);
}

/** The samples in the second half of the run (by time). */
export function secondHalf<T extends { readonly seconds: number }>(samples: readonly T[]): T[] {
  if (samples.length === 0) return [];
  const end = Math.max(...samples.map((s) => s.seconds));
  return samples.filter((s) => s.seconds >= end / 2);
}
