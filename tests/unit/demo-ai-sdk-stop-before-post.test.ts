/**
 * /ai-sdk: Stop pressed right after Send, while the send's post is still on its way. The page's
 * abort and the post are two requests: the abort may reach the server first and find no job, then
 * the post makes one that runs on, unseen (only a later Retry ended it). The page waits for the
 * post the Stop cut short and, once the server answered it (its job made), aborts the chat again;
 * a post answered first (the first abort stopped its job) or refused needs nothing more, nor does
 * an approval answer's (its job is there before it), and one
 * that gets no response in time leaves Stop saying it may not have stopped the answer, and is kept
 * open: answered later, its job is aborted then (the layer's app/lib/chat-stop-fetch.ts and
 * composables/useChatStop.ts, which the page uses). Page rendered by tests/support/ai-sdk-page.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, buttons, textOf } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'
import { click, submitMessage, typeMessage } from '../support/ai-sdk-composer'
import { CHAT_STOP_WAIT_MS, CUT_SHORT_POST_GIVE_UP_MS } from '../../app/composables/useChatStop'

const page = usePage()

const STOPPED_NOTE = 'Stopped before any answer came.'
const endNotes = (root: FakeNode) => allNodes(root).filter(item => item.props['data-answer-end'] !== undefined).map(item => textOf(item).trim())
const stopErrors = (root: FakeNode) => allNodes(root).filter(item => item.props['data-stop-error'] !== undefined).map(textOf)

/** The send's post held until the test lets the server answer it (`answer`, else it gets no response); the signal it went with. */
function holdPost(): { answer: (status?: number) => void, signal: () => AbortSignal | undefined } {
  const harness = globalThis.fetch
  let release: (status: number) => void = () => {}
  const answered = new Promise<number>((resolve) => {
    release = resolve
  })
  let signal: AbortSignal | undefined
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    if (init?.method !== 'POST') return harness(url, init)
    signal = init.signal ?? undefined
    // As a real fetch: its abort rejects it while it waits for the response.
    const aborted = new Promise<never>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal!.reason), { once: true }))
    const status = await Promise.race([answered, aborted])
    return status === 200 ? harness(url, init) : new Response('', { status })
  })
  return { answer: (status = 200) => release(status), signal: () => signal }
}

/** Sends "Hello" and presses Stop before the post's response came. */
async function sendAndStop(root: FakeNode): Promise<void> {
  await typeMessage(root, 'Hello')
  await submitMessage(root)
  click(buttons(root, 'Stop')[0]!)
  await settle()
}

afterEach(() => {
  vi.useRealTimers()
})

describe('/ai-sdk page: Stop while the send\'s post is on its way', () => {
  it('aborts again once the server answered the post, when the abort came first and found nothing', async () => {
    const post = holdPost()
    const root = page.mount()
    await settle()
    await sendAndStop(root)
    // The abort found no job; the Stop waits for the post (Send held meanwhile).
    expect(page.aborts).toHaveLength(1)
    expect(buttons(root, 'Stopping…')).toHaveLength(1)
    post.answer()
    await settle()
    expect(page.aborts).toHaveLength(2)
    expect(post.signal()?.aborted).toBe(true)
    expect(buttons(root, 'Stopping…')).toHaveLength(0)
    expect(endNotes(root)).toEqual([STOPPED_NOTE])
    expect(stopErrors(root)).toEqual([])
  })

  it('takes the first abort\'s stopped job when the post came first', async () => {
    const post = holdPost()
    page.abortReads = [async () => ({ jobs: [{ id: 'job-1', status: 'aborted' }] }), async () => ({ jobs: [] })]
    const root = page.mount()
    await settle()
    // The stopped answer the server kept cannot be read: the page shows its own.
    page.messageReads = [() => Promise.reject(new TypeError('Failed to fetch'))]
    await sendAndStop(root)
    post.answer()
    await settle()
    expect(page.aborts).toHaveLength(2)
    expect(endNotes(root)).toEqual([STOPPED_NOTE])
    expect(stopErrors(root)).toEqual([])
  })

  it('aborts once when the post was refused (no job)', async () => {
    const post = holdPost()
    const root = page.mount()
    await settle()
    await sendAndStop(root)
    post.answer(503)
    await settle()
    expect(page.aborts).toHaveLength(1)
    expect(buttons(root, 'Stopping…')).toHaveLength(0)
    expect(stopErrors(root)).toEqual([])
  })

  it('does not wait for an approval answer\'s post (its job is there: the first abort stops it)', async () => {
    holdPost()
    page.loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Delete notes.txt' }] },
      { id: 'job-1', role: 'assistant', parts: [{ type: 'tool-delete_file', toolCallId: 'call-1', state: 'approval-requested', input: { path: 'notes.txt' }, approval: { id: 'r1' } }] },
    ]
    page.abortReads = [async () => ({ jobs: [{ id: 'job-1', status: 'aborted' }] })]
    const root = page.mount()
    await settle()
    click(buttons(root, 'Approve')[0]!)
    await settle()
    click(buttons(root, 'Stop')[0]!)
    await settle()
    expect(page.aborts).toHaveLength(1)
    expect(buttons(root, 'Stopping…')).toHaveLength(0)
    expect(endNotes(root)).toEqual(['Stopped — the partial answer is kept.'])
  })

  it('aborts once when the response came before the Stop', async () => {
    const root = page.mount()
    await settle()
    await sendAndStop(root)
    expect(page.aborts).toHaveLength(1)
    expect(endNotes(root)).toEqual([STOPPED_NOTE])
  })

  it('says the answer may not be stopped when the post got no response in time, and stops its job when it is answered later', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const post = holdPost()
    const root = page.mount()
    await settle()
    await sendAndStop(root)
    vi.advanceTimersByTime(CHAT_STOP_WAIT_MS)
    await settle()
    expect(page.aborts).toHaveLength(1)
    expect(stopErrors(root)).toEqual(['Couldn’t reach the server — the answer wasn’t stopped. Try again.'])
    // Stop stays, to try again (its abort then finds the job the post made).
    expect(buttons(root, 'Stop')).toHaveLength(1)
    // The post is kept open: the server answers it late (its job made) and the page stops that job.
    expect(post.signal()?.aborted).toBe(false)
    post.answer()
    await settle()
    expect(page.aborts).toHaveLength(2)
    expect(post.signal()?.aborted).toBe(true)
    expect(stopErrors(root)).toEqual([])
    expect(buttons(root, 'Stop')).toHaveLength(0)
  })

  it('closes a post cut short that got no response at all, once the bound has passed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const post = holdPost()
    const root = page.mount()
    await settle()
    await sendAndStop(root)
    vi.advanceTimersByTime(CHAT_STOP_WAIT_MS)
    await settle()
    vi.advanceTimersByTime(CUT_SHORT_POST_GIVE_UP_MS - CHAT_STOP_WAIT_MS)
    await settle()
    expect(post.signal()?.aborted).toBe(true)
    expect(page.aborts).toHaveLength(1)
    expect(stopErrors(root)).toEqual(['Couldn’t reach the server — the answer wasn’t stopped. Try again.'])
    expect(buttons(root, 'Stop')).toHaveLength(1)
  })
})
