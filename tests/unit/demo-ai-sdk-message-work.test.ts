/**
 * The /ai-sdk page while an answer streams: the SDK gives it a new list of messages on every piece
 * (the unchanged messages kept as they were), and the page worked out every message again — each
 * answer's end note (`endNotes`, a map over all messages) and each message's markup in its
 * template — so each piece cost the whole chat. A message that did not change must not be worked
 * out again. Page rendered by tests/support/ai-sdk-page.ts.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { UIMessage } from 'ai'
import { formatChunk } from '../../server/lib/ai-sdk/ui-chunks'
import { allNodes } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'

/** How many times a message's end note was worked out. */
let endNotes = 0
vi.mock('../../demo/app/lib/answer-end', async (importOriginal) => {
  const original = await importOriginal<Record<string, (...args: unknown[]) => unknown>>()
  const counted = (name: string) => (...args: unknown[]) => {
    endNotes++
    return original[name]!(...args)
  }
  // The page worked it out with `answerEndNote` for each message, now a message with `messageEndNote` (which calls the former).
  return { ...original, answerEndNote: counted('answerEndNote'), ...('messageEndNote' in original ? { messageEndNote: counted('messageEndNote') } : {}) }
})

const page = usePage()

/** Earlier turns of the chat, each with an answer. */
function history(turns: number): UIMessage[] {
  return Array.from({ length: turns }, (_, turn) => [
    { id: `u${turn}`, role: 'user' as const, parts: [{ type: 'text' as const, text: `Question ${turn}` }] },
    { id: `job-${turn}`, role: 'assistant' as const, parts: [{ type: 'text' as const, text: `Answer ${turn}`, state: 'done' as const }] },
  ]).flat()
}

beforeEach(() => {
  endNotes = 0
})

describe('/ai-sdk page while an answer streams', () => {
  it('works out only the streaming message again on each piece, not every message of the chat', async () => {
    page.loaded = history(20)
    const root = page.mount()
    await settle()
    const box = allNodes(root).find(item => item.tag === 'textarea')!
    box.value = 'More'
    for (const listener of box.listeners.input ?? []) listener({ target: box })
    await settle()
    const form = allNodes(root).find(item => item.tag === 'form')!
    ;(form.props.onSubmit as (event: unknown) => void)({ preventDefault: () => {}, stopPropagation: () => {} })
    await settle()
    page.answer([
      formatChunk({ type: 'start', messageId: 'job-new' }),
      formatChunk({ type: 'start-step' }),
      formatChunk({ type: 'text-start', id: 't1' }),
    ].join(''))
    await settle()
    const perPiece: number[] = []
    for (const delta of ['One ', 'two ', 'three.']) {
      endNotes = 0
      page.answer(formatChunk({ type: 'text-delta', id: 't1', delta }))
      await settle()
      perPiece.push(endNotes)
    }
    // The chat has 42 messages; the streaming one (and the newest-answer check of the page's error line).
    expect(perPiece.every(count => count <= 2), `end notes worked out a piece: ${perPiece.join(', ')}`).toBe(true)
    expect(allNodes(root).filter(node => node.props['data-role'] === 'assistant')).toHaveLength(21)
  })
})
