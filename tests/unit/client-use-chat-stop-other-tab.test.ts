/**
 * The layer's Stop (useChatStop + createChatStopFetch) against the real chat routes: a post the
 * Stop cut short and gave up waiting for is answered late, and its job is aborted then (decision
 * 048) — only that job. A message sent meanwhile from another tab of the same chat runs on: the
 * late abort names the post's user message (`{ messageId }`), where it used to stop every running
 * job of the chat. The tab's post is held until the test lets it through, and the late abort until
 * the other tab's job runs, so the order is the one that went wrong.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ref } from 'vue'
import type { ChatStopMessage } from '../../app/lib/kept-stopped-answers'
import { createChatStopFetch, useChatStop } from '../../app/composables/useChatStop'
import type { ChatStopResult } from '../../app/composables/useChatStop'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const routes = useServedRoutes()

const CHAT = 'two-tabs'
const message = (id: string, text: string): ChatStopMessage => ({ id, role: 'user', parts: [{ type: 'text', text }] })

/** A promise and what settles it. */
function deferred<T = void>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((settle) => {
    resolve = settle
  })
  return { promise, resolve }
}

let app: ComposableApp
/** The late abort came (`promise`); it goes on to the server once `gate` is resolved. */
let lateAbort: { came: ReturnType<typeof deferred<void>>, gate: ReturnType<typeof deferred<void>> }
let abortsSent: number

beforeEach(() => {
  abortsSent = 0
  lateAbort = { came: deferred(), gate: deferred() }
  // The composable's `$fetch`, on the served routes; the second abort (the late one) waits at the gate.
  app = createComposableApp(async (url, options) => {
    const { method = 'GET', body } = (options ?? {}) as { method?: string, body?: unknown }
    if (url.endsWith('/abort') && ++abortsSent === 2) {
      lateAbort.came.resolve()
      await lateAbort.gate.promise
    }
    const response = await fetch(`${routes.base}${url}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) })
    if (!response.ok) throw new Error(`${url}: ${response.status}`)
    return await response.json()
  })
})

afterEach(() => {
  app.dispose()
})

/** The chat's jobs by the user message they answer. */
async function jobsByMessage(): Promise<Map<string, { id: string, status: string }>> {
  const jobs = await routes.engine.listJobs('user-1', { threadId: CHAT })
  return new Map(jobs.map(job => [job.messageId ?? '', { id: job.id, status: job.status }]))
}

/** Posts `body` to the chat route as the SDK does, leaving the answer to run (its response closed once it began). */
async function postFromOtherTab(body: unknown): Promise<void> {
  const closed = new AbortController()
  const response = await fetch(`${routes.base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: closed.signal })
  expect(response.status).toBe(200)
  closed.abort()
}

describe('useChatStop: the late abort of a post it cut short', () => {
  it('stops that post\'s job, not a message another tab sent meanwhile', async () => {
    // Tab 1's post is held until the test lets it reach the server.
    const held = deferred()
    const transport = createChatStopFetch({ fetch: async (input, init) => {
      await held.promise
      return await fetch(`${routes.base}${String(input)}`, init)
    } })
    const first = message('u-tab-1', 'First question')
    const chat = { id: ref(CHAT), messages: ref([first]), status: ref('submitted'), stop: vi.fn(async () => void (chat.status.value = 'ready')) }
    const lateStop = deferred<ChatStopResult>()
    // waitMs 0: the Stop gives up on the held post at once (the test holds it, so it is still unanswered then).
    const { result } = app.mount(() => useChatStop(chat, { fetch: transport, waitMs: 0, reread: () => {}, onStopped: lateStop.resolve }))

    const sdk = new AbortController()
    const sent = transport.fetch('/api/jobs/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: CHAT, messages: [first], trigger: 'submit-message' }), signal: sdk.signal })
    sdk.abort(new DOMException('stopped', 'AbortError'))
    await expect(sent).rejects.toThrow('stopped')
    await result.stop()
    expect(result.stopError.value).toBeInstanceOf(TypeError)
    expect(abortsSent).toBe(1)

    // The post reaches the server late: its job runs, and the Stop's late abort is on its way.
    held.resolve()
    await lateAbort.came.promise
    expect((await jobsByMessage()).get('u-tab-1')?.status).toBe('running')
    // Meanwhile another tab of the chat sends a message of its own.
    await postFromOtherTab({ id: CHAT, messages: [message('u-tab-2', 'Second question')], trigger: 'submit-message' })
    expect((await jobsByMessage()).get('u-tab-2')?.status).toBe('running')

    lateAbort.gate.resolve()
    const { jobs } = await lateStop.promise
    const after = await jobsByMessage()
    expect(jobs.map(({ id, status }) => ({ id, status }))).toEqual([{ id: after.get('u-tab-1')!.id, status: 'aborted' }])
    expect(after.get('u-tab-1')?.status).toBe('aborted')
    expect(after.get('u-tab-2')?.status).toBe('running')
    expect(result.stopError.value).toBeNull()
    await routes.engine.abortJob('user-1', after.get('u-tab-2')!.id)
  })
})
