/**
 * The owner's reply to a control as the `convex` provider stores it: JSON of at most
 * `MAX_REPLY_BYTES` (convex/limits.ts), since it shares a document with the answer it replies to.
 * A refusal's message can be far longer — an answer with thousands of wrong items gets one zod
 * issue each, megabytes from a body under the default limit — so it is cut to fit, with a notice
 * of what was left out. Before, such a reply made the control's document pass Convex's 1 MiB: the
 * patch failed, no reply was ever stored, and the sender waited out its timeout for a 503 instead
 * of the owner's 400.
 */
import { MAX_REPLY_BYTES } from '../../../convex/limits'
import { truncateUtf8, utf8ByteLength } from '../bytes'
import type { ControlReply } from './types'

/** The notice that ends a cut message. */
const cutNotice = (bytes: number) => ` … [cut: ${bytes} more bytes]`

/** `reply` as JSON, its message cut so the whole is at most `maxBytes` UTF-8 bytes. */
export function replyJsonOf(reply: ControlReply, maxBytes = MAX_REPLY_BYTES): string {
  const json = JSON.stringify(reply)
  if (reply.ok || utf8ByteLength(json) <= maxBytes) return json
  const messageBytes = utf8ByteLength(reply.message)
  // No more than `maxBytes` of it can be kept: the search below encodes only that much.
  const head = truncateUtf8(reply.message, maxBytes)
  const withCut = (keep: number) => {
    const kept = truncateUtf8(head, keep)
    return JSON.stringify({ ...reply, message: `${kept}${cutNotice(messageBytes - utf8ByteLength(kept))}` })
  }
  // Escaping can make the message's JSON up to 6 times its text: the longest prefix that fits.
  let [low, high] = [0, maxBytes]
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    if (utf8ByteLength(withCut(middle)) <= maxBytes) low = middle
    else high = middle - 1
  }
  return withCut(low)
}
