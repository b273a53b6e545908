/**
 * An answer the model's length limit or the provider's content filter cut: the job page says so
 * under it ("Cut off — …", JobTurn.vue), the /ai-sdk page said nothing, so the answer just stopped
 * mid-sentence. The demo's finish metadata hook (demo/server/plugins/answer-end-metadata.ts) now
 * says what cut a completed answer (its last round's finish reason, as `cutOffByLength` /
 * `cutOffByFilter` read it), and the page shows the note, live and after a reload (the messages
 * route gives the metadata back). Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it, vi } from 'vitest'
import type { UIMessage } from 'ai'
import { formatChunk } from '../../server/lib/ai-sdk/ui-chunks'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, textOf } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'

vi.stubGlobal('defineNitroPlugin', (plugin: unknown) => plugin)
const plugin = (await import('../../demo/server/plugins/answer-end-metadata')).default as unknown as (app: unknown) => void

const page = usePage()

/** The metadata the hook gives a job's finish chunk. */
function finishMetadata(status: string, finishReason: string): unknown {
  let hook!: (context: Record<string, unknown>) => void
  plugin({ hooks: { hook: (_name: string, handler: typeof hook) => (hook = handler) } })
  const context: Record<string, unknown> = { part: 'finish', state: { status, steps: [{ finishReason }] } }
  hook(context)
  return context.metadata
}

function notes(root: FakeNode): string[] {
  return allNodes(root).filter(item => item.props['data-answer-end'] !== undefined).map(item => textOf(item).trim())
}

const LENGTH_NOTE = 'Cut off — the model reached its length limit. Ask it to continue.'
const FILTER_NOTE = 'Cut off — the provider\'s content filter stopped the answer.'

describe('/ai-sdk page: an answer cut at the length limit or by the content filter', () => {
  it('gets finish metadata saying what cut it', () => {
    expect(finishMetadata('completed', 'length')).toEqual({ ended: 'cut-off', by: 'length' })
    expect(finishMetadata('completed', 'model_length')).toEqual({ ended: 'cut-off', by: 'length' })
    expect(finishMetadata('completed', 'content_filter')).toEqual({ ended: 'cut-off', by: 'content-filter' })
    expect(finishMetadata('completed', 'stop')).toBeUndefined()
  })

  it('says so under the answer after a reload', async () => {
    const answer = (id: string, by: string): UIMessage => ({ id, role: 'assistant', metadata: { ended: 'cut-off', by }, parts: [{ type: 'text', text: 'Once upon a', state: 'done' }] })
    page.loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'A long story' }] },
      answer('job-1', 'length'),
      { id: 'u2', role: 'user', parts: [{ type: 'text', text: 'Another' }] },
      answer('job-2', 'content-filter'),
    ]
    const root = page.mount()
    await settle()
    expect(notes(root)).toEqual([LENGTH_NOTE, FILTER_NOTE])
  })

  it('says so as the answer ends', async () => {
    const root = page.mount()
    await settle()
    const box = allNodes(root).find(item => item.tag === 'textarea')!
    box.value = 'A long story'
    for (const listener of box.listeners.input ?? []) listener({ target: box })
    await settle()
    const form = allNodes(root).find(item => item.tag === 'form')!
    ;(form.props.onSubmit as (event: unknown) => void)({ preventDefault: () => {}, stopPropagation: () => {} })
    await settle()
    page.answer([
      formatChunk({ type: 'start', messageId: 'job-1' }),
      formatChunk({ type: 'start-step' }),
      formatChunk({ type: 'text-start', id: 't1' }),
      formatChunk({ type: 'text-delta', id: 't1', delta: 'Once upon a' }),
      formatChunk({ type: 'text-end', id: 't1' }),
      formatChunk({ type: 'finish-step' }),
      formatChunk({ type: 'finish', finishReason: 'length', messageMetadata: finishMetadata('completed', 'length') }),
    ].join(''), true)
    await settle()
    expect(notes(root)).toEqual([LENGTH_NOTE])
  })
})
