import { TUS_INTERRUPT_ROWS } from './tus-rows-interrupt.js';
import { TUS_PATCH_ROWS } from './tus-rows-patch.js';
import { TUS_PROTOCOL_ROWS } from './tus-rows-protocol.js';
import { TUS_REFUSAL_ROWS } from './tus-rows-refusals.js';
import type { TusRow } from './tus-run.js';

/** Every hostile tus row: protocol and creation, PATCH headers and limits, interruptions and races, refusals. */
export const TUS_ROWS: readonly TusRow[] = [...TUS_PROTOCOL_ROWS, ...TUS_PATCH_ROWS, ...TUS_INTERRUPT_ROWS, ...TUS_REFUSAL_ROWS];
