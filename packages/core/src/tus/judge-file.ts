import { SNIFF_BYTES } from '../file/detect-type.js';
import { judgeType } from '../file/judge-type.js';
import { planKey } from '../file/plan-key.js';
import type { ResolvedTusOptions } from './resolve-options.js';
import type { ResumableInfo } from './store-types.js';

export { SNIFF_BYTES };

/**
 * Applies the per-file policy to an upload once its first bytes are known
 * (`head`: up to SNIFF_BYTES from offset 0, or the whole file when shorter),
 * with the same pieces as a multipart file: the type judged on the bytes
 * against `allowedTypes`, then the key strategy. Persists the verdict and the
 * key in the store, so every process and every later PATCH sees the same
 * decision. Throws TYPE_NOT_ALLOWED (415); the caller removes the upload.
 */
export async function judgeFile<Request>(options: ResolvedTusOptions<Request>, info: ResumableInfo, head: Buffer, requestId: string, request: Request | undefined): Promise<ResumableInfo> {
  const verdict = await judgeType(head.subarray(0, SNIFF_BYTES), info.file.declaredType, info.file.name, { allowedTypes: options.allowedTypes });
  const key = await planKey(options.key, {
    field: 'file',
    name: info.file.name,
    safeName: info.file.safeName,
    type: verdict.type,
    requestId,
    request: request as Request,
    now: new Date(info.createdAt),
  });
  return options.store.update(info.id, { key, file: { ...info.file, type: verdict.type, detectedType: verdict.detectedType } });
}
