/**
 * Every failure Sluice can report, with the HTTP status a server should answer
 * and the message that is safe to show a client. One table, so that a status
 * never depends on which code path noticed the problem.
 */
export const ERROR_TABLE = {
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported media type' },
  UNSUPPORTED_CONTENT_ENCODING: { status: 415, message: 'Content-Encoding is not accepted for uploads' },
  TYPE_NOT_ALLOWED: { status: 415, message: 'File type not allowed' },
  MISSING_BOUNDARY: { status: 400, message: 'Multipart boundary missing' },
  INVALID_BOUNDARY: { status: 400, message: 'Multipart boundary invalid' },
  MALFORMED_REQUEST: { status: 400, message: 'Malformed request body' },
  FILENAME_REQUIRED: { status: 400, message: 'A file name is required' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Raw uploads must be PUT or POST' },
  BODY_ALREADY_CONSUMED: { status: 500, message: 'Request body was already read' },
  LIMIT_FILE_SIZE: { status: 413, message: 'File too large' },
  LIMIT_TOTAL_SIZE: { status: 413, message: 'Request body too large' },
  LIMIT_URLENCODED_SIZE: { status: 413, message: 'Form body too large' },
  LIMIT_FILES: { status: 413, message: 'Too many files' },
  LIMIT_FIELDS: { status: 413, message: 'Too many fields' },
  LIMIT_FIELD_SIZE: { status: 413, message: 'Field value too large' },
  LIMIT_FIELD_NAME_SIZE: { status: 413, message: 'Field name too large' },
  LIMIT_PARTS: { status: 413, message: 'Too many parts' },
  LIMIT_HEADER_PAIRS: { status: 413, message: 'Too many part headers' },
  REQUEST_TIMEOUT: { status: 408, message: 'Upload took too long' },
  IDLE_TIMEOUT: { status: 408, message: 'Upload stalled' },
  CLIENT_ABORTED: { status: 499, message: 'Client closed the request' },
  STORAGE_FAILED: { status: 502, message: 'Storage failed' },
  STORAGE_DENIED: { status: 502, message: 'Storage refused the credentials' },
  STORAGE_NOT_FOUND: { status: 502, message: 'Storage bucket or location not found' },
  STORAGE_UNAVAILABLE: { status: 503, message: 'Storage temporarily unavailable' },
  INVALID_KEY: { status: 500, message: 'Internal error' },
  SHUTTING_DOWN: { status: 503, message: 'Server is shutting down' },
  UPLOAD_LOCKED: { status: 423, message: 'Upload is in use by another request' },
  LOCK_LOST: { status: 409, message: 'Upload lease was lost; resume from the current offset' },
  LOCK_UNAVAILABLE: { status: 503, message: 'Upload lock service unavailable' },
  SERVER_BUSY: { status: 503, message: 'Server is busy; retry later' },
  INTERNAL: { status: 500, message: 'Internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

/** A stable, documented identifier of one kind of failure. */
export type UploadErrorCode = keyof typeof ERROR_TABLE;

/** The HTTP status a server should answer for `code`. */
export function statusForCode(code: UploadErrorCode): number {
  return ERROR_TABLE[code].status;
}
