/**
 * Hand-written SVG charts for docs/benchmarks.md: no dependencies, readable
 * as text, rendered by GitHub and any browser. Two kinds: horizontal bars
 * with min–max whiskers (optionally on a log scale centred on 1×), and lines
 * over time.
 */

const FONT = `font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"`;
const INK = '#1f2328';
const MUTED = '#59636e';
const GRID = '#d1d9e0';

/** Colours by role: Sluice rows stand out, ceilings and floors are grey. */
export const COLORS = { sluice: '#0f766e', peer: '#6e7781', ceiling: '#24292f', warn: '#b35900' } as const;

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/`/g, '');
}

function num(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 10) / 10) : '0';
}

export interface Bar {
  label: string;
  median: number;
  min: number;
  max: number;
  color?: string;
  /** Text after the bar; default the median with `unit`. */
  note?: string;
}

export interface BarGroup {
  title?: string;
  bars: Bar[];
}

export interface BarChartOptions {
  title: string;
  subtitle?: string;
  groups: BarGroup[];
  /** Suffix of the value labels ("×", " MB/s"). */
  unit: string;
  /** Log scale centred on 1 (for ratios that span 0.01× to 100×). */
  log?: boolean;
  /** Vertical reference lines, e.g. a target. */
  marks?: Array<{ value: number; label: string; color?: string }>;
  /** Largest value on the axis; default from the data. */
  max?: number;
  width?: number;
}

/** Horizontal bars (median) with whiskers (min–max), in labelled groups. */
export function barChart(options: BarChartOptions): string {
  const longest = Math.max(10, ...options.groups.flatMap((g) => g.bars.map((b) => b.label.length)));
  const labelWidth = Math.min(380, Math.round(longest * 6.7) + 24);
  const right = 96;
  const width = options.width ?? labelWidth + 560;
  const rowHeight = 22;
  const groupGap = options.groups.some((g) => g.title) ? 26 : 8;
  const top = options.subtitle ? 58 : 40;
  const plotLeft = labelWidth;
  const plotWidth = width - labelWidth - right;
  const values = options.groups.flatMap((g) => g.bars.flatMap((b) => [b.max, b.median]));
  const marks = options.marks ?? [];

  let scale: (v: number) => number;
  let ticks: number[];
  let origin: number;
  if (options.log) {
    const finite = values.filter((v) => v > 0 && Number.isFinite(v));
    const lo = Math.min(0.5, ...finite, ...marks.map((m) => m.value));
    const hi = Math.max(2, ...finite, ...marks.map((m) => m.value));
    const a = Math.floor(Math.log10(lo) * 3) / 3;
    const b = Math.ceil(Math.log10(hi) * 3) / 3;
    scale = (v) => plotLeft + ((Math.log10(Math.max(v, 10 ** a)) - a) / (b - a)) * plotWidth;
    const candidates = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100].filter((t) => Math.log10(t) >= a - 1e-9 && Math.log10(t) <= b + 1e-9);
    // Keep 1× and every tick at least 44 px from the last one kept, so labels never collide.
    ticks = [1];
    for (const t of candidates.filter((t) => t > 1)) if (scale(t) - scale(ticks[ticks.length - 1]!) >= 44) ticks.push(t);
    for (const t of candidates.filter((t) => t < 1).reverse()) if (scale(ticks[0]!) - scale(t) >= 44) ticks.unshift(t);
    origin = scale(1);
  } else {
    const hi = options.max ?? niceCeil(Math.max(...values.filter(Number.isFinite), ...marks.map((m) => m.value)));
    scale = (v) => plotLeft + (Math.min(Math.max(v, 0), hi) / hi) * plotWidth;
    ticks = Array.from({ length: 6 }, (_, i) => (hi * i) / 5);
    origin = scale(0);
  }

  const rows: string[] = [];
  let y = top;
  for (const group of options.groups) {
    if (group.title) {
      rows.push(`<text x="12" y="${y + 14}" font-size="13" font-weight="600" fill="${INK}">${esc(group.title)}</text>`);
      y += groupGap - 6;
    }
    for (const bar of group.bars) {
      const color = bar.color ?? COLORS.peer;
      const cy = y + rowHeight / 2;
      const x1 = Math.min(origin, scale(bar.median));
      const x2 = Math.max(origin, scale(bar.median));
      rows.push(`<text x="${plotLeft - 8}" y="${cy + 4}" font-size="12" text-anchor="end" fill="${INK}">${esc(bar.label)}</text>`);
      rows.push(`<rect x="${num(x1)}" y="${y + 4}" width="${num(Math.max(1, x2 - x1))}" height="${rowHeight - 8}" rx="2" fill="${color}" fill-opacity="0.85"/>`);
      if (Number.isFinite(bar.min) && Number.isFinite(bar.max) && bar.max > bar.min) {
        const a = scale(bar.min);
        const b = scale(bar.max);
        rows.push(`<path d="M${num(a)} ${cy}H${num(b)}M${num(a)} ${cy - 5}V${cy + 5}M${num(b)} ${cy - 5}V${cy + 5}" stroke="${INK}" stroke-width="1.2" fill="none"/>`);
      }
      // Values in their own column at the right: never on top of a bar or a whisker.
      rows.push(`<text x="${width - 8}" y="${cy + 4}" font-size="11" text-anchor="end" fill="${INK}">${esc(bar.note ?? `${fmtShort(bar.median)}${options.unit}`)}</text>`);
      y += rowHeight;
    }
    y += 6;
  }
  const bottom = y + 4;
  const height = bottom + 34;

  const axis: string[] = [];
  for (const tick of ticks) {
    const x = scale(tick);
    axis.push(`<line x1="${num(x)}" y1="${top - 4}" x2="${num(x)}" y2="${bottom}" stroke="${GRID}" stroke-width="1"/>`);
    axis.push(`<text x="${num(x)}" y="${bottom + 16}" font-size="11" text-anchor="middle" fill="${MUTED}">${esc(fmtShort(tick) + options.unit)}</text>`);
  }
  if (options.log) axis.push(`<line x1="${num(origin)}" y1="${top - 4}" x2="${num(origin)}" y2="${bottom}" stroke="${INK}" stroke-width="1.2"/>`);
  for (const mark of marks) {
    const x = scale(mark.value);
    const color = mark.color ?? COLORS.warn;
    axis.push(`<line x1="${num(x)}" y1="${top - 8}" x2="${num(x)}" y2="${bottom}" stroke="${color}" stroke-width="1.5" stroke-dasharray="5 3"/>`);
    // Labels near the right edge end at the line instead of running off the chart.
    const nearEdge = x + mark.label.length * 6.2 > width - 8;
    axis.push(`<text x="${num(nearEdge ? x - 4 : x + 4)}" y="${top - 10}" font-size="11" fill="${color}"${nearEdge ? ' text-anchor="end"' : ''}>${esc(mark.label)}</text>`);
  }

  return svgDocument(width, height, [
    `<text x="12" y="22" font-size="16" font-weight="600" fill="${INK}">${esc(options.title)}</text>`,
    options.subtitle ? `<text x="12" y="40" font-size="12" fill="${MUTED}">${esc(options.subtitle)}</text>` : '',
    ...axis,
    ...rows,
  ]);
}

export interface Series {
  label: string;
  color: string;
  /** [x, y] points. */
  points: Array<[number, number]>;
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  subtitle?: string;
  series: Series[];
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Horizontal reference lines. */
  marks?: Array<{ value: number; label: string; color?: string }>;
}

/** Lines over a shared x axis (e.g. RSS over time), with a legend. */
export function lineChart(options: LineChartOptions): string {
  const longest = Math.max(8, ...options.series.map((s) => s.label.length));
  const right = Math.round(longest * 6.4) + 60;
  const width = options.width ?? 560 + right;
  const height = options.height ?? 380;
  const left = 64;
  const top = options.subtitle ? 60 : 42;
  const bottom = height - 46;
  const xs = options.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = options.series.flatMap((s) => s.points.map((p) => p[1])).concat((options.marks ?? []).map((m) => m.value));
  const xMax = niceCeil(Math.max(1e-9, ...xs));
  const yMax = niceCeil(Math.max(1e-9, ...ys));
  const sx = (x: number): number => left + (x / xMax) * (width - left - right);
  const sy = (y: number): number => bottom - (y / yMax) * (bottom - top);
  const parts: string[] = [
    `<text x="12" y="22" font-size="16" font-weight="600" fill="${INK}">${esc(options.title)}</text>`,
    options.subtitle ? `<text x="12" y="40" font-size="12" fill="${MUTED}">${esc(options.subtitle)}</text>` : '',
  ];
  for (let i = 0; i <= 5; i++) {
    const yv = (yMax * i) / 5;
    parts.push(`<line x1="${left}" y1="${num(sy(yv))}" x2="${width - right}" y2="${num(sy(yv))}" stroke="${GRID}"/>`);
    parts.push(`<text x="${left - 6}" y="${num(sy(yv) + 4)}" font-size="11" text-anchor="end" fill="${MUTED}">${esc(fmtShort(yv))}</text>`);
    const xv = (xMax * i) / 5;
    parts.push(`<text x="${num(sx(xv))}" y="${bottom + 16}" font-size="11" text-anchor="middle" fill="${MUTED}">${esc(fmtShort(xv))}</text>`);
  }
  parts.push(`<line x1="${left}" y1="${bottom}" x2="${width - right}" y2="${bottom}" stroke="${INK}"/>`);
  parts.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="${INK}"/>`);
  parts.push(`<text x="${num((left + width - right) / 2)}" y="${bottom + 34}" font-size="12" text-anchor="middle" fill="${INK}">${esc(options.xLabel)}</text>`);
  parts.push(`<text x="16" y="${num((top + bottom) / 2)}" font-size="12" text-anchor="middle" fill="${INK}" transform="rotate(-90 16 ${num((top + bottom) / 2)})">${esc(options.yLabel)}</text>`);
  for (const mark of options.marks ?? []) {
    const y = sy(mark.value);
    const color = mark.color ?? COLORS.warn;
    parts.push(`<line x1="${left}" y1="${num(y)}" x2="${width - right}" y2="${num(y)}" stroke="${color}" stroke-width="1.2" stroke-dasharray="5 3"/>`);
    parts.push(`<text x="${left + 6}" y="${num(y - 5)}" font-size="11" fill="${color}">${esc(mark.label)}</text>`);
  }
  options.series.forEach((series, index) => {
    const d = series.points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${num(sx(x))} ${num(sy(y))}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${series.color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="6 4"' : ''} stroke-linejoin="round"/>`);
    const ly = top + 6 + index * 20;
    parts.push(`<line x1="${width - right + 14}" y1="${ly}" x2="${width - right + 38}" y2="${ly}" stroke="${series.color}" stroke-width="2.5"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text x="${width - right + 44}" y="${ly + 4}" font-size="11" fill="${INK}">${esc(series.label)}</text>`);
  });
  return svgDocument(width, height, parts);
}

function svgDocument(width: number, height: number, parts: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${num(height)}" viewBox="0 0 ${width} ${num(height)}" ${FONT}>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...parts.filter(Boolean),
    '</svg>',
    '',
  ].join('\n');
}

/** 1, 2, 2.5, 5 × 10^n at or above `value`. */
export function niceCeil(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function fmtShort(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 100) return String(Math.round(value));
  if (Math.abs(value) >= 10) return String(Math.round(value * 10) / 10);
  if (Math.abs(value) >= 1) return String(Math.round(value * 100) / 100);
  return String(Number(value.toPrecision(2)));
}
