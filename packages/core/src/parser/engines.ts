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
 * The default engine: Sluice's own parser, chosen by measurement
 * (docs/benchmarks.md, "Which parser under the engine?"). Its delimiter
 * search is `Buffer#indexOf`, so no body shape an attacker picks slows it
 * down (busboy's Boyer-Moore-Horspool search drops ~20-100x on a body of the
 * boundary's next-to-last byte), and it hands file bytes on as slices of the
 * socket's chunks without copying. It answers like the busboy engine at the
 * seam, or stricter (RFC 2046/7578), and passes the same engine and
 * hostile-input suites; busboy (the engine Sluice was specified with) and
 * @fastify/busboy stay one option away and are tested on every run.
 */
export const DEFAULT_PARSER_ENGINE: ParserEngine = 'sluice';

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
