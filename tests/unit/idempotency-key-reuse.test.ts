/**
 * `POST /api/jobs` with an `Idempotency-Key` already used for a different request is refused (422
 * naming the header), instead of answered `200` with the first request's job as if it were a retry:
 * a client that reused a key (a bug, a key derived from too little) got another prompt's answer.
 * A real retry — the same body, in any key order, with keys the route drops — still gets the job back.
 */
import { describe, expect, it, vi } from 'vitest'
import { useServedRoutes } from '../support/route-app'
import { z } from 'zod'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const echo = { name: 'echo', description: 'says its topic', input: z.object({ topic: z.string() }), nodes: { done: { kind: 'output', value: 'ok' } }, edges: [] }

const app = useServedRoutes({ workflows: createWorkflowRegistry([echo]) })

async function post(key: string, body: unknown) {
  const response = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body) })
  return { status: response.status, body: await response.json() as { id?: string, created?: boolean, message?: string } }
}

const chat = { messages: [{ role: 'user', content: 'What time is it?' }], threadId: 't-1' }

describe('an Idempotency-Key used again', () => {
  it('with the same request (any key order, dropped keys aside) is a retry: the same job', async () => {
    const first = await post('retry-key', chat)
    expect(first).toMatchObject({ status: 202, body: { created: true } })
    const again = await post('retry-key', { threadId: 't-1', extra: 'dropped', messages: [{ content: 'What time is it?', role: 'user' }] })
    expect(again).toEqual({ status: 200, body: expect.objectContaining({ id: first.body.id, created: false }) })
  })

  const changed: Array<[string, unknown]> = [
    ['another prompt', { ...chat, messages: [{ role: 'user', content: 'Delete my files' }] }],
    ['another thread', { ...chat, threadId: 't-2' }],
    ['tools chosen', { ...chat, tools: [] }],
    ['a workflow instead', { workflow: 'echo', input: { topic: 'cats' } }],
  ]
  it.each(changed)('with %s is a 422 naming the header, and starts nothing', async (_case, body) => {
    const first = await post(`key-${_case}`, chat)
    expect(first.status).toBe(202)
    const jobs = async () => ((await (await fetch(`${app.base}/api/jobs?limit=200`)).json()) as { jobs: unknown[] }).jobs.length
    const before = await jobs()
    const reused = await post(`key-${_case}`, body)
    expect(reused.status).toBe(422)
    expect(await jobs()).toBe(before)
    expect(reused.body.message).toBe(`Idempotency-Key "key-${_case}" was already used for a different request (job ${first.body.id}): send a new key with a new request`)
  })

  it('for a workflow with another input is a 422 too', async () => {
    expect((await post('wf-key', { workflow: 'echo', input: { topic: 'cats' } })).status).toBe(202)
    expect((await post('wf-key', { workflow: 'echo', input: { topic: 'cats' } })).status).toBe(200)
    expect((await post('wf-key', { workflow: 'echo', input: { topic: 'dogs' } })).status).toBe(422)
  })

  it('of another user is another key', async () => {
    // Scoped per user as before: checked through the engine, which the route calls per user.
    const { job } = await app.engine.createJob('user-2', { request: { type: 'chat', messages: [{ role: 'user', content: 'other user' }] }, idempotencyKey: 'shared-key' })
    const mine = await post('shared-key', chat)
    expect(mine).toMatchObject({ status: 202, body: { created: true } })
    expect(mine.body.id).not.toBe(job.id)
  })
  it('from server code (createJob) is held to what a route could send: no NUL, at most 200 characters', async () => {
    // The providers index keys as `<userId>\0<key>`: user `a`'s key `b\0c` was user `a\0b`'s key `c`.
    const start = (userId: string, idempotencyKey: string) => app.engine.createJob(userId, { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] }, idempotencyKey })
    await expect(start('a', 'b\u0000c')).rejects.toThrow('idempotencyKey: must not contain NUL (found U+0000 at index 1)')
    await expect(start('a', 'k'.repeat(201))).rejects.toThrow('idempotencyKey: must be at most 200 characters (got 201)')
    // Nor may the user id hold one (user-id.ts): user `a\0b` is refused, naming userId.
    await expect(start('a\u0000b', 'c')).rejects.toThrow('userId: an id with a control character')
    const { job, created } = await start('a', 'c')
    expect(created).toBe(true)
    expect((await start('a', 'c')).job.id).toBe(job.id)
  })
})
