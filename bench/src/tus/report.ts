import { fmt, MiB, pairedRatios, summarize, type Summary } from '../lib/stats.js';
import type { TargetRow } from '../report/targets.js';
import { TUS_LABELS } from './kinds.js';
import { TUS_CONTENDERS, type TusContender, type TusMeasurement, type TusResults } from './section.js';

const mib = (bytes: number): string => `${fmt(bytes / MiB, 1)} MiB`;
const ratioText = (s: Summary): string => `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;

/** The highest RSS of a measurement: the kernel's peak when its reset worked, else the sampled one. */
function peakRss(m: TusMeasurement): number {
  return Number.isFinite(m.kernelPeakRss) ? Math.max(m.kernelPeakRss, m.sampledPeakRss) : m.sampledPeakRss;
}

function mbps(tus: TusResults, kind: TusContender): number[] {
  return (tus.rows[kind] ?? []).map((m) => m.mbps);
}

/** Paired per-round throughput ratio of two contenders, or undefined when either was not measured. */
export function tusRatio(tus: TusResults | undefined, a: TusContender, b: TusContender): Summary | undefined {
  if (!tus?.measured) return undefined;
  const x = mbps(tus, a);
  const y = mbps(tus, b);
  return x.length && y.length ? pairedRatios(x, y) : undefined;
}

function ratioTarget(what: string, short: string, target: number, ratio: Summary | undefined, reason: string | undefined): TargetRow {
  const targetText = `≥ ${target.toFixed(1)}×`;
  if (!ratio) return { what, short, target: targetText, measured: `not measured${reason ? ` (${reason})` : ''}`, verdict: 'not measured' };
  return {
    what,
    short,
    target: targetText,
    measured: ratioText(ratio),
    verdict: ratio.median >= target ? 'met' : 'missed',
    margin: { median: ratio.median / target, min: ratio.min / target, max: ratio.max / target, n: ratio.n },
  };
}

/** The targets of issue 13, item 8: throughput against @tus/s3-store and Sluice's multipart POST, RSS and local disk. */
export function tusTargets(tus: TusResults | undefined): TargetRow[] {
  const size = tus ? mib(tus.fileBytes) : '256 MiB';
  const rows = [
    ratioTarget(`tus to S3, ${size} in 8 MiB PATCHes: Sluice vs @tus/server + @tus/s3-store`, 'tus ÷ @tus/s3-store', 1, tusRatio(tus, 'sluice-tus-s3', 'tus-server-s3'), tus?.reason),
    ratioTarget(`tus to S3: Sluice's tus vs Sluice's multipart POST of the same file`, 'tus ÷ multipart POST', 0.9, tusRatio(tus, 'sluice-tus-s3', 'sluice-s3'), tus?.reason),
  ];
  const list = tus?.measured ? (tus.rows['sluice-tus-s3'] ?? []) : [];
  if (list.length) {
    const peak = Math.max(...list.map(peakRss));
    const files = Math.max(...list.map((m) => m.tmpFiles));
    const ok = peak <= tus!.memoryBudget && files === 0;
    rows.push({
      what: `tus to S3: Sluice's peak RSS and its temporary files (memoryBudget ${mib(tus!.memoryBudget)})`,
      short: 'tus RSS, temp files',
      target: 'peak RSS ≤ budget; no file in TMPDIR',
      measured: `peak ${mib(peak)}; ${files} file(s) in TMPDIR`,
      verdict: ok ? 'met' : 'missed',
      margin: { median: tus!.memoryBudget / peak, min: tus!.memoryBudget / peak, max: tus!.memoryBudget / peak, n: 1 },
    });
  }
  return rows;
}

function cell(values: number[], digits?: number): string {
  if (!values.length) return '–';
  const s = summarize(values);
  return s.n === 1 ? fmt(s.median, digits) : `${fmt(s.median, digits)}<br><sub>${fmt(s.min, digits)}–${fmt(s.max, digits)}</sub>`;
}

/** The "Resumable uploads (tus) to S3" section of docs/benchmarks.md. */
export function tusSection(tus: TusResults | undefined): string {
  const title = '## Resumable uploads (tus) to S3';
  if (!tus?.measured) return [title, '', `Not measured${tus?.reason ? `: ${tus.reason}` : ' (section not run)'}.`, ''].join('\n');
  const header = ['Server', 'MB/s', '÷ @tus/s3-store', '÷ multipart POST', 'CPU s', 'peak RSS (MiB)', 'files in TMPDIR', 'peak TMPDIR (MiB)', 'disk writes (MiB)', 'left in bucket'];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| --- | ${header
      .slice(1)
      .map(() => '---:')
      .join(' | ')} |`,
  ];
  for (const kind of TUS_CONTENDERS) {
    const list = tus.rows[kind] ?? [];
    const vsTus = tusRatio(tus, kind, 'tus-server-s3');
    const vsPost = tusRatio(tus, kind, 'sluice-s3');
    const left = list.length ? `${Math.max(...list.map((m) => m.extraObjects))} object(s), ${Math.max(...list.map((m) => m.pendingUploads))} pending` : '–';
    lines.push(
      `| ${TUS_LABELS[kind]} | ${cell(list.map((m) => m.mbps))} | ${kind === 'tus-server-s3' || !vsTus ? '–' : ratioText(vsTus)} | ${kind === 'sluice-s3' || !vsPost ? '–' : ratioText(vsPost)} | ${cell(list.map((m) => m.cpuSeconds))} | ${cell(
        list.map((m) => peakRss(m) / MiB),
        0,
      )} | ${cell(
        list.map((m) => m.tmpFiles),
        0,
      )} | ${cell(
        list.map((m) => m.tmpPeakBytes / MiB),
        1,
      )} | ${cell(
        list.map((m) => m.diskWriteBytes / MiB),
        1,
      )} | ${left} |`,
    );
  }
  return [
    title,
    '',
    `One ${mib(tus.fileBytes)} file per upload, ${tus.rounds} round(s)${tus.rounds > 1 ? ' after one warm-up' : ''}, contenders in rotating order, all into one radosgw bucket on loopback. The tus servers get a \`POST\` with \`Upload-Length\` and then \`PATCH\`es of ${mib(tus.patchBytes)} one after another (tus-js-client with \`chunkSize: 8 MiB\` sends the same); Sluice's multipart row is the same file as one \`multipart/form-data\` POST. Every stored object's size is checked with HeadObject. Ratios are per round (median, min–max).`,
    '',
    "Each server runs with its own `TMPDIR`: *files in TMPDIR* counts every name created there during the upload (inotify, so short-lived part files count), *peak TMPDIR* is the most it held at once (sampled every 20 ms), *disk writes* the process's `write_bytes` from /proc (what reached a block device). *Left in bucket* is what stays besides the final object (state objects, pending multipart uploads).",
    '',
    lines.join('\n'),
    '',
  ].join('\n');
}
