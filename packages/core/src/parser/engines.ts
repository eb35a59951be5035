import type { UploadLimits } from '../limits/limits.js';
import type { FormReaderOptions } from './multipart/form-reader.js';
import type { PartParser, PartParserEvents } from './part-parser.js';

/**
 * The multipart parsers Sluice can run on. `'sluice'` is Sluice's own
 * (src/parser/multipart/): a linear `Buffer#indexOf` delimiter search and
 * zero-copy file slices, answering like the busboy engine at the seam.
 * `'busboy'` is the engine the project was specified with.
 */
export const PARSER_ENGINES = ['busboy', 'sluice'] as const;

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
 * hostile-input suites; busboy stays one option away and is tested on every run.
 */
export const DEFAULT_PARSER_ENGINE: ParserEngine = 'sluice';

/** The body kinds a part parser reads. */
export type FormKind = 'multipart' | 'urlencoded';

/** Creates one parser of a loaded engine; `boundary` when the caller already parsed the Content-Type. */
export type PartParserFactory = (contentType: string, limits: UploadLimits, events: PartParserEvents, form?: FormReaderOptions, boundary?: string) => PartParser;

type EngineModule = 'sluice' | 'busboy';

// Each engine is a module of its own, imported the first time a body needs it:
// importing @sluice/core loads no parser, and a configuration loads only the
// engine it selected (plus busboy on the first urlencoded body, which every
// engine hands to busboy).
const ready: Partial<Record<EngineModule, PartParserFactory>> = {};
const loading: Partial<Record<EngineModule, Promise<PartParserFactory>>> = {};

function importEngine(module: EngineModule): Promise<PartParserFactory> {
  if (module === 'sluice') {
    return import('./sluice-parser.js').then(
      (m): PartParserFactory =>
        (contentType, limits, events, form, boundary) =>
          boundary === undefined ? m.createSluiceParser(contentType, limits, events, form) : m.createSluiceParserForBoundary(boundary, limits, events, form),
    );
  }
  return import('./busboy-parser.js').then((m) => m.createBusboyParser);
}

/**
 * The parser factory for a body of `kind` under `engine`: returned directly
 * once loaded, else a promise that loads it. Urlencoded bodies (fields only,
 * never the hot path) are busboy's under every engine.
 */
export function loadPartParser(engine: ParserEngine, kind: FormKind): PartParserFactory | Promise<PartParserFactory> {
  const module: EngineModule = kind === 'urlencoded' ? 'busboy' : engine;
  const factory = ready[module];
  if (factory) return factory;
  loading[module] ??= importEngine(module).then((loaded) => (ready[module] = loaded));
  return loading[module];
}
