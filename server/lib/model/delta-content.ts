/**
 * A delta's `content` as text and reasoning. OpenAI sends a string; Mistral's API sends a list of
 * parts for its reasoning models (Magistral, and others with `reasoning_effort`):
 * `[{ type: 'thinking', thinking: [{ type: 'text', text }] }]`, then `[{ type: 'text', text }]`.
 * Read as a string only, such a stream gave an empty answer. Parts of other types (references,
 * images) carry no text and are skipped.
 */

/** One piece of a delta's content, in the order it came. */
export interface ContentPiece {
  type: 'text-delta' | 'reasoning-delta'
  text: string
}

/** The text and reasoning in `content` (a string or a list of parts), in order; empty pieces left out. */
export function contentPieces(content: unknown): ContentPiece[] {
  if (typeof content === 'string') return content ? [{ type: 'text-delta', text: content }] : []
  if (!Array.isArray(content)) return []
  const pieces: ContentPiece[] = []
  for (const part of content) {
    const piece = partPiece(part)
    if (piece.text) pieces.push(piece)
  }
  return pieces
}

function partPiece(part: unknown): ContentPiece {
  if (typeof part === 'string') return { type: 'text-delta', text: part }
  if (!part || typeof part !== 'object') return { type: 'text-delta', text: '' }
  const { type, text, thinking } = part as { type?: unknown, text?: unknown, thinking?: unknown }
  if (type === 'thinking') return { type: 'reasoning-delta', text: thinkingText(thinking) }
  return { type: 'text-delta', text: (type === undefined || type === 'text') && typeof text === 'string' ? text : '' }
}

/** A thinking part's text: a string, or its own list of text parts. */
function thinkingText(thinking: unknown): string {
  if (typeof thinking === 'string') return thinking
  if (!Array.isArray(thinking)) return ''
  let text = ''
  for (const part of thinking) {
    if (typeof part === 'string') text += part
    else if (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string') text += (part as { text: string }).text
  }
  return text
}
