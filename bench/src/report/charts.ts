import { SHAPES } from '../lib/bodies.js';
import { MiB, summarize } from '../lib/stats.js';
import { barChart, COLORS, lineChart, type Bar, type Series } from '../lib/svg.js';
import { SERVER_INFO, type ServerKind } from '../http/kinds.js';
import { PARSE_CONTENDERS } from '../parse/contenders.js';
import { httpRatio, measurements, overIdle, parseRatio, type BenchResults, type TargetRow } from './targets.js';

const plain = (text: string): string => text.replace(/`/g, '');

function colorOf(kind: string): string {
  if (kind.startsWith('sluice') || kind.startsWith('core')) return COLORS.sluice;
  if (kind === 'drain' || kind === 'pipeline-disk' || kind === 'indexof' || kind === 'lib-storage') return COLORS.ceiling;
  return COLORS.peer;
}

/** Every target as "how far from its line", ≥ 1× met. */
export function targetsChart(rows: TargetRow[]): string {
  const bars: Bar[] = rows
    .filter((row) => row.margin)
    .map((row) => ({
      label: row.short,
      median: row.margin!.median,
      min: row.margin!.min,
      max: row.margin!.max,
      color: row.verdict === 'met' ? COLORS.sluice : COLORS.warn,
      note: `${row.margin!.median.toFixed(2)}× ${row.verdict === 'met' ? 'met' : 'missed'}`,
    }));
  return barChart({
    title: 'PERFORMANCE.md targets: how far from the line',
    subtitle: 'measured ÷ target (or target ÷ measured for "at most" targets): right of 1× is met; whiskers span the rounds',
    groups: [{ bars }],
    unit: '×',
    log: true,
    marks: [{ value: 1, label: 'target', color: COLORS.ceiling }],
  });
}

/** Throughput over loopback as a share of the drain-only server, paired per round. */
export function httpChart(results: BenchResults): string | undefined {
  const table = results.http;
  if (!table) return undefined;
  const groupOf = (kind: ServerKind): string => (kind.endsWith('memory') ? 'to memory' : kind.endsWith('disk') ? 'to disk' : 'discarding the file');
  const groups = ['discarding the file', 'to memory', 'to disk'].map((title) => ({
    title,
    bars: table.kinds
      .filter((kind) => groupOf(kind) === title)
      .flatMap((kind) => {
        const ratio = httpRatio(table, kind, 'drain');
        return ratio ? [{ label: plain(SERVER_INFO[kind].label), ...ratio, color: colorOf(kind), note: `${ratio.median.toFixed(2)}×` }] : [];
      }),
  }));
  return barChart({
    title: `One ${table.fileBytes / MiB} MiB upload over loopback HTTP`,
    subtitle: 'throughput as a share of the drain-only server in the same round (median, whiskers min–max)',
    groups,
    unit: '×',
    max: Math.max(1, ...groups.flatMap((g) => g.bars.map((b) => b.max))),
    marks: [{ value: 0.8, label: 'target for Sluice → discard: 0.8×' }],
  });
}

/** Parse throughput relative to raw busboy, per shape, 64 KiB chunks. */
export function parseChart(results: BenchResults): string | undefined {
  const parse = results.parse;
  if (!parse) return undefined;
  const shown = PARSE_CONTENDERS.filter((c) => c.id !== 'busboy' && c.id !== 'indexof');
  const groups = SHAPES.map((shape) => ({
    title: shape.title,
    bars: shown.flatMap((contender) => {
      const ratio = parseRatio(parse, shape.id, '64k', contender.id, 'busboy');
      return ratio ? [{ label: plain(contender.label), ...ratio, color: colorOf(contender.id), note: `${ratio.median.toFixed(2)}×` }] : [];
    }),
  }));
  return barChart({
    title: 'Parsing in memory, 64 KiB chunks: throughput relative to raw busboy',
    subtitle: 'log scale, 1× = busboy in the same round; right is faster (median, whiskers min–max)',
    groups,
    unit: '×',
    log: true,
    marks: [{ value: 1, label: 'busboy', color: COLORS.ceiling }],
  });
}

const LINE_COLORS: Partial<Record<ServerKind, { color: string; dashed?: boolean }>> = {
  'sluice-disk': { color: COLORS.sluice },
  'sluice-discard': { color: COLORS.sluice, dashed: true },
  'multer-disk': { color: '#8250df' },
  'formidable-disk': { color: '#bf3989' },
  'pipeline-disk': { color: COLORS.ceiling },
  'busboy-discard': { color: '#6e7781', dashed: true },
  'multer-memory': { color: '#cf222e' },
};

/** RSS above idle over the biggest upload, per server. */
export function rssChart(results: BenchResults): string | undefined {
  const table = results.memory?.sizes.at(-1);
  if (!table) return undefined;
  const series: Series[] = [];
  for (const kind of table.kinds) {
    const m = measurements(table, kind).find((x) => x.samples?.length);
    if (!m?.samples) continue;
    const style = LINE_COLORS[kind] ?? { color: COLORS.peer };
    series.push({
      label: plain(SERVER_INFO[kind].label)
        .replace(/ \(.*\)$/, '')
        .replace('pipeline(req, createWriteStream)', 'pipeline to a file'),
      color: style.color,
      dashed: style.dashed,
      points: m.samples.map(([t, rss]) => [t / 1000, (rss - m.idleRss) / MiB]),
    });
  }
  const size = table.fileBytes >= 1024 * MiB ? `${table.fileBytes / (1024 * MiB)} GiB` : `${table.fileBytes / MiB} MiB`;
  return lineChart({
    title: `Server RSS during one ${size} upload`,
    subtitle: 'MiB above the idle RSS, sampled from /proc every 20 ms',
    series,
    xLabel: 'seconds since the request started',
    yLabel: 'MiB above idle',
    marks: [{ value: 48, label: 'target: idle + 48 MiB' }],
  });
}

/** Peak RSS above idle with many uploads at once. */
export function concurrentChart(results: BenchResults): string | undefined {
  const table = results.memory?.concurrent;
  if (!table) return undefined;
  const bars: Bar[] = [];
  for (const kind of table.kinds) {
    const list = measurements(table, kind);
    if (!list.length) continue;
    const s = summarize(list.map((m) => overIdle(m) / MiB));
    bars.push({ label: plain(SERVER_INFO[kind].label), ...s, color: colorOf(kind), note: `+${s.median.toFixed(0)} MiB` });
  }
  const s3 = results.s3;
  if (s3?.measured) {
    for (const kind of ['sluice-s3', 'multer-s3'] as const) {
      const m = s3.concurrent[kind];
      if (m) bars.push({ label: plain(SERVER_INFO[kind].label), median: overIdle(m) / MiB, min: NaN, max: NaN, color: colorOf(kind), note: `+${(overIdle(m) / MiB).toFixed(0)} MiB` });
    }
  }
  return barChart({
    title: `${table.concurrency} uploads of ${table.fileBytes / MiB} MiB at once`,
    subtitle: 'server peak RSS above idle, MiB: median of the rounds, whiskers min–max (S3 rows: one round; part buffers capped by memoryBudget)',
    groups: [{ bars }],
    unit: ' MiB',
    marks: [{ value: 64, label: '64 MiB' }],
  });
}
