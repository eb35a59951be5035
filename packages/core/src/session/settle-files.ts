import type { UploadErrorCode } from '../errors/error-codes.js';
import type { ResolvedUploadOptions } from '../session/upload-options.js';
import { appendToList, createSafeRecord } from '../result/safe-record.js';
import type { IncompleteFile, StoredFile, UploadResult } from '../result/types.js';
import type { Logger } from '../logging/logger.js';
import type { FileUpload } from '../file/file-upload.js';

/** What settling needs of a file: its identity, how far it got, and how to remove it. */
type FileEntry = Pick<FileUpload, 'field' | 'name' | 'key' | 'declaredType' | 'bytes' | 'putStarted' | 'stored' | 'remove'>;

/** What a failed request leaves after {@link rollBack}. */
export interface RollBackOutcome<Entry extends FileEntry = FileEntry> {
  /** Entries whose object was removed from storage. */
  removed: Set<Entry>;
  /** Files that did not complete, for the result. */
  incomplete: IncompleteFile[];
}

/**
 * Applies the failure policy once every storage write has settled: partial
 * objects are removed (unless `removeIncompleteFiles: false`), and completed
 * ones too unless `keepCompletedOnFailure` (all-or-nothing by default). A
 * removal that fails is logged and the file is reported as still there.
 */
export async function rollBack<Entry extends FileEntry>(
  entries: readonly Entry[],
  reason: UploadErrorCode,
  options: ResolvedUploadOptions<unknown> | ResolvedUploadOptions<never>,
  onRemoved: (key: string, reason: 'incomplete' | 'rollback') => void,
): Promise<RollBackOutcome<Entry>> {
  const removed = new Set<Entry>();
  const incomplete: IncompleteFile[] = [];
  const { logger } = options;

  const remove = async (entry: Entry, why: 'incomplete' | 'rollback'): Promise<boolean> => {
    try {
      await entry.remove();
      removed.add(entry);
      onRemoved(entry.key!, why);
      return true;
    } catch (error) {
      logger.error('sluice: could not remove a file after a failed upload', { key: entry.key, error: String(error) });
      return false;
    }
  };

  await Promise.all(
    entries.map(async (entry) => {
      if (entry.stored) {
        if (!options.keepCompletedOnFailure) await remove(entry, 'rollback');
        return;
      }
      // Only a file whose put started can have left anything in storage.
      const kept = entry.putStarted && !(options.removeIncompleteFiles && (await remove(entry, 'incomplete')));
      incomplete.push({
        field: entry.field,
        name: entry.name,
        key: entry.key,
        declaredType: entry.declaredType,
        bytesReceived: entry.bytes,
        reason,
        kept,
      });
    }),
  );
  return { removed, incomplete };
}

/** The request-level facts a result is built from. */
export interface ResultBase {
  requestId: string;
  fields: UploadResult['fields'];
  startTime: number;
  bytesReceived: number;
  chunksReceived: number;
}

/** Assembles the result from the files that are (still) stored. */
export function buildResult(base: ResultBase, entries: readonly FileEntry[], incomplete: IncompleteFile[], filesRemoved: number): UploadResult {
  const files = createSafeRecord<StoredFile[]>();
  let bytesWritten = 0;
  let filesCompleted = 0;
  for (const entry of entries) {
    if (!entry.stored) continue;
    appendToList(files, entry.field, entry.stored);
    bytesWritten += entry.stored.size;
    filesCompleted += 1;
  }
  const endTime = Date.now();
  const { requestId, fields, startTime, bytesReceived, chunksReceived } = base;
  return {
    requestId,
    fields,
    files,
    incomplete,
    stats: { startTime, endTime, durationMs: endTime - startTime, bytesReceived, bytesWritten, chunksReceived, filesCompleted, filesRemoved },
  };
}

/**
 * Waits until no storage write of these files is in flight. A driver that
 * ignores its abort signal must not hang the request forever: after
 * `timeoutMs` it settles anyway and the stuck keys are logged.
 */
export async function waitForFiles(entries: readonly (FileEntry & { done: Promise<void> })[], timeoutMs: number, logger: Logger, requestId: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const outcome = await Promise.race([Promise.all(entries.map((entry) => entry.done)), gaveUp]);
  clearTimeout(timer);
  if (outcome === 'timeout') logger.error('sluice: storage did not stop after abort; settling anyway', { requestId, keys: entries.map((entry) => entry.key) });
}
