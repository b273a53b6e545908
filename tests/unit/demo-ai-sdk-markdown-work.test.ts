/**
 * The /ai-sdk page's Markdown work as a chat grows: every render of the page (a key typed in the
 * box, each streamed piece of the newest answer) rendered the Markdown of every answer in the chat
 * again (`partHtml` in the template), so a long chat parsed and highlighted all its earlier answers
 * on every keystroke and every delta. An answer whose text has not changed must not be rendered
 * again. Page rendered by tests/support/ai-sdk-page.ts.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { UIMessage } from 'ai'
import { formatChunk } from '../../server/lib/ai-sdk/ui-chunks'
import { allNodes } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'

/** The texts the page asked the Markdown renderer for, in order. */
const rendered: string[] = []
vi.mock('../../demo/app/lib/markdown', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../demo/app/lib/markdown')>()
  return {
    ...original,
    renderMarkdownBlocks: (text: string, options?: Parameters<typeof original.renderMarkdownBlocks>[1]) => {
      rendered.push(text)
      return original.renderMarkdownBlocks(text, options)
    },
  }
})

const page = usePage()

/** Earlier turns of the chat: a question, and an answer with a code block. */
function history(turns: number): UIMessage[] {
  return Array.from({ length: turns }, (_, turn) => [
    { id: `u${turn}`, role: 'user' as const, parts: [{ type: 'text' as const, text: `Question ${turn}` }] },
    { id: `job-${turn}`, role: 'assistant' as const, parts: [{ type: 'text' as const, text: `Answer ${turn}\n\n\`\`\`js\nlet a = ${turn}\n\`\`\``, state: 'done' as const }] },
  ]).flat()
}

function type(root: ReturnType<typeof page.mount>, value: string): void {
  const box = allNodes(root).find(item => item.tag === 'textarea')!
  box.value = value
  for (const listener of box.listeners.input ?? []) listener({ target: box })
}

beforeEach(() => {
  rendered.length = 0
})

describe('/ai-sdk page: Markdown rendered once per text', () => {
  it('renders no answer again while the user types', async () => {
    page.loaded = history(20)
    const root = page.mount()
    await settle()
    expect(rendered.filter(text => text.startsWith('Answer 7\n')).length).toBeGreaterThan(0)
    rendered.length = 0
    for (const value of ['H', 'He', 'Hel', 'Hell', 'Hello']) {
      type(root, value)
      await settle()
    }
    expect(rendered).toEqual([])
  })

  it('renders only the newest answer as it streams, not the earlier ones', async () => {
    page.loaded = history(20)
    const root = page.mount()
    await settle()
    type(root, 'More')
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
    rendered.length = 0
    for (const delta of ['One ', 'two ', 'three.']) {
      page.answer(formatChunk({ type: 'text-delta', id: 't1', delta }))
      await settle()
    }
    expect(rendered.filter(text => text.startsWith('Answer '))).toEqual([])
    expect(rendered.at(-1)).toBe('One two three.')
  })
})
