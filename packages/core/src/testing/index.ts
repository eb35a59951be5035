/** Test helpers for drivers and adapters built on @sluice/core. */
export { runStorageConformance, type ConformanceSubject } from './storage-conformance.js';
export { buildMultipart, browserBoundary, chunked, streamOf, type TestMultipartBody, type TestPart } from './multipart-body.js';
