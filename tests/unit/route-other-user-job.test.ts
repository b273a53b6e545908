/**
 * Every route that names a job or a chat answers another user's the same as one that does not
 * exist: the same status, headers that matter and body (with the id in place of the other), and
 * the other user's job is left as it was. A table over all of them, so a new route is added here.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { nitroRuntime } from '../support/nitro-runtime-mock'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes()

afterEach(() => {
  nitroRuntime.userId = 'user-1'
})

const requests: Array<[method: string, path: string, body?: unknown]> = [
  ['GET', '/api/jobs/JOB'],
  ['HEAD', '/api/jobs/JOB'],
  ['DELETE', '/api/jobs/JOB'],
  ['POST', '/api/jobs/JOB/abort'],
  ['POST', '/api/jobs/JOB/input', { requestId: 'r1', answer: true }],
  ['GET', '/api/jobs/JOB/stream'],
  ['HEAD', '/api/jobs/JOB/stream'],
  ['GET', '/api/jobs?threadId=THREAD'],
  ['HEAD', '/api/jobs?threadId=THREAD'],
  ['DELETE', '/api/jobs?threadId=THREAD'],
  ['PATCH', '/api/jobs/threads/THREAD', { title: 'Mine now' }],
  ['POST', '/api/jobs/chat/THREAD/abort'],
  // The abort of one message's answer (a Stop's late abort): the job's turn is `<jobId>:user`.
  ['POST', '/api/jobs/chat/THREAD/abort', { messageId: 'JOB:user' }],
  ['GET', '/api/jobs/chat/THREAD/messages'],
  ['GET', '/api/jobs/chat/THREAD/stream'],
  ['HEAD', '/api/jobs/chat/THREAD/stream'],
  // The AI SDK posting tool approvals answered on the job's message, in the chat.
  ['POST', '/api/jobs/chat', { id: 'THREAD', messageId: 'JOB', messages: [
    { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'hi' }] },
    { id: 'JOB', role: 'assistant', parts: [{ type: 'tool-delete_file', toolCallId: 'c1', state: 'approval-responded', approval: { id: 'r1', approved: true } }] },
  ] }],
]

async function answer(method: string, path: string, body: unknown, ids: { job: string, thread: string }) {
  const response = await fetch(`${app.base}${path.replace('JOB', ids.job).replace('THREAD', ids.thread)}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body).replaceAll('JOB', ids.job).replaceAll('THREAD', ids.thread) } : {}),
  })
  const text = method === 'HEAD' ? '' : await response.text()
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text: text.replaceAll(ids.job, 'JOB').replaceAll(ids.thread, 'THREAD').replace(/"serverTime":\d+/, '"serverTime":0'),
  }
}

describe('another user\'s job or chat answers as a missing one', () => {
  it.each(requests)('%s %s', async (method, path, body) => {
    const { job } = await app.engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] }, threadId: 'owned-thread' })
    nitroRuntime.userId = 'user-2'
    const forOthers = await answer(method, path, body, { job: job.id, thread: 'owned-thread' })
    const forMissing = await answer(method, path, body, { job: 'no-such-job', thread: 'no-such-thread' })
    expect(forOthers).toEqual(forMissing)
    expect((await app.engine.getJob('user-1', job.id)).state.status).toBe('running')
    await app.engine.abortJob('user-1', job.id)
  })
})

describe('a thread id another user holds', () => {
  it('is a thread of the poster\'s own: neither user sees the other\'s jobs in it', async () => {
    const { job } = await app.engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] }, threadId: 'shared-name' })
    nitroRuntime.userId = 'user-2'
    const posted = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'mine' }], threadId: 'shared-name' }) })
    expect(posted.status).toBe(202)
    const { id } = await posted.json() as { id: string }
    const ids = async () => ((await (await fetch(`${app.base}/api/jobs?threadId=shared-name`)).json()) as { jobs: Array<{ id: string }> }).jobs.map(each => each.id)
    expect(await ids()).toEqual([id])
    nitroRuntime.userId = 'user-1'
    expect(await ids()).toEqual([job.id])
    await app.engine.abortJob('user-1', job.id)
    await app.engine.abortJob('user-2', id)
  })
})
