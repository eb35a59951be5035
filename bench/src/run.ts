/**
 * `pnpm bench`: Sluice against busboy, @fastify/busboy, formidable, multer and
 * multer-s3, judged by the targets in PERFORMANCE.md. Writes
 * docs/benchmarks.md, its SVG charts and benchmarks.json.
 *
 *   pnpm bench                 the full run (about 10–15 minutes on 2 cores)
 *   pnpm bench --quick         a smoke test in under a minute, into bench/.out/quick/;
 *                              exits non-zero if any byte count is wrong
 *   pnpm bench --only=parse,http,memory,s3,tus,import   some sections only
 *   pnpm bench --out=DIR       write the report somewhere else
 *   pnpm bench --render=FILE   only re-render the report from a benchmarks.json
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserLikeBoundary } from './lib/content.js';
import { machineInfo, packageVersions } from './lib/machine.js';
import { runMemory, runThroughput, ServerPool, THROUGHPUT_KINDS, type HttpConfig } from './http/section.js';
import { runParseSection } from './parse/section.js';
import { concurrentChart, httpChart, parseChart, rssChart, targetsChart } from './report/charts.js';
import { renderReport, type RunInfo } from './report/markdown.js';
import { judgeTargets, type BenchResults, type TargetRow } from './report/targets.js';
import { runS3 } from './s3/section.js';
import { runColdImport } from './cold-import/section.js';
import { runTus } from './tus/section.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const sections = new Set((option('only') ?? 'parse,http,memory,s3,tus,import').split(','));
const outDir = path.resolve(repoRoot, option('out') ?? (quick ? 'bench/.out/quick' : 'docs'));
for (const arg of args) {
  if (arg !== '--quick' && !/^--(only|out|render)=/.test(arg)) {
    console.error(`unknown argument ${arg}; see bench/src/run.ts`);
    process.exit(2);
  }
}

const log = (line: string): void => console.log(line);

/** Writes the report, its charts and the raw results into `dir`. */
function writeReport(dir: string, results: BenchResults, info: RunInfo): TargetRow[] {
  mkdirSync(dir, { recursive: true });
  const rows = judgeTargets(results);
  const svgs: Array<[keyof RunInfo['charts'], string, string | undefined]> = [
    ['targets', 'bench-targets.svg', targetsChart(rows)],
    ['http', 'bench-http.svg', httpChart(results)],
    ['parse', 'bench-parse.svg', parseChart(results)],
    ['rss', 'bench-rss.svg', rssChart(results)],
    ['concurrent', 'bench-concurrent.svg', concurrentChart(results)],
  ];
  info.charts = {};
  for (const [key, file, svg] of svgs) {
    if (!svg) continue;
    writeFileSync(path.join(dir, file), svg);
    info.charts[key] = file;
  }
  writeFileSync(path.join(dir, 'benchmarks.md'), renderReport(results, info));
  // Rounded: the raw numbers are noise past four significant digits, and the file stays small.
  const round = (_key: string, value: unknown): unknown => (typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(5)) : value);
  writeFileSync(path.join(dir, 'benchmarks.json'), `${JSON.stringify({ info, results }, round)}\n`);
  return rows;
}

const renderFrom = option('render');
if (renderFrom) {
  const saved = JSON.parse(readFileSync(path.resolve(renderFrom), 'utf8')) as { info: RunInfo & { startedAt: string }; results: BenchResults };
  writeReport(outDir, saved.results, { ...saved.info, startedAt: new Date(saved.info.startedAt) });
  log(`re-rendered ${path.relative(repoRoot, path.join(outDir, 'benchmarks.md'))}`);
  process.exit(0);
}
const started = Date.now();
const machine = machineInfo();
const boundary = browserLikeBoundary();
const failures: string[] = [];
const results: BenchResults = {};
const sectionSeconds: Record<string, number> = {};
const config: HttpConfig = { quick, boundary, log, failures, pool: quick ? new ServerPool() : undefined };
// --quick: start the servers while the parse section runs (its numbers are only a smoke test then).
const serversReady = quick && (sections.has('http') || sections.has('memory')) ? config.pool!.get(THROUGHPUT_KINDS).catch(() => undefined) : undefined;

log(`sluice bench${quick ? ' --quick' : ''}: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadStart.toFixed(2)}`);

async function section(name: string, run: () => Promise<void>): Promise<void> {
  if (!sections.has(name)) return;
  const t0 = Date.now();
  log(`${name}…`);
  try {
    await run();
  } catch (error) {
    failures.push(`${name}: ${(error as Error).stack ?? String(error)}`);
    log(`  ${name} failed: ${(error as Error).message}`);
  }
  sectionSeconds[name] = (Date.now() - t0) / 1000;
}

await section('parse', async () => {
  const parse = await runParseSection({ quick, boundary, log });
  failures.push(...parse.failures);
  results.parse = parse;
});
await serversReady;
await section('http', async () => {
  results.http = await runThroughput(config);
});
await section('memory', async () => {
  results.memory = await runMemory(config);
});
await section('s3', async () => {
  results.s3 = await runS3(config);
});
await section('tus', async () => {
  results.tus = await runTus(config);
});

await section('import', async () => {
  results.coldImport = await runColdImport({ log });
});

await config.pool?.stop();
machine.loadEnd = os.loadavg()[0]!;
const seconds = (Date.now() - started) / 1000;
const info: RunInfo = { quick, startedAt: new Date(started), seconds, sectionSeconds, machine, versions: packageVersions(), boundary, failures, charts: {} };
const rows = writeReport(outDir, results, info);

log('');
for (const row of rows) log(`${row.verdict === 'met' ? 'met   ' : row.verdict === 'missed' ? 'MISSED' : 'n/a   '} ${row.short}: ${row.measured}`);
log(`\nwrote ${path.relative(repoRoot, path.join(outDir, 'benchmarks.md'))} in ${seconds.toFixed(0)} s`);
if (failures.length) {
  console.error(`\n${failures.length} failure(s):\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  process.exit(1);
}
