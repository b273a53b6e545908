/**
 * /ai-sdk: Stop pressed right after Send, before any part of the answer came. The page takes the
 * stopped answer from the server (kept-stopped-answers.ts), where it says "Stopped before any answer
 * came." with Retry, as after a reload and as the main chat's stopped turn. When that read failed,
 * or the abort found no job yet, the user's message stood alone with nothing to retry: the page
 * shows the same stopped answer under it now, whose Retry asks that message again (the SDK's
 * `regenerate()`), until a message follows it. Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it, vi } from 'vitest'
import type { UIMessage } from 'ai'
import { formatChunk } from '../../server/lib/ai-sdk/ui-chunks'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, buttons, textOf } from '../support/demo-client-render'
import { retryButtons, retryFirstAnswer, settle, usePage } from '../support/ai-sdk-page'
import { click, submitMessage, typeMessage } from '../support/ai-sdk-composer'

const page = usePage()

const STOPPED_NOTE = 'Stopped before any answer came.'
/** The answers' "how it ended" lines. */
const endNotes = (root: FakeNode) => allNodes(root).filter(item => item.props['data-answer-end'] !== undefined).map(item => textOf(item).trim())
const alerts = (root: FakeNode) => allNodes(root).filter(item => item.props.role === 'alert' && item.props.class === 'turn-error').map(textOf)
/** What the live region said. */
const heard = (root: FakeNode) => allNodes(root).filter(item => item.props['data-announcer'] !== undefined).flatMap(region => region.children.map(line => textOf(line as FakeNode)))

/**
 * Sends "Hello" and presses Stop before any of its answer came (`reads`: how the page's reads of
 * the chat after that are answered); returns the message's id.
 */
async function sendAndStop(root: FakeNode, reads: Array<() => Promise<unknown>> = []): Promise<string> {
  await typeMessage(root, 'Hello')
  await submitMessage(root)
  page.messageReads = reads
  click(buttons(root, 'Stop')[0]!)
  await settle()
  return page.posted[0]!.messages[0]!.id
}

describe('/ai-sdk page: an answer stopped before any of it came', () => {
  it('is shown stopped with its Retry when the server\'s answer cannot be read, and Retry asks the message again', async () => {
    page.abortReads = [async () => ({ jobs: [{ id: 'job-1', status: 'aborted' }] })]
    const root = page.mount()
    await settle()
    const hello = await sendAndStop(root, [() => Promise.reject(new TypeError('Failed to fetch'))])
    expect(endNotes(root)).toEqual([STOPPED_NOTE])
    expect(retryButtons(root)).toHaveLength(1)
    expect(heard(root)).toContain('Answer stopped.')

    expect(await retryFirstAnswer(page, root)).toEqual({ trigger: 'regenerate-message', ids: [hello] })
    page.answer(formatChunk({ type: 'start', messageId: 'job-2' }) + formatChunk({ type: 'start-step' }))
    await settle()
    expect(endNotes(root)).toEqual([])
    expect(allNodes(root).filter(item => item.props['data-role'] === 'assistant').map(item => item.props['data-message-id'])).toEqual(['job-2'])
  })

  it('is shown so when the abort found no job of it yet', async () => {
    const root = page.mount()
    await settle()
    await sendAndStop(root)
    expect(endNotes(root)).toEqual([STOPPED_NOTE])
    expect(retryButtons(root)).toHaveLength(1)
  })

  it('is the server\'s answer when it can be read, shown once', async () => {
    page.abortReads = [async () => ({ jobs: [{ id: 'job-1', status: 'aborted' }] })]
    const root = page.mount()
    await settle()
    await sendAndStop(root, [async () => ({ messages: [
      { id: page.posted[0]!.messages[0]!.id, role: 'user', parts: [{ type: 'text', text: 'Hello' }] },
      { id: 'job-1', role: 'assistant', metadata: { ended: 'aborted' }, parts: [] },
    ] satisfies UIMessage[] })])
    expect(endNotes(root)).toEqual([STOPPED_NOTE])
    expect(allNodes(root).filter(item => item.props['data-role'] === 'assistant').map(item => item.props['data-message-id'])).toEqual(['job-1'])
  })

  it('keeps its Retry when the retry is refused, and says the answer was not retried', async () => {
    const root = page.mount()
    await settle()
    await sendAndStop(root)
    const reachable = globalThis.fetch
    vi.stubGlobal('fetch', async (url: string, init?: { method?: string }) => (init?.method === 'POST' ? new Response('', { status: 503 }) : reachable(url, init as RequestInit)))
    click(retryButtons(root)[0]!)
    await settle()
    expect(endNotes(root)).toEqual([STOPPED_NOTE])
    expect(retryButtons(root)).toHaveLength(1)
    expect(alerts(root)).toEqual(['The server had a problem — the answer wasn’t retried. Try again.'])
  })

  it('goes once a new message follows it', async () => {
    const root = page.mount()
    await settle()
    await sendAndStop(root)
    await typeMessage(root, 'Something else')
    await submitMessage(root)
    expect(endNotes(root)).toEqual([])
    expect(retryButtons(root)).toEqual([])
  })
})
