import type { UploadLimits } from '../options/limits.js';
import { createBusboyParser } from './busboy-parser.js';
import { createFastifyBusboyParser } from './fastify-busboy-parser.js';
import type { PartParser, PartParserEvents } from './part-parser.js';
import { createSluiceParser } from './sluice-parser.js';

/**
 * The multipart parsers Sluice can run on. `'sluice'` is Sluice's own
 * (src/parser/multipart/): a linear `Buffer#indexOf` delimiter search and
 * zero-copy file slices, answering like the busboy engine at the seam.
 */
export const PARSER_ENGINES = ['busboy', 'fastify-busboy', 'sluice'] as const;

/** One of {@link PARSER_ENGINES}. */
export type ParserEngine = (typeof PARSER_ENGINES)[number];

/**
 * The default engine: busboy. Measured here, @fastify/busboy is ~19x faster
 * on an attacker-chosen body and ~1.26x over HTTP, but ~0.5x on forms of many
 * small fields, and the hostile-input suite still finds six classes where it
 * answers differently (part header over 16 KiB, NUL in a part header,
 * `filename*` precedence ...). It passes every engine test and is one option
 * away (`parser: 'fastify-busboy'`); making it the default waits on those six.
 * Numbers: docs/benchmarks.md and docs/performance-analysis.md.
 */
export const DEFAULT_PARSER_ENGINE: ParserEngine = 'busboy';

/** Creates a multipart/urlencoded parser of the chosen engine behind the {@link PartParser} seam. */
export function createPartParser(engine: ParserEngine, contentType: string, limits: UploadLimits, events: PartParserEvents): PartParser {
  switch (engine) {
    case 'fastify-busboy':
      return createFastifyBusboyParser(contentType, limits, events);
    case 'sluice':
      return createSluiceParser(contentType, limits, events);
    default:
      return createBusboyParser(contentType, limits, events);
  }
}
