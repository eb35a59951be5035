/** Methods a browser tus client uses. */
const ALLOW_METHODS = 'POST, HEAD, PATCH, OPTIONS, DELETE';

/** Request headers a browser tus client sends (tus-js-client's, Uppy's, and `X-Request-ID` for `addRequestId`). */
const ALLOW_HEADERS = [
  'Authorization',
  'Content-Type',
  'Origin',
  'X-Requested-With',
  'X-Request-ID',
  'X-HTTP-Method-Override',
  'Tus-Resumable',
  'Upload-Length',
  'Upload-Offset',
  'Upload-Metadata',
  'Upload-Defer-Length',
  'Upload-Checksum',
  'Upload-Concat',
].join(', ');

/** Response headers a browser script must be able to read, `Upload-Expires` and `Tus-Checksum-Algorithm` included. */
const EXPOSE_HEADERS = [
  'Location',
  'Upload-Offset',
  'Upload-Length',
  'Upload-Metadata',
  'Upload-Defer-Length',
  'Upload-Expires',
  'Tus-Resumable',
  'Tus-Version',
  'Tus-Extension',
  'Tus-Max-Size',
  'Tus-Checksum-Algorithm',
].join(', ');

/** CORS headers for an actual request from `origin`, or none when CORS is off or there is no Origin. */
export function corsHeaders(config: { origin: string } | undefined, origin: string | undefined): Record<string, string> {
  if (!config || origin === undefined) return {};
  const allow = config.origin === '*' ? '*' : config.origin;
  return { 'Access-Control-Allow-Origin': allow, 'Access-Control-Expose-Headers': EXPOSE_HEADERS, ...(allow === '*' ? {} : { Vary: 'Origin' }) };
}

/** Extra headers for a CORS preflight (an OPTIONS with `Access-Control-Request-Method`). */
export function preflightHeaders(config: { origin: string } | undefined, origin: string | undefined): Record<string, string> {
  if (!config || origin === undefined) return {};
  return { ...corsHeaders(config, origin), 'Access-Control-Allow-Methods': ALLOW_METHODS, 'Access-Control-Allow-Headers': ALLOW_HEADERS, 'Access-Control-Max-Age': '86400' };
}
