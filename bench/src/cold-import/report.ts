import { fmtSummary, summarize } from '../lib/stats.js';
import { coldImportRatio } from '../report/targets.js';
import type { ColdImportResults } from './section.js';

/** The "Cold import" section of docs/benchmarks.md ('' when the section did not run). */
export function coldImportSection(coldImport: ColdImportResults | undefined): string {
  if (!coldImport) return '';
  const ratio = coldImportRatio(coldImport);
  const rows = Object.entries(coldImport.ms).map(([name, ms]) => `| \`await import('${name}')\` | ${ms.length ? fmtSummary(summarize(ms), 1) : '–'} |`);
  return [
    '## Cold import',
    '',
    `Milliseconds from just before to just after \`await import(name)\` in a fresh Node process: ${coldImport.rounds} processes each, alternating which goes first; median (min–max). Sluice is imported as JavaScript laid out the way npm installs the tarballs (bench/src/cold-import/stage.ts), not through tsx. Every serverless cold start pays this.`,
    '',
    '| import | ms |',
    '| --- | ---: |',
    ...rows,
    '',
    ratio ? `\`@sluice/express\` ÷ \`multer\`, paired per round: **${fmtSummary(ratio, 2)}×** (target ≤ 2×).` : '',
    '',
  ].join('\n');
}
