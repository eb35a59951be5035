export { ERROR_TABLE, statusForCode, type UploadErrorCode } from './error-codes.js';
export { UploadError, isUploadError, toUploadError, type UploadErrorOptions } from './upload-error.js';
