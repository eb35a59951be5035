/** Every server the HTTP benchmarks start, each in its own process. */
export type ServerKind =
  | 'drain'
  | 'pipeline-disk'
  | 'sluice-discard'
  | 'sluice-busboy-discard'
  | 'sluice-fastify-discard'
  | 'sluice-memory'
  | 'sluice-disk'
  | 'sluice-koa-discard'
  | 'sluice-hono-discard'
  | 'fastify-sluice-discard'
  | 'fastify-multipart-discard'
  | 'multer-memory'
  | 'multer-disk'
  | 'formidable-discard'
  | 'formidable-disk'
  | 'busboy-discard'
  | 'fastify-busboy-discard'
  | 'sluice-s3'
  | 'multer-s3'
  | 'lib-storage';

/** How each server is named in the report, and whether it answers with the whole body's size instead of the file's. */
export const SERVER_INFO: Record<ServerKind, { label: string; countsBody?: boolean }> = {
  drain: { label: 'drain only (ceiling)', countsBody: true },
  'pipeline-disk': { label: '`pipeline(req, createWriteStream)` (disk ceiling)', countsBody: true },
  'sluice-discard': { label: 'Express + Sluice → discard' },
  'sluice-busboy-discard': { label: 'Express + Sluice (busboy engine) → discard' },
  'sluice-fastify-discard': { label: 'Express + Sluice (@fastify/busboy engine) → discard' },
  'sluice-memory': { label: 'Express + Sluice → memory' },
  'sluice-disk': { label: 'Express + Sluice → disk' },
  'sluice-koa-discard': { label: 'Koa + Sluice → discard' },
  'sluice-hono-discard': { label: 'Hono (node-server) + Sluice → discard' },
  'fastify-sluice-discard': { label: 'Fastify + Sluice (@sluice/fastify) → discard' },
  'fastify-multipart-discard': { label: 'Fastify + @fastify/multipart → discard' },
  'multer-memory': { label: 'Express + multer → memory' },
  'multer-disk': { label: 'Express + multer → disk' },
  'formidable-discard': { label: 'formidable → discard' },
  'formidable-disk': { label: 'formidable → disk' },
  'busboy-discard': { label: 'busboy → discard' },
  'fastify-busboy-discard': { label: '@fastify/busboy → discard' },
  'sluice-s3': { label: 'Express + Sluice → S3' },
  'multer-s3': { label: 'Express + multer + multer-s3 → S3' },
  'lib-storage': { label: 'lib-storage `Upload` from memory (no HTTP)' },
};

/** Part size and parallel parts of every S3 contender (Sluice's and lib-storage's defaults). */
export const S3_PART_SIZE = 5 * 1024 * 1024;
export const S3_QUEUE_SIZE = 4;
