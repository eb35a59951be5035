import { SHAPES } from '../lib/bodies.js';
import type { MachineInfo } from '../lib/machine.js';
import { fmt, MiB, GiB, pairedRatios, summarize, type Summary } from '../lib/stats.js';
import { SERVER_INFO, type ServerKind } from '../http/kinds.js';
import type { HttpTable } from '../http/section.js';
import { PARSE_CONTENDERS } from '../parse/contenders.js';
import { CHUNKINGS } from '../parse/section.js';
import { coldImportSection } from '../cold-import/report.js';
import { tusSection } from '../tus/report.js';
import { httpRatio, judgeTargets, measurements, overIdle, parseMbps, parseRatio, type BenchResults, type TargetRow } from './targets.js';

/** Everything about a run that is not a measurement. */
export interface RunInfo {
  quick: boolean;
  startedAt: Date;
  seconds: number;
  sectionSeconds: Record<string, number>;
  machine: MachineInfo;
  versions: Record<string, string>;
  boundary: string;
  failures: string[];
  /** File names of the charts, relative to the report. */
  charts: Partial<Record<'targets' | 'http' | 'parse' | 'rss' | 'concurrent', string>>;
}

const VERDICT: Record<TargetRow['verdict'], string> = { met: '✅ met', missed: '❌ missed', 'not measured': '⏳ not measured' };

function cell(s: Summary | undefined, digits?: number): string {
  if (!s) return '–';
  if (s.n === 1) return fmt(s.median, digits);
  return `${fmt(s.median, digits)}<br><sub>${fmt(s.min, digits)}–${fmt(s.max, digits)}</sub>`;
}

function ratioCell(s: Summary | undefined): string {
  if (!s) return '–';
  if (s.n === 1) return `${s.median.toFixed(2)}×`;
  return `${s.median.toFixed(2)}×<br><sub>${s.min.toFixed(2)}–${s.max.toFixed(2)}</sub>`;
}

function sizeName(bytes: number): string {
  return bytes >= GiB ? `${bytes / GiB} GiB` : `${bytes / MiB} MiB`;
}

function table(header: string[], rows: string[][], align?: string[]): string {
  const lines = [`| ${header.join(' | ')} |`, `| ${(align ?? header.map((_, i) => (i === 0 ? '---' : '---:'))).join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

function image(file: string | undefined, alt: string): string {
  return file ? `![${alt}](${file})\n` : '';
}

function targetsSection(rows: TargetRow[], info: RunInfo): string {
  const met = rows.filter((r) => r.verdict === 'met').length;
  const missed = rows.filter((r) => r.verdict === 'missed').length;
  const pending = rows.length - met - missed;
  const out = [
    `**${met} of ${rows.length} targets met**, ${missed} missed${pending ? `, ${pending} not measured` : ''}.`,
    '',
    image(info.charts.targets, 'How far each target is from its line'),
    table(
      ['what (PERFORMANCE.md target)', 'target', 'measured: median (min–max over rounds)', ''],
      rows.map((r) => [r.what, r.target, r.measured, VERDICT[r.verdict]]),
      ['---', '---', '---', '---'],
    ),
    '',
    'Ratios are paired: each round measures both sides back to back, the table shows the median and the range of the per-round ratios.',
    'Why the misses happen and what to change: [performance-analysis.md](performance-analysis.md).',
  ];
  return out.join('\n');
}

function httpSection(http: HttpTable | undefined, info: RunInfo): string {
  if (!http) return '## Over loopback HTTP\n\nNot run.\n';
  const rows = http.kinds.map((kind) => {
    const list = measurements(http, kind);
    if (!list.length) return [SERVER_INFO[kind].label, '–', '–', '–', '–', '–'];
    const idle = summarize(list.map((m) => m.idleRss / MiB));
    const peak = summarize(list.map((m) => Math.max(m.sampledPeakRss, Number.isFinite(m.kernelPeakRss) ? m.kernelPeakRss : 0) / MiB));
    return [
      kind.startsWith('sluice') ? `**${SERVER_INFO[kind].label}**` : SERVER_INFO[kind].label,
      cell(summarize(list.map((m) => m.mbps)), 0),
      ratioCell(httpRatio(http, kind, 'drain')),
      cell(summarize(list.map((m) => m.cpuPerGiB)), 2),
      `${fmt(idle.median, 0)} → ${fmt(peak.median, 0)}`,
      fmt(summarize(list.map((m) => m.minorFaults)).median, 0),
    ];
  });
  return [
    `## Over loopback HTTP: one ${sizeName(http.fileBytes)} file`,
    '',
    `Each server runs in its own process; the client (node:http, in the benchmark process) sends the same generated body to each in turn, ${http.rounds} rounds after ${http.warmups} warm-up round(s). Destinations are checked after every upload: the bytes drained, stat'ed on disk or held in memory must equal the bytes sent.`,
    '',
    image(info.charts.http, 'Throughput as a share of the drain-only server'),
    table(['server', 'MB/s', '÷ drain-only (paired)', 'server CPU s/GiB', 'RSS MiB idle → peak', 'minor page faults'], rows),
    '',
  ].join('\n');
}

function parseSection(results: BenchResults, info: RunInfo): string {
  const parse = results.parse;
  if (!parse) return '## Parsing in memory\n\nNot run.\n';
  const out = [
    '## Parsing in memory',
    '',
    `MB/s (10⁶ bytes per second) of body parsed, each contender in its own process, interleaved per round; ${parse.rounds} rounds after ${parse.warmups} warm-up rounds per body. "core" is \`createUploadHandler\` with a driver that drains and counts every file (type sniffing, keys, limits and events all on); the \`indexOf\` floor only finds the delimiters.`,
    '',
    image(info.charts.parse, 'Parse throughput relative to busboy'),
  ];
  for (const chunking of CHUNKINGS) {
    out.push(`### ${chunking.title}`, '');
    const rows = SHAPES.map((shape) => [
      shape.title,
      ...PARSE_CONTENDERS.map((c) => {
        const values = parseMbps(parse, shape.id, chunking.id, c.id);
        const cellText = values.length ? cell(summarize(values), 0) : '–';
        const small = parse.cells.find((x) => x.shape === shape.id && x.chunking === chunking.id && x.contender === c.id);
        const shapeBody = parse.cells.find((x) => x.shape === shape.id && x.chunking === chunking.id && x.contender === 'busboy');
        return small && shapeBody && small.bodyBytes < shapeBody.bodyBytes * 0.9 ? `${cellText} ¹` : cellText;
      }),
    ]);
    out.push(table(['body', ...PARSE_CONTENDERS.map((c) => c.label)], rows), '');
  }
  out.push('¹ formidable parses near-boundary content at a few MB/s, so it gets a 2 MiB body of the same content (256 KiB with `--quick`) instead of 64 MiB.', '');
  out.push('### Ratios (paired per round, 64 KiB chunks)', '');
  const ratioRows = SHAPES.map((shape) => [
    shape.title,
    ratioCell(parseRatio(parse, shape.id, '64k', 'core', 'busboy')),
    ratioCell(parseRatio(parse, shape.id, '64k', 'core-busboy', 'busboy')),
    ratioCell(parseRatio(parse, shape.id, '64k', 'core-fastify-busboy', 'busboy')),
    ratioCell(parseRatio(parse, shape.id, '64k', 'fastify-busboy', 'busboy')),
    ratioCell(parseRatio(parse, shape.id, '64k', 'core', 'indexof')),
    ratioCell(parseRatio(parse, shape.id, '64k', 'busboy', 'indexof')),
  ]);
  out.push(
    table(['body', 'core (own parser) ÷ busboy', 'core (busboy) ÷ busboy', 'core (@fastify/busboy) ÷ busboy', '@fastify/busboy ÷ busboy', 'core (own parser) ÷ floor', 'busboy ÷ floor'], ratioRows),
    '',
  );
  return out.join('\n');
}

function memorySection(results: BenchResults, info: RunInfo): string {
  const memory = results.memory;
  if (!memory) return '## Memory\n\nNot run.\n';
  const kinds = memory.sizes[0]?.kinds ?? [];
  const rows = kinds.map((kind) => {
    const idle = memory.sizes.flatMap((t) => measurements(t, kind).map((m) => m.idleRss / MiB));
    return [
      kind.startsWith('sluice') ? `**${SERVER_INFO[kind].label}**` : SERVER_INFO[kind].label,
      idle.length ? fmt(summarize(idle).median, 0) : '–',
      ...memory.sizes.map((t) => {
        const list = measurements(t, kind);
        if (!list.length) return '–';
        const over = Math.max(...list.map(overIdle)) / MiB;
        const mbps = summarize(list.map((m) => m.mbps)).median;
        return `+${fmt(over, 1)}<br><sub>${fmt(mbps, 0)} MB/s</sub>`;
      }),
    ];
  });
  const c = memory.concurrent;
  const concurrentRows = c.kinds.map((kind) => {
    const list = measurements(c, kind);
    if (!list.length) return [SERVER_INFO[kind].label, `0 of ${c.rounds}`, '–', '–', '–', '–'];
    return [
      kind.startsWith('sluice') ? `**${SERVER_INFO[kind].label}**` : SERVER_INFO[kind].label,
      `${list.length} of ${c.rounds} rounds`,
      fmt(summarize(list.map((m) => m.idleRss / MiB)).median, 0),
      `+${fmt(Math.max(...list.map(overIdle)) / MiB, 1)}`,
      fmt(summarize(list.map((m) => m.mbps)).median, 0),
      fmt(summarize(list.map((m) => m.cpuPerGiB)).median, 2),
    ];
  });
  return [
    '## Memory',
    '',
    'Peak RSS of the server process above its idle RSS (measured just before each upload, after a GC), taken as the higher of sampling /proc/<pid>/status every 20 ms from the benchmark process and the kernel’s own peak (VmHWM, reset before each upload). Servers are fresh for these tables and warmed up with one 64 MiB upload.',
    '',
    image(info.charts.rss, 'RSS over time during the biggest upload'),
    '### One upload to disk, by size: peak MiB above idle',
    '',
    table(['server', 'idle MiB', ...memory.sizes.map((t) => `${sizeName(t.fileBytes)} (${t.rounds} round${t.rounds > 1 ? 's' : ''})`)], rows),
    '',
    `### ${c.concurrency} uploads of ${sizeName(c.fileBytes)} at once`,
    '',
    image(info.charts.concurrent, 'Peak RSS with many uploads at once'),
    table(['server', 'every upload byte-exact', 'idle MiB', 'peak MiB above idle', 'aggregate MB/s', 'server CPU s/GiB'], concurrentRows),
    '',
  ].join('\n');
}

function s3Section(results: BenchResults): string {
  const s3 = results.s3;
  if (!s3?.measured) {
    return [
      '## S3 (Ceph radosgw on loopback)',
      '',
      table(
        ['contender', 'MB/s'],
        [
          ['Express + Sluice → S3', `not measured yet${s3?.reason ? `: ${s3.reason}` : ''}`],
          ['Express + multer + multer-s3 → S3', 'not measured yet'],
          ['lib-storage from memory', 'not measured yet'],
        ],
      ),
      '',
    ].join('\n');
  }
  const kinds: ServerKind[] = ['sluice-s3', 'multer-s3', 'lib-storage'];
  const lib = s3.rows['lib-storage']!.map((m) => m.mbps);
  const rows = kinds.map((kind) => {
    const list = s3.rows[kind] ?? [];
    if (!list.length) return [SERVER_INFO[kind].label, '–', '–', '–', '–'];
    return [
      kind.startsWith('sluice') ? `**${SERVER_INFO[kind].label}**` : SERVER_INFO[kind].label,
      cell(summarize(list.map((m) => m.mbps)), 0),
      ratioCell(
        pairedRatios(
          list.map((m) => m.mbps),
          lib,
        ),
      ),
      cell(summarize(list.map((m) => m.cpuPerGiB)), 2),
      `+${fmt(Math.max(...list.map(overIdle)) / MiB, 1)}`,
    ];
  });
  const many = (['sluice-s3', 'multer-s3'] as const).map((kind) => {
    const m = s3.concurrent[kind];
    return m ? [SERVER_INFO[kind].label, fmt(m.idleRss / MiB, 0), `+${fmt(overIdle(m) / MiB, 1)}`, fmt(m.mbps, 0)] : [SERVER_INFO[kind].label, '–', '–', '–'];
  });
  return [
    '## S3 (Ceph radosgw on loopback)',
    '',
    `One ${sizeName(s3.fileBytes)} file, ${s3.rounds} rounds after one warm-up. Every contender uses parts of ${sizeName(s3.partSize)} with ${s3.queueSize} in flight; each object's size is checked with HeadObject. radosgw, its OSD and monitor share the same 2 cores. MB/s of file bytes.`,
    '',
    table(['contender', 'MB/s', '÷ lib-storage (paired)', 'server CPU s/GiB', 'peak MiB above idle'], rows),
    '',
    `${s3.concurrency} uploads of ${sizeName(s3.concurrentFileBytes)} at once (Sluice's memoryBudget: ${sizeName(s3.memoryBudget)}; multer-s3 has no global cap):`,
    '',
    table(['server', 'idle MiB', 'peak MiB above idle', 'aggregate MB/s'], many),
    '',
  ].join('\n');
}

function defaultParserSection(results: BenchResults): string {
  const parse = results.parse;
  const http = results.http;
  if (!parse && !http) return '';
  const rows: string[][] = [];
  if (parse) {
    for (const shape of SHAPES) {
      for (const chunking of CHUNKINGS) {
        rows.push([
          `in memory: ${shape.title}, ${chunking.title}`,
          ratioCell(parseRatio(parse, shape.id, chunking.id, 'core', 'core-busboy')),
          ratioCell(parseRatio(parse, shape.id, chunking.id, 'core-fastify-busboy', 'core-busboy')),
        ]);
      }
    }
  }
  if (http) {
    rows.push([
      `over HTTP: one ${sizeName(http.fileBytes)} file, Express → discard`,
      ratioCell(httpRatio(http, 'sluice-discard', 'sluice-busboy-discard')),
      ratioCell(httpRatio(http, 'sluice-fastify-discard', 'sluice-busboy-discard')),
    ]);
  }
  return [
    '## Which parser under the engine?',
    '',
    "The same engine on each parser engine (`packages/core/src/parser/`): throughput with Sluice's own parser (the default, `multipart/`) and with @fastify/busboy, each ÷ the same engine on busboy (the engine Sluice was specified with), paired per round. Above 1× beats busboy.",
    '',
    table(['body', 'own parser ÷ busboy engine', '@fastify/busboy ÷ busboy engine'], rows),
    '',
  ].join('\n');
}

function machineSection(info: RunInfo): string {
  const m = info.machine;
  const minutes = (s: number): string => (s >= 90 ? `${(s / 60).toFixed(1)} min` : `${Math.round(s)} s`);
  return [
    '## Machine and versions',
    '',
    table(
      ['', ''],
      [
        ['CPU', `${m.cpu}, ${m.cores} cores`],
        ['RAM', `${m.ramGiB} GiB`],
        ['Node', m.node],
        ['OS', m.os],
        ['load average (1 min) at start → end', `${m.loadStart.toFixed(2)} → ${m.loadEnd?.toFixed(2) ?? '?'} (other work on the machine shows up here)`],
        [
          'run',
          `${info.startedAt.toISOString()}, ${minutes(info.seconds)} (${Object.entries(info.sectionSeconds)
            .map(([k, v]) => `${k} ${minutes(v)}`)
            .join(', ')})`,
        ],
        ['boundary', `\`${info.boundary}\``],
      ],
      ['---', '---'],
    ),
    '',
    table(
      ['package', 'version'],
      Object.entries(info.versions).map(([name, version]) => [name, version]),
      ['---', '---'],
    ),
    '',
  ].join('\n');
}

function methodSection(): string {
  return `## How this was measured

Following PERFORMANCE.md's "How to measure honestly":

- **Interleaved, warmed up, repeated.** Contenders run A B C … in every round, the first one rotating from round to round, after warm-up rounds. Tables give the median and min–max over rounds; ratios are computed per round (both sides measured back to back) and then summarised. Quote ratios from one run, never absolute numbers across runs: this machine is shared and noisy (see the load average above).
- **Bytes checked every time.** Every timed run, warm-ups included, compares what arrived with what was sent: file bytes and field counts for parsers, delimiters for the \`indexOf\` floor, and for servers the bytes at the destination (drained, \`stat\`ed on disk, held in memory, HeadObject on S3). One wrong count fails \`pnpm bench\`.
- **Bodies generated in code** with a browser-like boundary (\`----WebKitFormBoundary\` + 16 characters) shared by all contenders; file content is deterministic noise (a 1 MiB xorshift block, repeated).
- **Isolation.** Each in-memory contender runs in its own process (no shared JIT state or heap), so is each server; the client and the sampler share the benchmark process. Client and server share the 2 cores, as in PERFORMANCE.md's figures.
- **CPU** is the server's own \`process.cpuUsage()\` (user + system) across the upload; **RSS** is read from outside, \`/proc/<pid>/status\` every 20 ms, plus the kernel's VmHWM reset before each upload (\`/proc/<pid>/clear_refs\`), so a short peak between samples is not missed.
- **Caveats.** All processes run TypeScript through tsx (transpiled once at load, no effect on steady-state speed). Servers use each library's defaults except limits raised for 2 GiB files. The drain-only server and the \`pipeline\` server are ceilings, not competitors. Hono runs on @hono/node-server, whose Node-to-Web request bridge is part of what is measured.

### Adversarial shapes

- *Near-boundary sequences*: \`\\r\\n--\` followed by every prefix of the boundary in turn, each broken by one wrong byte: the delimiter search keeps finding partial matches.
- *The boundary's next-to-last byte, repeated*: found by trying variants against busboy's Boyer–Moore–Horspool search (streamsearch). That byte's shift in the skip table is 1, so the search advances one byte per step: busboy falls to a small fraction of its speed on this body, while @fastify/busboy's search does not. An attacker chooses both the boundary and the content, so this is a body anyone can send.
`;
}

/** The whole of docs/benchmarks.md. */
export function renderReport(results: BenchResults, info: RunInfo): string {
  const rows = judgeTargets(results);
  const m = info.machine;
  return [
    '# Sluice benchmarks',
    '',
    '<!-- Generated by `pnpm bench` (bench/src/run.ts). Change the generator, not this file. -->',
    '',
    `Measured ${info.startedAt.toISOString().slice(0, 10)} on ${m.cpu} (${m.cores} cores, ${m.ramGiB} GiB), Node ${m.node}${info.quick ? ' — **quick run (`--quick`): bodies smaller than their titles say, one round; the numbers are only a smoke test, the byte counts are what it checks**' : ''}. Sluice against busboy, @fastify/busboy, formidable, multer and multer-s3, by the targets in PERFORMANCE.md.`,
    '',
    info.failures.length ? `> **${info.failures.length} byte-count failure(s):**\n${info.failures.map((f) => `> - ${f}`).join('\n')}\n` : '',
    '## Targets',
    '',
    targetsSection(rows, info),
    '',
    httpSection(results.http, info),
    parseSection(results, info),
    memorySection(results, info),
    s3Section(results),
    tusSection(results.tus),
    defaultParserSection(results),
    coldImportSection(results.coldImport),
    machineSection(info),
    methodSection(),
  ].join('\n');
}
