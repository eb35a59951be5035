import { fmtSummary, pairedRatios, summarize } from '../lib/stats.js';
import { coldImportRatio } from '../report/targets.js';
import type { ColdImportResults } from './section.js';

/** The "Cold import" section of docs/benchmarks.md ('' when the section did not run). */
export function coldImportSection(coldImport: ColdImportResults | undefined): string {
  if (!coldImport) return '';
  const ratio = coldImportRatio(coldImport);
  const cpu = coldImport.cpuMs;
  const cpuRatio = cpu?.['@sluice/express']?.length && cpu.multer?.length ? pairedRatios(cpu['@sluice/express'], cpu.multer) : undefined;
  const cell = (values: number[] | undefined): string => (values?.length ? fmtSummary(summarize(values), 1) : '–');
  const rows = Object.entries(coldImport.ms).map(([name, ms]) => `| \`await import('${name}')\` | ${cell(ms)} | ${cell(cpu?.[name])} |`);
  return [
    '## Cold import',
    '',
    `Milliseconds from just before to just after \`await import(name)\` in a fresh Node process: ${coldImport.rounds} processes each, alternating which goes first; median (min–max). Sluice is imported as JavaScript laid out the way npm installs the tarballs (bench/src/cold-import/stage.ts), not through tsx. Every serverless cold start pays this.`,
    '',
    '| import | wall ms | CPU ms |',
    '| --- | ---: | ---: |',
    ...rows,
    '',
    ratio
      ? `\`@sluice/express\` ÷ \`multer\`, paired per round: **${fmtSummary(ratio, 2)}×** wall-clock (target ≤ 2×)${cpuRatio ? `, ${fmtSummary(cpuRatio, 2)}× in CPU time (steadier when the machine is shared)` : ''}.`
      : '',
    '',
  ].join('\n');
}
