/**
 * `POST /api/jobs/chat/:chatId/abort` with `{ messageId }` (chat-abort-body.ts): only the chat's
 * jobs that answer that user message are aborted — the late abort of a post a Stop cut short
 * (decision 048) must not stop a message sent meanwhile from another tab of the chat. A bad
 * `messageId` is a 400 naming it; no body stops the whole chat, as before. Real routes, memory store.
 */
import { describe, expect, it, vi } from 'vitest'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes()

/** A running chat job of `user-1` in `chatId` answering user message `messageId`. */
async function turn(chatId: string, messageId?: string): Promise<string> {
  const { job } = await app.engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] }, threadId: chatId, ...(messageId ? { messageId } : {}) })
  return job.id
}

async function abort(chatId: string, body?: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const response = await fetch(`${app.base}/api/jobs/chat/${chatId}/abort`, { method: 'POST', headers, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) })
  const answer = await response.json() as { jobs?: Array<{ id: string, status: string }>, message?: string }
  // The jobs as `useChatStop` reads them: id and status.
  return { status: response.status, body: answer.jobs ? { jobs: answer.jobs.map(({ id, status }) => ({ id, status })) } : answer }
}

const statusOf = async (id: string) => (await app.engine.getJob('user-1', id)).state.status

describe('POST /api/jobs/chat/:chatId/abort { messageId }', () => {
  it('aborts the job answering that message, not another tab\'s newer one', async () => {
    const cutShort = await turn('two-tabs', 'u-first')
    const otherTab = await turn('two-tabs', 'u-other-tab')
    const answer = await abort('two-tabs', { messageId: 'u-first' })
    expect(answer).toEqual({ status: 200, body: { jobs: [{ id: cutShort, status: 'aborted' }] } })
    expect(await statusOf(cutShort)).toBe('aborted')
    expect(await statusOf(otherTab)).toBe('running')
    await app.engine.abortJob('user-1', otherTab)
  })

  it('finds a turn started without a message id by the id the messages route gives it (<jobId>:user)', async () => {
    const job = await turn('unnamed-turn')
    expect((await abort('unnamed-turn', { messageId: `${job}:user` })).body.jobs).toEqual([{ id: job, status: 'aborted' }])
  })

  it('stops nothing for a message no running job answers', async () => {
    const job = await turn('other-message', 'u1')
    expect(await abort('other-message', { messageId: 'u2' })).toEqual({ status: 200, body: { jobs: [] } })
    expect(await statusOf(job)).toBe('running')
    await app.engine.abortJob('user-1', job)
  })

  it('without a body (or without messageId) aborts every running job of the chat, as before', async () => {
    const jobs = [await turn('whole-chat', 'u1'), await turn('whole-chat', 'u2')]
    expect((await abort('whole-chat', undefined, {})).body.jobs?.map(job => job.id).sort()).toEqual([...jobs].sort())
    const more = [await turn('whole-chat', 'u3'), await turn('whole-chat', 'u4')]
    expect((await abort('whole-chat', {})).body.jobs?.map(job => job.id).sort()).toEqual([...more].sort())
  })

  it.each([
    [{ messageId: '' }, 400, /^messageId: must not be empty/],
    [{ messageId: 7 }, 400, /^messageId: must be a string/],
    [{ messageId: 'x'.repeat(201) }, 400, /^messageId: must be at most 200 characters/],
    [[], 400, /^body: /],
    ['{', 400, /^body: is not valid JSON/],
  ])('refuses %j with a %i naming the problem, stopping nothing', async (body, status, message) => {
    const job = await turn('bad-body', 'u1')
    const answer = await abort('bad-body', body)
    expect(answer.status).toBe(status)
    expect(answer.body.message).toMatch(message)
    expect(await statusOf(job)).toBe('running')
    await app.engine.abortJob('user-1', job)
  })

  it('refuses a body that is not JSON (415)', async () => {
    const job = await turn('text-body', 'u1')
    expect((await abort('text-body', 'u1', { 'content-type': 'text/plain' })).status).toBe(415)
    expect(await statusOf(job)).toBe('running')
    await app.engine.abortJob('user-1', job)
  })
})
