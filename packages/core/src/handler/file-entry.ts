import type { FileTap } from '../pipeline/file-tap.js';
import type { StoredFile } from '../result/types.js';

/** The engine's record of one file part, from its first header to its end. */
export interface FileEntry {
  field: string;
  name: string;
  safeName: string;
  declaredType: string;
  /** Decided once the first bytes are in; `undefined` while undecided or when refused. */
  key: string | undefined;
  tap: FileTap;
  /** Aborts this file's storage write; fired only while its bytes are still arriving. */
  abort: AbortController;
  /** True once storage.put was called: only then can storage hold anything of it. */
  putStarted: boolean;
  /** Set when storage confirmed the whole file. */
  stored: StoredFile | undefined;
  /** Settles (never rejects) once nothing of this file is in flight any more. */
  done: Promise<void>;
}
