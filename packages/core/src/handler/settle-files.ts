import type { UploadErrorCode } from '../errors/error-codes.js';
import type { ResolvedUploadOptions } from '../options/upload-options.js';
import { appendToList, createSafeRecord } from '../result/safe-record.js';
import type { IncompleteFile, StoredFile, UploadResult } from '../result/types.js';
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

/** Assembles the result from the files that are (still) stored. */
export function buildResult(base: Omit<UploadResult, 'files' | 'incomplete'>, entries: readonly FileEntry[], incomplete: IncompleteFile[], filesRemoved: number): UploadResult {
  const files = createSafeRecord<StoredFile[]>();
  let bytesWritten = 0;
  let filesCompleted = 0;
  for (const entry of entries) {
    if (!entry.stored) continue;
    appendToList(files, entry.field, entry.stored);
    bytesWritten += entry.stored.size;
    filesCompleted += 1;
  }
  return { ...base, files, incomplete, stats: { ...base.stats, bytesWritten, filesCompleted, filesRemoved } };
}
