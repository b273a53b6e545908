/**
 * The main chat's Retry (and Regenerate) the server refused (a 429 at the per-user limit, a 503) or
 * that reached no server said "…your message wasn’t sent", a new message's words, under a turn
 * whose message was sent long before and whose answer is still shown. It says the answer was not
 * retried now, as the /ai-sdk page's refused Retry does (demo-ai-sdk-retry-kept.test.ts); a new
 * message refused still says it was not sent. `useThreadSend` with a `start` that is refused.
 */
import * as vue from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ThreadJob } from '../../demo/app/lib/known-jobs'
import { useThreadSend } from '../../demo/app/composables/useThreadSend'

beforeEach(() => {
  vi.stubGlobal('ref', vue.ref)
})
afterEach(() => {
  vi.unstubAllGlobals()
})

/** A thread with one stopped turn, `job-1`, whose every start is refused with `failure`. */
function refusedThread(failure: unknown) {
  const composerError = vue.ref<string | null>(null)
  const turn = { id: 'job-1', type: 'chat', status: 'aborted', threadId: 't1', messageId: 'm1', prompt: 'Hello', createdAt: 1, updatedAt: 2, endedAt: 2, lastSeq: 3 } as unknown as ThreadJob
  const { send } = useThreadSend({
    threadId: 't1',
    start: async () => {
      throw failure
    },
    catalog: vue.ref(null),
    turns: vue.ref([turn]),
    threadJobs: vue.ref([]),
    hasEarlier: vue.ref(false),
    listPage: async () => ({ jobs: [], next: null }),
    outOfHistory: vue.ref(new Map()),
    reports: { 'job-1': { answer: 'Once', status: 'aborted' } as never },
    hold: vue.ref(null),
    useTools: vue.ref(true),
    composerError,
    scrollToBottom: () => {},
    onStarted: () => {},
  })
  return { send, composerError }
}

describe('main chat: a refused Retry', () => {
  const refusals: Array<[string, unknown, string]> = [
    ['a 503', Object.assign(new Error('[POST] "/api/jobs": 503'), { statusCode: 503 }), 'The server had a problem — the answer wasn’t retried. Try again.'],
    ['a 429 at the per-user limit', Object.assign(new Error('429'), { statusCode: 429, data: { message: 'You already have 1 jobs running (limits.maxConcurrentJobsPerUser)' } }), 'Too many of your answers are running or waiting for you at once — the answer wasn’t retried. Wait for one to finish, answer or stop one, then try again.'],
    ['no server reached', new Error('[POST] "/api/jobs": <no response> Failed to fetch'), 'Couldn’t reach the server — the answer wasn’t retried. Try again.'],
  ]
  for (const [name, failure, said] of refusals) {
    it(`after ${name} says the answer was not retried`, async () => {
      const { send, composerError } = refusedThread(failure)
      expect(await send('Hello', 'job-1')).toBe(false)
      expect(composerError.value).toBe(said)
    })
  }

  it('leaves a new message refused saying it was not sent', async () => {
    const { send, composerError } = refusedThread(Object.assign(new Error('503'), { statusCode: 503 }))
    expect(await send('Something else')).toBe(false)
    expect(composerError.value).toBe('The server had a problem — your message wasn’t sent. Try again.')
  })
})
