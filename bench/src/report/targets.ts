import { SHAPES, type ShapeId } from '../lib/bodies.js';
import { MiB, pairedRatios, summarize, type Summary } from '../lib/stats.js';
import type { Measurement } from '../http/bench-server.js';
import type { ServerKind } from '../http/kinds.js';
import type { HttpTable, MemoryResults } from '../http/section.js';
import { CORE_DEFAULT, type ParseContenderId } from '../parse/contenders.js';
import type { Chunking, ParseResults } from '../parse/section.js';
import type { S3Results } from '../s3/section.js';
import type { ColdImportResults } from '../cold-import/section.js';
import type { TusResults } from '../tus/section.js';
import { tusTargets } from '../tus/report.js';

/** The results of one `pnpm bench` run that the report is made from. */
export interface BenchResults {
  parse?: ParseResults;
  http?: HttpTable;
  memory?: MemoryResults;
  s3?: S3Results;
  coldImport?: ColdImportResults;
  tus?: TusResults;
}

export type Verdict = 'met' | 'missed' | 'not measured';

/** One PERFORMANCE.md target, judged. */
export interface TargetRow {
  what: string;
  target: string;
  measured: string;
  verdict: Verdict;
  /** How far from the line: ≥ 1 is met (measured ÷ target, or target ÷ measured for "at most" targets). */
  margin?: Summary;
  /** A short label for the chart. */
  short: string;
}

export function mbpsOf(table: HttpTable | undefined, kind: ServerKind): number[] {
  return (table?.rows[kind] ?? []).map((m) => m.mbps);
}

export function measurements(table: HttpTable | undefined, kind: ServerKind): Measurement[] {
  return table?.rows[kind] ?? [];
}

export function parseMbps(parse: ParseResults | undefined, shape: ShapeId, chunking: Chunking, contender: ParseContenderId): number[] {
  return parse?.cells.find((c) => c.shape === shape && c.chunking === chunking && c.contender === contender)?.mbps ?? [];
}

/** Paired per-round ratio a/b of two HTTP contenders, or undefined. */
export function httpRatio(table: HttpTable | undefined, a: ServerKind, b: ServerKind): Summary | undefined {
  const x = mbpsOf(table, a);
  const y = mbpsOf(table, b);
  return x.length && y.length ? pairedRatios(x, y) : undefined;
}

export function parseRatio(parse: ParseResults | undefined, shape: ShapeId, chunking: Chunking, a: ParseContenderId, b: ParseContenderId): Summary | undefined {
  const x = parseMbps(parse, shape, chunking, a);
  const y = parseMbps(parse, shape, chunking, b);
  return x.length && y.length ? pairedRatios(x, y) : undefined;
}

function scaleSummary(s: Summary, f: (v: number) => number): Summary {
  const a = f(s.min);
  const b = f(s.max);
  return { median: f(s.median), min: Math.min(a, b), max: Math.max(a, b), n: s.n };
}

const r2 = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : '–');
const ratioText = (s: Summary): string => `${r2(s.median)}× (${r2(s.min)}–${r2(s.max)})`;
const mib = (bytes: number): string => `${(bytes / MiB).toFixed(0)} MiB`;

function atLeast(what: string, short: string, target: number, ratio: Summary | undefined, targetText = `≥ ${target}×`): TargetRow {
  if (!ratio) return { what, short, target: targetText, measured: '–', verdict: 'not measured' };
  return { what, short, target: targetText, measured: ratioText(ratio), verdict: ratio.median >= target ? 'met' : 'missed', margin: scaleSummary(ratio, (v) => v / target) };
}

function atMost(what: string, short: string, target: number, ratio: Summary | undefined): TargetRow {
  if (!ratio) return { what, short, target: `≤ ${target}×`, measured: '–', verdict: 'not measured' };
  return { what, short, target: `≤ ${target}×`, measured: ratioText(ratio), verdict: ratio.median <= target ? 'met' : 'missed', margin: scaleSummary(ratio, (v) => target / v) };
}

/** Per-round ratio of cold-import times, `@sluice/express` ÷ `multer`, or undefined. */
export function coldImportRatio(coldImport: ColdImportResults | undefined): Summary | undefined {
  const sluice = coldImport?.ms['@sluice/express'] ?? [];
  const multer = coldImport?.ms.multer ?? [];
  return sluice.length && multer.length ? pairedRatios(sluice, multer) : undefined;
}

/** Peak RSS above idle of every measurement (kernel peak when the reset worked, else the sampled one). */
export function overIdle(m: Measurement): number {
  const peak = Number.isFinite(m.kernelPeakRss) ? Math.max(m.kernelPeakRss, m.sampledPeakRss) : m.sampledPeakRss;
  return peak - m.idleRss;
}

/** Judges every target of PERFORMANCE.md from one run's results. */
export function judgeTargets(results: BenchResults): TargetRow[] {
  const { parse, http, memory, s3 } = results;
  const rows: TargetRow[] = [];

  rows.push(atLeast('Express + Sluice, one 64 MiB file to a discarding driver, vs the drain-only server', 'HTTP discard ÷ drain ceiling', 0.8, httpRatio(http, 'sluice-discard', 'drain')));
  rows.push(atLeast('… and vs multer with memory storage', 'HTTP discard ÷ multer memory', 2, httpRatio(http, 'sluice-discard', 'multer-memory')));
  rows.push(atLeast('Express + Sluice to disk vs `pipeline(req, createWriteStream)`', 'HTTP disk ÷ pipeline', 0.8, httpRatio(http, 'sluice-disk', 'pipeline-disk')));

  if (s3?.measured) {
    rows.push(
      atLeast(
        'S3 (radosgw on loopback): Sluice vs lib-storage uploading the same bytes from memory',
        'S3 ÷ lib-storage',
        0.9,
        pairedRatios(
          s3.rows['sluice-s3']!.map((m) => m.mbps),
          s3.rows['lib-storage']!.map((m) => m.mbps),
        ),
      ),
    );
    rows.push(
      atLeast(
        'S3: Sluice vs multer + multer-s3',
        'S3 ÷ multer-s3',
        1,
        pairedRatios(
          s3.rows['sluice-s3']!.map((m) => m.mbps),
          s3.rows['multer-s3']!.map((m) => m.mbps),
        ),
      ),
    );
  } else {
    const note = `not measured yet${s3?.reason ? ` (${s3.reason})` : ''}`;
    rows.push({ what: 'S3 (radosgw on loopback): Sluice vs lib-storage from memory', short: 'S3 ÷ lib-storage', target: '≥ 0.9×', measured: note, verdict: 'not measured' });
    rows.push({ what: 'S3: Sluice vs multer + multer-s3', short: 'S3 ÷ multer-s3', target: '≥ 1×', measured: note, verdict: 'not measured' });
  }

  rows.push(atMost("Cold `import('@sluice/express')` vs `import('multer')`, a fresh Node process each", 'cold import ÷ multer', 2, coldImportRatio(results.coldImport)));

  rows.push(atLeast('In-memory core throughput, 64 MiB file (64 KiB chunks), vs the `indexOf` floor', 'core ÷ indexOf, 64 MiB', 0.5, parseRatio(parse, 'file-64m', '64k', CORE_DEFAULT, 'indexof')));

  // ≥ 1.0 × raw busboy on every body shape: judged on the worst shape.
  if (parse) {
    let worst: { shape: string; ratio: Summary } | undefined;
    const below: string[] = [];
    for (const shape of SHAPES) {
      for (const chunking of ['64k', 'one'] as const) {
        const ratio = parseRatio(parse, shape.id, chunking, CORE_DEFAULT, 'busboy');
        if (!ratio) continue;
        const name = `${shape.title}, ${chunking === '64k' ? '64 KiB chunks' : 'one chunk'}`;
        if (ratio.median < 1) below.push(`${name}: ${r2(ratio.median)}×`);
        if (!worst || ratio.median < worst.ratio.median) worst = { shape: name, ratio };
      }
    }
    if (worst) {
      rows.push({
        what: 'In-memory core throughput vs raw busboy, on every body shape (worst shown)',
        short: 'core ÷ busboy, worst shape',
        target: '≥ 1.0× on every shape',
        measured: `worst: ${ratioText(worst.ratio)} on ${worst.shape}; ${below.length} of ${SHAPES.length * 2} shape/chunking pairs below 1×`,
        verdict: below.length === 0 ? 'met' : 'missed',
        margin: worst.ratio,
      });
    }
  }

  // Worst body shape ≥ 0.5 × the plain 64 MiB shape (the core, 64 KiB chunks).
  if (parse) {
    const plain = parseMbps(parse, 'file-64m', '64k', CORE_DEFAULT);
    let worst: { title: string; ratio: Summary } | undefined;
    for (const shape of SHAPES.filter((s) => s.adversarial)) {
      const adversarial = parseMbps(parse, shape.id, '64k', CORE_DEFAULT);
      if (!adversarial.length || !plain.length) continue;
      const ratio = pairedRatios(adversarial, plain);
      if (!worst || ratio.median < worst.ratio.median) worst = { title: shape.title, ratio };
    }
    if (worst)
      rows.push({
        ...atLeast('Worst body shape an attacker can choose vs the plain 64 MiB shape (core, 64 KiB chunks)', 'worst shape ÷ plain', 0.5, worst.ratio),
        measured: `${ratioText(worst.ratio)}: ${worst.title}`,
      });
  }

  // Peak RSS, 1 GiB upload to disk: ≤ idle + 48 MiB (no part buffers on disk), the same for 64 MiB and 2 GiB.
  if (memory) {
    const lines: string[] = [];
    let worstOver = -Infinity;
    for (const table of memory.sizes) {
      const over = measurements(table, 'sluice-disk').map(overIdle);
      if (!over.length) continue;
      const peak = Math.max(...over);
      worstOver = Math.max(worstOver, peak);
      lines.push(`${table.fileBytes >= 1024 * MiB ? `${table.fileBytes / (1024 * MiB)} GiB` : mib(table.fileBytes)}: +${(peak / MiB).toFixed(1)} MiB`);
    }
    if (lines.length) {
      const budget = 48 * MiB;
      rows.push({
        what: 'Peak RSS above idle, Express + Sluice → disk, per upload size',
        short: 'RSS over idle, disk uploads',
        target: '≤ idle + 48 MiB at 64 MiB, 1 GiB and 2 GiB',
        measured: lines.join(', '),
        verdict: worstOver <= budget ? 'met' : 'missed',
        margin: { median: budget / Math.max(worstOver, MiB), min: budget / Math.max(worstOver, MiB), max: budget / Math.max(worstOver, MiB), n: 1 },
      });
    }
  }

  // 64 concurrent 16 MiB uploads: all byte-exact; RSS under budget + 64 MiB.
  if (memory) {
    const table = memory.concurrent;
    for (const kind of ['sluice-disk', 'sluice-discard'] as const) {
      const list = measurements(table, kind);
      if (!list.length) continue;
      const over = Math.max(...list.map(overIdle));
      const allow = 64 * MiB;
      rows.push({
        what: `${table.concurrency} concurrent ${mib(table.fileBytes)} uploads, Express + Sluice → ${kind === 'sluice-disk' ? 'disk' : 'discard'} (no part buffers: budget 0)`,
        short: `${table.concurrency} at once → ${kind === 'sluice-disk' ? 'disk' : 'discard'}`,
        target: 'all byte-exact; peak ≤ idle + budget + 64 MiB',
        measured: `byte-exact in ${list.length} of ${table.rounds} rounds; +${(over / MiB).toFixed(1)} MiB`,
        verdict: list.length === table.rounds && over <= allow ? 'met' : 'missed',
        margin: { median: allow / Math.max(over, MiB), min: allow / Math.max(over, MiB), max: allow / Math.max(over, MiB), n: 1 },
      });
    }
  }
  if (s3?.measured && s3.concurrent['sluice-s3']) {
    const m = s3.concurrent['sluice-s3'];
    const allow = s3.memoryBudget + 64 * MiB;
    const over = overIdle(m);
    rows.push({
      what: `${s3.concurrency} concurrent ${mib(s3.concurrentFileBytes)} uploads, Express + Sluice → S3 (memoryBudget ${mib(s3.memoryBudget)})`,
      short: `${s3.concurrency} at once → S3`,
      target: 'all byte-exact; peak ≤ idle + budget + 64 MiB',
      measured: `byte-exact; +${(over / MiB).toFixed(1)} MiB`,
      verdict: over <= allow ? 'met' : 'missed',
      margin: { median: allow / Math.max(over, MiB), min: allow / Math.max(over, MiB), max: allow / Math.max(over, MiB), n: 1 },
    });
  }

  // CPU seconds per GiB (discard) ≤ raw busboy's.
  const sluiceCpu = measurements(http, 'sluice-discard').map((m) => m.cpuPerGiB);
  const busboyCpu = measurements(http, 'busboy-discard').map((m) => m.cpuPerGiB);
  if (sluiceCpu.length && busboyCpu.length) {
    const ratio = pairedRatios(sluiceCpu, busboyCpu);
    const a = summarize(sluiceCpu);
    const b = summarize(busboyCpu);
    rows.push({
      what: 'Server CPU seconds per GiB uploaded (discard), Express + Sluice vs raw busboy',
      short: 'CPU/GiB: busboy ÷ Sluice',
      target: '≤ 1.0× busboy’s',
      measured: `Sluice ${a.median.toFixed(2)} vs busboy ${b.median.toFixed(2)} s/GiB: ${ratioText(ratio)} busboy's`,
      verdict: ratio.median <= 1 ? 'met' : 'missed',
      margin: scaleSummary(ratio, (v) => 1 / v),
    });
  } else {
    rows.push({ what: 'Server CPU seconds per GiB (discard) vs raw busboy', short: 'CPU/GiB', target: '≤ 1.0×', measured: '–', verdict: 'not measured' });
  }
  rows.push(...tusTargets(results.tus));
  return rows;
}
