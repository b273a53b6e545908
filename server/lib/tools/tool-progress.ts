/**
 * What a tool says about itself while it runs (`ctx.progress`): a short text and, when it can
 * tell, how far along it is (0..1). Checked and bounded here, on whichever thread the tool runs
 * (an isolation worker's too), and again by the server for what came from a worker: the text is
 * at most `MAX_TOOL_PROGRESS_BYTES` UTF-8 bytes (cut at a character boundary, with `…`), half of
 * a surrogate pair on its own becomes `�`, and a fraction is a finite number clamped to 0..1.
 */
import { cutTextWith } from '../../../shared/cut-text'
import { truncateUtf8, utf8ByteLength } from '../bytes'

/** The most UTF-8 bytes a progress message keeps (a longer one is cut and ends with `…`). */
export const MAX_TOOL_PROGRESS_BYTES = 256

/** What a tool passes to `ctx.progress`: a text, or the text with a fraction. */
export type ToolProgressInput = string | { message: string, fraction?: number }

/** A progress update as it is recorded (`tool-progress` events, `ToolCallState.progress`). */
export interface ToolProgressUpdate {
  message: string
  /** 0..1; absent when the tool did not say. */
  fraction?: number
}

/** The ellipsis a cut message ends with (3 UTF-8 bytes). */
const ELLIPSIS = '…'

/** Lone surrogates (a `slice` through an emoji): `�`, as a store that writes UTF-8 would keep them. */
function wellFormed(text: string): string {
  return text.replace(/\p{Cs}/gu, '\uFFFD')
}

/** `message` within `MAX_TOOL_PROGRESS_BYTES`, cut at a character boundary with `…`. */
function boundedMessage(message: string): string {
  // A UTF-16 unit is at least one byte: what lies past MAX units can never be kept.
  const head = wellFormed(message.length > MAX_TOOL_PROGRESS_BYTES + 1 ? message.slice(0, MAX_TOOL_PROGRESS_BYTES + 1) : message)
  if (utf8ByteLength(head) <= MAX_TOOL_PROGRESS_BYTES) return head
  const fits = truncateUtf8(head, MAX_TOOL_PROGRESS_BYTES - utf8ByteLength(ELLIPSIS)).length
  return cutTextWith(head, fits, ELLIPSIS)
}

/**
 * The update a tool's `ctx.progress(input)` records. Throws a TypeError naming the problem for
 * input that is not a progress update (a message that is not text, a fraction that is not a
 * finite number): the tool's own bug, told where it calls.
 */
export function toolProgressUpdate(input: unknown): ToolProgressUpdate {
  const update = typeof input === 'string' ? { message: input } : input
  if (update === null || typeof update !== 'object') throw new TypeError(`ctx.progress takes a text or { message, fraction? }, not ${update === null ? 'null' : typeof update}`)
  const { message, fraction } = update as { message?: unknown, fraction?: unknown }
  if (typeof message !== 'string') throw new TypeError(`ctx.progress: message must be a string, not ${message === null ? 'null' : typeof message}`)
  if (fraction === undefined || fraction === null) return { message: boundedMessage(message) }
  if (typeof fraction !== 'number' || !Number.isFinite(fraction)) throw new TypeError(`ctx.progress: fraction must be a finite number from 0 to 1, not ${typeof fraction === 'number' ? String(fraction) : typeof fraction}`)
  return { message: boundedMessage(message), fraction: Math.min(1, Math.max(0, fraction)) }
}

/** `toolProgressUpdate` for what crossed from an isolation worker: null instead of a throw. */
export function receivedProgressUpdate(input: unknown): ToolProgressUpdate | null {
  try {
    return toolProgressUpdate(input)
  }
  catch {
    return null
  }
}
