/** Receives the bytes between delimiters. Slices of input chunks are passed as they are (no copy). */
export type DataSink = (data: Buffer) => void;

/** {@link DelimiterScanner.next}: no delimiter ends in this chunk; all of it was taken. */
export const NOT_FOUND = -1;

const CR = 0x0d;
const LF = 0x0a;

/**
 * Finds a fixed delimiter (for multipart, `\r\n--boundary`) in a stream of
 * chunks. The search is `Buffer#indexOf`, Node's native substring search:
 * it runs in linear time whatever the bytes are, with no skip table that
 * content chosen by an attacker can defeat (busboy's streamsearch drops 20x
 * on a body made of the boundary's next-to-last byte).
 *
 * Zero-copy: the bytes before a delimiter are handed on as `subarray` slices
 * of the input chunk. Only a chunk's last bytes that could begin a delimiter
 * completed by the next chunk (fewer than the delimiter's length) are copied
 * and carried over; if they turn out to be data, a fresh copy is handed on,
 * never the scanner's own buffer.
 *
 * The scanner can start with a *virtual* CRLF carried over (see
 * {@link reset}): a delimiter at the very start then matches as `--boundary`,
 * as RFC 2046 has it for the first one, and the virtual bytes are never data.
 */
export class DelimiterScanner {
  /** True when the delimiter just found began with the virtual CRLF (i.e. the data started with `--boundary`). */
  matchedVirtual = false;

  private readonly carry: Buffer;
  private carryLength = 0;
  /** How many of the carried bytes are the virtual CRLF (0 or 2). */
  private virtualLength = 0;
  /** Carried bytes plus the head of the next chunk, to find a delimiter that straddles the two. */
  private readonly straddle: Buffer;

  /** @param delimiter the bytes to find (at most a few dozen; its first byte should be rare in data, as CR is). */
  constructor(readonly delimiter: Buffer) {
    this.carry = Buffer.alloc(delimiter.length);
    this.straddle = Buffer.alloc(2 * delimiter.length);
  }

  /** Forgets carried bytes. With `virtualCrlf`, the stream is taken to follow a CRLF that is not part of its data. */
  reset(virtualCrlf: boolean): void {
    this.carryLength = 0;
    this.virtualLength = 0;
    if (virtualCrlf && this.delimiter.length >= 2 && this.delimiter[0] === CR && this.delimiter[1] === LF) {
      this.carry[0] = CR;
      this.carry[1] = LF;
      this.carryLength = this.virtualLength = 2;
    }
  }

  /**
   * Passes the data in `chunk[from..]` up to the next delimiter to `emit` and
   * returns the index just past that delimiter, or {@link NOT_FOUND} when the
   * chunk holds no complete delimiter (then the data that cannot be part of
   * one was emitted, and the rest is carried over to the next call).
   */
  next(chunk: Buffer, from: number, emit: DataSink): number {
    this.matchedVirtual = false;
    if (this.carryLength > 0) {
      const found = this.straddling(chunk, from, emit);
      if (found !== undefined) return found;
    }
    const length = this.delimiter.length;
    const at = chunk.indexOf(this.delimiter, from);
    if (at !== -1) {
      if (at > from) emit(chunk.subarray(from, at));
      return at + length;
    }
    const keep = partialMatchStart(chunk, Math.max(from, chunk.length - (length - 1)), chunk.length, this.delimiter);
    if (keep > from) emit(chunk.subarray(from, keep));
    chunk.copy(this.carry, 0, keep);
    this.carryLength = chunk.length - keep;
    return NOT_FOUND;
  }

  /**
   * Resolves the carried bytes against the head of `chunk`: a delimiter that
   * begins in them (returns the index past it in `chunk`), a partial one that
   * still runs to the end of a short chunk (returns NOT_FOUND, carrying
   * more), or plain data (emitted; returns undefined and the chunk is
   * scanned on its own).
   */
  private straddling(chunk: Buffer, from: number, emit: DataSink): number | undefined {
    const length = this.delimiter.length;
    const carried = this.carryLength;
    if (carried === this.virtualLength && from + length - carried <= chunk.length) {
      // Only the virtual CRLF is carried (the start of every part) and the
      // chunk is long enough to decide: a delimiter can begin only at the
      // virtual CR, so compare the rest in place instead of copying a window.
      // Per part this is the hot case (a form of 1000 small fields).
      this.carryLength = this.virtualLength = 0;
      if (chunk.compare(this.delimiter, carried, length, from, from + length - carried) !== 0) return undefined;
      this.matchedVirtual = true;
      return from + length - carried;
    }
    const head = Math.min(chunk.length - from, length - 1);
    this.carry.copy(this.straddle, 0, 0, carried);
    chunk.copy(this.straddle, carried, from, from + head);
    const window = this.straddle.subarray(0, carried + head);
    const at = window.indexOf(this.delimiter);
    if (at !== -1 && at < carried) {
      this.emitCarried(at, emit);
      this.matchedVirtual = at < this.virtualLength;
      this.carryLength = this.virtualLength = 0;
      return from + at + length - carried;
    }
    if (from + head === chunk.length) {
      // The whole chunk fit in the window: a partial delimiter may still begin in the carried bytes.
      const keep = partialMatchStart(window, Math.max(0, window.length - (length - 1)), window.length, this.delimiter);
      if (keep < carried) {
        this.emitCarried(keep, emit);
        window.copy(this.carry, 0, keep);
        this.carryLength = window.length - keep;
        this.virtualLength = Math.max(0, this.virtualLength - keep);
        return NOT_FOUND;
      }
    }
    this.emitCarried(carried, emit);
    this.carryLength = this.virtualLength = 0;
    return undefined;
  }

  /** Emits a copy of the carried data bytes before `end` (the carry buffer is reused). */
  private emitCarried(end: number, emit: DataSink): void {
    if (end > this.virtualLength) emit(Buffer.from(this.carry.subarray(this.virtualLength, end)));
  }
}

/**
 * The first index `s` in `[from, end)` such that `buffer[s..end)` is a prefix
 * of `delimiter` (the earliest place a delimiter completed by later bytes
 * could begin), or `end` when there is none. Callers pass at most the last
 * `delimiter.length - 1` bytes. A plain loop with an early exit: a failing
 * candidate costs a byte or two (a chunk of all CR has ~73 of them, where a
 * native call per candidate would cost more than the chunk's indexOf).
 */
export function partialMatchStart(buffer: Buffer, from: number, end: number, delimiter: Buffer): number {
  const first = delimiter[0]!;
  for (let s = from; s < end; s++) {
    if (buffer[s] !== first) continue;
    let k = 1;
    while (s + k < end && buffer[s + k] === delimiter[k]) k++;
    if (s + k === end) return s;
  }
  return end;
}
