/**
 * OpenRouter's `reasoning_details`: the reasoning blocks of a thinking model (Anthropic's thinking
 * with its `signature`, Gemini's encrypted thought signatures, OpenAI's summaries), streamed in
 * fragments on `delta.reasoning_details`. A fragment names its block by `index` and `type`; the
 * text of a block (`text`, `summary`, `data`) comes in pieces, its other fields (`signature`, `id`,
 * `format`) in the fragment that has them (a text block's signature in its last). OpenRouter wants
 * the joined blocks back, as they came, on the assistant message of a tool round: without them
 * the provider refuses the next request or the model loses its thread.
 */
import type { ReasoningDetail } from '../../../shared/events'
import { jsonByteLength, utf8ByteLength } from '../bytes'

/**
 * The most a round's blocks may take as JSON (UTF-8 bytes): they are stored with the round's
 * `step-end` and sent back with every later request. A round with more keeps none of them (a
 * block cut short would carry a signature that no longer matches).
 */
export const REASONING_DETAILS_MAX_BYTES = 256 * 1024

/** The fields a block's fragments stream in pieces (joined); any other field takes its latest value. */
const STREAMED_FIELDS = new Set(['text', 'summary', 'data'])

/** Joins a round's fragments into its blocks. */
export interface ReasoningDetailsJoiner {
  /** Adds the fragments of one delta (anything but an object with a string `type` is ignored). */
  add(fragments: readonly unknown[]): void
  /** The joined blocks; undefined when none came or they are over `REASONING_DETAILS_MAX_BYTES`. */
  blocks(): ReasoningDetail[] | undefined
}

/** Creates the joiner of one round. */
export function createReasoningDetailsJoiner(): ReasoningDetailsJoiner {
  let blocks: ReasoningDetail[] = []
  // Counted as they come, so a round that streams too much stops keeping them at once.
  let bytes = 0
  let over = false

  function add(fragment: ReasoningDetail): void {
    const { index, type } = fragment
    // A fragment without an index goes on with the latest block when that has none either.
    const block = index === undefined
      ? (blocks.at(-1)?.type === type && blocks.at(-1)!.index === undefined ? blocks.at(-1) : undefined)
      : blocks.findLast(candidate => candidate.index === index && candidate.type === type)
    if (!block) {
      blocks.push({ ...fragment })
      bytes += jsonByteLength(fragment)
      return
    }
    for (const [key, value] of Object.entries(fragment)) {
      if (STREAMED_FIELDS.has(key) && typeof value === 'string') {
        const before = block[key]
        block[key] = (typeof before === 'string' ? before : '') + value
        bytes += utf8ByteLength(value)
      }
      // An empty or null value does not undo one that came (`signature: ""` in a block's first fragment).
      else if (value !== null && value !== undefined && value !== '' && block[key] !== value) {
        block[key] = value
        bytes += jsonByteLength(value)
      }
    }
  }

  return {
    add(fragments) {
      if (over) return
      for (const fragment of fragments) {
        if (!fragment || typeof fragment !== 'object' || Array.isArray(fragment) || typeof (fragment as { type?: unknown }).type !== 'string') continue
        add(fragment as ReasoningDetail)
        if (bytes > REASONING_DETAILS_MAX_BYTES) {
          over = true
          blocks = []
          return
        }
      }
    },
    blocks() {
      if (over || !blocks.length || jsonByteLength(blocks) > REASONING_DETAILS_MAX_BYTES) return undefined
      return blocks
    },
  }
}
