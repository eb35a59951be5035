interface Waiter {
  bytes: number;
  grant(): void;
}

/** A snapshot of a {@link ByteBudget}, for metrics and tests. */
export interface ByteBudgetStats {
  /** The most bytes that may be reserved at once (`Infinity`: no limit). */
  budget: number;
  /** Bytes reserved right now. */
  reserved: number;
  /** The highest `reserved` ever reached. */
  peak: number;
  /** Reservations queued, waiting for bytes to be released. */
  waiting: number;
}

/**
 * A counting semaphore measured in bytes, shared by every upload of one S3
 * driver. Reservations are granted first come, first served: a big request at
 * the head of the queue is not starved by a stream of small ones.
 */
export class ByteBudget {
  private reservedBytes = 0;
  private peakBytes = 0;
  private readonly queue: Waiter[] = [];

  constructor(readonly limit: number) {
    if (!(limit > 0)) throw new RangeError('ByteBudget: limit must be > 0');
  }

  /** The current numbers. */
  get stats(): ByteBudgetStats {
    return { budget: this.limit, reserved: this.reservedBytes, peak: this.peakBytes, waiting: this.queue.length };
  }

  /**
   * Reserves `bytes` now if they fit and nobody is queued ahead (so that
   * running uploads cannot starve queued ones); otherwise reserves nothing.
   */
  tryAcquire(bytes: number): boolean {
    if (this.queue.length > 0 || !this.fits(bytes)) return false;
    this.take(bytes);
    return true;
  }

  /**
   * Reserves `bytes`, waiting in line until they fit. Rejects with the
   * signal's reason if `signal` aborts first (nothing is then reserved).
   */
  acquire(bytes: number, signal?: AbortSignal): Promise<void> {
    if (bytes > this.limit) return Promise.reject(new RangeError(`ByteBudget: ${bytes} bytes can never fit in a budget of ${this.limit}`));
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.tryAcquire(bytes)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(signal!.reason);
        // The head may have been the only thing blocking smaller requests behind it.
        this.grantQueued();
      };
      const waiter: Waiter = {
        bytes,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Gives back `bytes` reserved earlier, and wakes whoever now fits. */
  release(bytes: number): void {
    if (bytes <= 0) return;
    this.reservedBytes = Math.max(0, this.reservedBytes - bytes);
    this.grantQueued();
  }

  private fits(bytes: number): boolean {
    return this.reservedBytes + bytes <= this.limit;
  }

  private take(bytes: number): void {
    this.reservedBytes += bytes;
    this.peakBytes = Math.max(this.peakBytes, this.reservedBytes);
  }

  private grantQueued(): void {
    while (this.queue.length > 0 && this.fits(this.queue[0]!.bytes)) {
      const waiter = this.queue.shift()!;
      this.take(waiter.bytes);
      waiter.grant();
    }
  }
}
