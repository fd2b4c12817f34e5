// Two small chart kinds, written straight as SVG text so the report needs no
// chart library: grouped bars (throughput per configuration) and lines over
// time (RSS, heap, lag during the soak). Deterministic output for equal input.

export interface BarGroup {
  readonly label: string;
  /** One value per series, in the order of `series`; null draws no bar. */
  readonly values: readonly (number | null)[];
}

export interface BarChartSpec {
  readonly title: string;
  readonly unit: string;
  readonly series: readonly string[];
  readonly groups: readonly BarGroup[];
}

export interface LineSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface LineChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
}

const WIDTH = 720;
const HEIGHT = 340;
const MARGIN = { top: 40, right: 20, bottom: 80, left: 80 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c);
}

/** A round upper bound for an axis (1, 2 or 5 times a power of ten) at or above `max`. */
export function niceMax(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${+(value / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${+(value / 1e3).toFixed(1)}k`;
  if (Number.isInteger(value)) return String(value);
  return String(+value.toFixed(2));
}

const n = (value: number) => +value.toFixed(1);

function frame(title: string, body: string[], yMax: number, yLabel: string): string {
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const y = MARGIN.top + PLOT_H - (PLOT_H * i) / 4;
    lines.push(`<line x1="${MARGIN.left}" y1="${n(y)}" x2="${MARGIN.left + PLOT_W}" y2="${n(y)}" stroke="#dddddd"/>`);
    lines.push(`<text x="${MARGIN.left - 6}" y="${n(y + 4)}" text-anchor="end">${escapeXml(formatNumber((yMax * i) / 4))}</text>`);
  }
  lines.push(
    `<text x="16" y="${MARGIN.top + PLOT_H / 2}" text-anchor="middle" transform="rotate(-90 16 ${MARGIN.top + PLOT_H / 2})">${escapeXml(yLabel)}</text>`,
  );
  lines.push(...body, "</svg>");
  return `${lines.join("\n")}\n`;
}

function legend(names: readonly string[]): string[] {
  return names.map((name, i) => {
    const x = MARGIN.left + i * 150;
    const y = HEIGHT - 14;
    return `<rect x="${x}" y="${y - 10}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${x + 16}" y="${y}">${escapeXml(name)}</text>`;
  });
}

export function barChart(spec: BarChartSpec): string {
  const values = spec.groups.flatMap((g) => g.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const yMax = niceMax(Math.max(0, ...values));
  const groupW = PLOT_W / Math.max(1, spec.groups.length);
  const barW = (groupW * 0.8) / Math.max(1, spec.series.length);
  const body: string[] = [];
  spec.groups.forEach((group, g) => {
    const x0 = MARGIN.left + g * groupW + groupW * 0.1;
    group.values.forEach((value, s) => {
      if (value === null || !Number.isFinite(value)) return;
      const h = (PLOT_H * value) / yMax;
      const x = x0 + s * barW;
      const y = MARGIN.top + PLOT_H - h;
      body.push(`<rect x="${n(x)}" y="${n(y)}" width="${n(barW - 2)}" height="${n(h)}" fill="${COLORS[s % COLORS.length]}"><title>${escapeXml(`${group.label} / ${spec.series[s] ?? ""}: ${formatNumber(value)} ${spec.unit}`)}</title></rect>`);
      body.push(`<text x="${n(x + barW / 2 - 1)}" y="${n(y - 3)}" text-anchor="middle" font-size="10">${escapeXml(formatNumber(value))}</text>`);
    });
    // Long labels wrap at ", " so that six groups still fit side by side.
    const cx = n(x0 + groupW * 0.4);
    const lines = group.label.split(", ").map((part, i) => `<tspan x="${cx}" dy="${i === 0 ? 0 : 11}">${escapeXml(part)}</tspan>`);
    body.push(`<text x="${cx}" y="${MARGIN.top + PLOT_H + 14}" text-anchor="middle" font-size="10">${lines.join("")}</text>`);
  });
  body.push(...legend(spec.series));
  return frame(spec.title, body, yMax, spec.unit);
}

export function lineChart(spec: LineChartSpec): string {
  const points = spec.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xMin = Math.min(...points.map(([x]) => x), 0);
  const xMax = Math.max(...points.map(([x]) => x), xMin + 1);
  const yMax = niceMax(Math.max(0, ...points.map(([, y]) => y)));
  const sx = (x: number) => MARGIN.left + ((x - xMin) / (xMax - xMin)) * PLOT_W;
  const sy = (y: number) => MARGIN.top + PLOT_H - (PLOT_H * y) / yMax;
  const body: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const x = xMin + ((xMax - xMin) * i) / 4;
    body.push(`<text x="${n(sx(x))}" y="${MARGIN.top + PLOT_H + 16}" text-anchor="middle">${escapeXml(formatNumber(x))}</text>`);
  }
  body.push(`<text x="${MARGIN.left + PLOT_W / 2}" y="${MARGIN.top + PLOT_H + 32}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  spec.series.forEach((series, i) => {
    const path = series.points
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
      .map(([x, y]) => `${n(sx(x))},${n(sy(y))}`)
      .join(" ");
    if (path !== "") body.push(`<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2" points="${path}"/>`);
  });
  body.push(...legend(spec.series.map((s) => s.name)));
  return frame(spec.title, body, yMax, spec.yLabel);
}
