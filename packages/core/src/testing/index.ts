/** Test helpers for drivers and adapters built on @sluice/core. */
export { runStorageConformance, type ConformanceSubject } from './storage-conformance.js';
export { buildMultipart, browserBoundary, chunked, streamOf, type TestMultipartBody, type TestPart } from './multipart-body.js';
export { HTTP_CASES, type HttpCase, type HttpCaseContext } from './http-cases.js';
export { runHttpCases, type HttpSubject, type HttpSubjectSetup, type StartHttpSubject } from './run-http-cases.js';
export { loopbackServers, serverSubject } from './server-subject.js';
export { caseRequest, expectFilesStored, expectJsonError, expectNormalUploadAfterwards, type StoredObjects } from './http-case-checks.js';
export { fetchTransport, socketTransport, testResponse, type HttpTransport, type TestRequest, type TestResponse } from './http-client.js';
export { runLockerConformance, type LockerSubject } from '../lock/locker-conformance.js';
