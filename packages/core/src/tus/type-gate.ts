/** Options of {@link typeGate}. */
export interface TypeGateOptions {
  /** Bytes of the upload already stored (all of them: fewer than `needed`). */
  stored: Buffer;
  /** How many leading bytes the judgement wants (SNIFF_BYTES). */
  needed: number;
  /** True when the body's end is also the file's end (judge on what there is). */
  endsFile(received: number): boolean;
  /** Judges the file on its head; throws to refuse it. */
  judge(head: Buffer): Promise<void>;
}

/**
 * Holds back the first bytes of an upload whose type is not judged yet until
 * there are enough to judge (or the file ends), so no byte of a refused file
 * is stored. When the body ends or fails first, the held bytes go on to the
 * store unjudged (they were received, so they are kept); the next request
 * judges on them and its own bytes.
 */
export async function* typeGate(source: AsyncIterable<Buffer>, options: TypeGateOptions): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let heldBytes = 0;
  let received = 0;
  let judged = false;
  let refusing = false;
  const judgeNow = async (): Promise<void> => {
    refusing = true;
    await options.judge(Buffer.concat([options.stored, ...held]));
    refusing = false;
    judged = true;
  };
  try {
    for await (const chunk of source) {
      received += chunk.length;
      if (judged) {
        yield chunk;
        continue;
      }
      held.push(chunk);
      heldBytes += chunk.length;
      if (options.stored.length + heldBytes >= options.needed) {
        await judgeNow();
        const out = held;
        held = [];
        yield* out;
      }
    }
    if (!judged && options.endsFile(received)) await judgeNow();
    yield* held;
  } catch (error) {
    // A refusal stores nothing; any other failure keeps what was received.
    if (!refusing) yield* held;
    throw error;
  }
}
