import type { StoredFile, UploadErrorCode, UploadLimits, UploadOptions, UploadResult } from '@sluice/core';
import type { ExpectStatic } from 'vitest';
import type { RawResponse, RawStep } from './raw-client.js';
import type { AdapterName } from './servers.js';
import type { StorageSubject } from './storages.js';

/** What the server side saw of one request, from the handler's events. */
export interface ServerProbe {
  /** Body bytes the handler has read so far (from `progress` events). */
  bytesReceived(): number;
  /** Every settled request: its result, and its error when it failed. */
  outcomes: Array<{ result: UploadResult; error?: { code: UploadErrorCode; status: number } }>;
}

/** A file a 2xx case must find stored, byte for byte. */
export interface ExpectedFile {
  field: string;
  content: Buffer;
  /** The client's file name as the result must report it, when the case cares. */
  name?: string;
}

/** What a case's own check gets. */
export interface CaseContext {
  expect: ExpectStatic;
  adapter: AdapterName;
  port: number;
  response: RawResponse;
  storage: StorageSubject;
  probe: ServerProbe;
  /** The stored files of a 2xx response, in field order. */
  files: StoredFile[];
}

/**
 * One row of the hostile table: exact bytes (and pauses) on a raw socket, and
 * the one answer Sluice must give, on every adapter and every storage.
 */
export interface HostileCase {
  /** `<class>.<n>`, the class being the number in HOSTILE-INPUTS.md. */
  id: string;
  name: string;
  /** Options over the suite's (e.g. a bigger fileSize so an S3 multipart upload really starts). */
  options?: Omit<Partial<UploadOptions>, 'storage' | 'limits'> & { limits?: Partial<UploadLimits> };
  /** The exchange. Big bodies are built once and shared (see `lazy`). */
  steps(probe: ServerProbe): RawStep[];
  /** Bound on the whole exchange; the case fails as a hang past it. Default 8000 ms. */
  timeoutMs?: number;
  expect: {
    /** The final status, or `null` when the client vanishes and reads nothing. */
    status: number | null;
    /**
     * For a Sluice answer: the JSON error code. For `status: null`: the code
     * the request must have failed with on the server.
     */
    code?: UploadErrorCode;
    /**
     * Set when Node's HTTP server answers before any Sluice code runs (a raw
     * response without a JSON body): why this is the best achievable answer.
     */
    byNode?: string;
    /**
     * Where a framework's own server code answers first with another status
     * than Node would (why in `byNode`): that status, for that adapter.
     */
    statusOn?: Partial<Record<AdapterName, number>>;
    /** 2xx: exactly these files are stored, byte for byte, in this order. */
    files?: ExpectedFile[];
    /** 2xx: the text fields. */
    fields?: Record<string, string | string[]>;
  };
  check?(context: CaseContext): void | Promise<void>;
}
