/** busboy 1.6.0's internal helpers (CommonJS, untyped): its own Content-Disposition parser. */
declare module 'busboy/lib/utils.js' {
  const utils: {
    parseDisposition(value: string, decoder: unknown): { type: string } | undefined;
    getDecoder(charset: string): unknown;
  };
  export default utils;
}
