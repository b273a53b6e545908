/**
 * Retry on the /ai-sdk page, beyond a failed answer's (demo-ai-sdk-retry.test.ts). A stopped
 * answer had no Retry, where the main chat's stopped turn offers one (lib/failure-kinds.ts,
 * `turnOffersRetry`): the newest stopped answer has it now, and asks the SDK to `regenerate()` it.
 * A Retry the server refused (a 429 at the per-user limit, a 503) or that never reached it lost
 * the answer until a reload — the SDK drops it before its request goes — and the page said only
 * why: the answer is put back now, with its Retry, under the line saying why the retry was
 * refused. That line said it in a new message's words ("your message wasn’t sent", as
 * `chatErrorText` could not tell a Retry's request from a Send's): it says the answer was not
 * retried now, and a later message refused says its own words again. Page rendered by
 * tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it, vi } from 'vitest'
import type { UIMessage } from 'ai'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, textOf } from '../support/demo-client-render'
import { click, submitMessage, typeMessage } from '../support/ai-sdk-composer'
import { retryButtons, retryFirstAnswer, settle, usePage } from '../support/ai-sdk-page'

const page = usePage()

/** A chat whose newest answer ended with `metadata` (as the demo's finish metadata has it). */
function chat(metadata: unknown): UIMessage[] {
  return [
    { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] },
    { id: 'job-1', role: 'assistant', metadata, parts: [{ type: 'text', text: 'Once upon', state: 'done' }] },
  ]
}
const STOPPED = { ended: 'aborted' }
const FAILED = { ended: 'failed', error: 'The model endpoint answered HTTP 503: busy', code: 'upstream-http', httpStatus: 503 }

function answerIds(root: FakeNode): unknown[] {
  return allNodes(root).filter(item => item.props['data-role'] === 'assistant').map(item => item.props['data-message-id'])
}
function alerts(root: FakeNode): string[] {
  return allNodes(root).filter(item => item.props.role === 'alert' && item.props.class === 'turn-error').map(textOf)
}

/** The chat route refuses every post as `respond` says (or throws, as a fetch that reaches nothing). */
function refusePosts(respond: () => Response): void {
  const reachable = globalThis.fetch
  vi.stubGlobal('fetch', async (url: string, init?: { method?: string }) => (init?.method === 'POST' ? respond() : reachable(url, init as RequestInit)))
}


describe('/ai-sdk page: Retry under a stopped answer', () => {
  it('is offered on the newest stopped answer, not on one a newer message follows, and asks the SDK to regenerate it', async () => {
    page.loaded = [...chat(STOPPED), { id: 'u2', role: 'user', parts: [{ type: 'text', text: 'Again' }] }, { id: 'job-2', role: 'assistant', metadata: {}, parts: [{ type: 'text', text: 'Done', state: 'done' }] }]
    const older = page.mount()
    await settle()
    expect(retryButtons(older)).toEqual([])

    page.loaded = chat(STOPPED)
    const root = page.mount()
    await settle()
    expect(retryButtons(root)).toHaveLength(1)
    expect(await retryFirstAnswer(page, root)).toEqual({ trigger: 'regenerate-message', ids: ['u1'] })
  })
})

describe('/ai-sdk page: a Retry the server refused', () => {
  const refusals: Array<[string, () => Response, string]> = [
    ['a 429 at the per-user limit', () => new Response('You already have 1 jobs running (limits.maxConcurrentJobsPerUser)', { status: 429 }), 'Too many of your answers are running or waiting for you at once — the answer wasn’t retried.'],
    ['a 503', () => new Response('', { status: 503 }), 'The server had a problem — the answer wasn’t retried. Try again.'],
  ]
  for (const [name, respond, said] of refusals) {
    for (const [ended, metadata] of [['failed', FAILED], ['stopped', STOPPED]] as const) {
      it(`keeps the ${ended} answer and its Retry after ${name}, and says why`, async () => {
        page.loaded = chat(metadata)
        const root = page.mount()
        await settle()
        refusePosts(respond)
        click(retryButtons(root)[0]!)
        await settle()
        expect(answerIds(root)).toEqual(['job-1'])
        expect(allNodes(root).some(item => item.props['data-answer-end'] === ended)).toBe(true)
        expect(retryButtons(root)).toHaveLength(1)
        expect(alerts(root).some(text => text.includes(said))).toBe(true)
        expect(alerts(root).join(' ')).not.toContain('wasn’t sent')
      })
    }
  }

  it('keeps the answer when the retry reached nothing, and asks again from it', async () => {
    page.loaded = chat(FAILED)
    const root = page.mount()
    await settle()
    const reachable = globalThis.fetch
    refusePosts(() => {
      throw new TypeError('Failed to fetch')
    })
    click(retryButtons(root)[0]!)
    await settle()
    expect(answerIds(root)).toEqual(['job-1'])
    expect(alerts(root)).toContain('Couldn’t reach the server — the answer wasn’t retried. Try again.')

    vi.stubGlobal('fetch', reachable)
    expect(await retryFirstAnswer(page, root)).toEqual({ trigger: 'regenerate-message', ids: ['u1'] })
  })

  it('words a message refused after a refused Retry as a message again', async () => {
    page.loaded = chat(FAILED)
    const root = page.mount()
    await settle()
    refusePosts(() => new Response('', { status: 503 }))
    click(retryButtons(root)[0]!)
    await settle()
    expect(alerts(root)).toContain('The server had a problem — the answer wasn’t retried. Try again.')
    await typeMessage(root, 'Again')
    await submitMessage(root)
    expect(alerts(root)).toContain('The server had a problem — your message wasn’t sent. Try again.')
    expect(alerts(root).join(' ')).not.toContain('retried')
  })
})
