/** What @sluice/redis-rig's global setup provides to tests (vitest `inject`). */
declare module 'vitest' {
  export interface ProvidedContext {
    /** The URL of the suite's redis-server. */
    redisUrl: string;
  }
}
export {};
