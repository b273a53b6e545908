/**
 * A listing (`jobPages:page`, `threads:listThreads`) and a route's ownership check
 * (`jobs:getListed`) send a chat's request with its last user message only, but they read the
 * whole request document (up to 1 MB: an AI SDK chat's whole history, in every turn) inside the
 * deployment to cut it down: what left the deployment was small, the database bandwidth of every
 * check, reconnect and listing was not. A chat's listed request is now stored in a document of
 * its own at creation (`listedRequests`) and read in its place; jobs stored before it existed are
 * still read from their whole request. Run here at a lowered transaction read limit (300 KB) that
 * the 900 KB history alone passes.
 */
import { describe, expect, it } from 'vitest'
import type { ChatMessage } from '../../server/lib/providers/types'
import { summarize } from '../../server/lib/job-summary'
import { createBackend, createInstance, endEvent, newJob, statusEvent } from './backend'

const history: ChatMessage[] = [{ role: 'user', content: 'h'.repeat(450_000) }, { role: 'assistant', content: 'a'.repeat(450_000) }]

describe('convex listed requests and a long chat\'s history', () => {
  it('a route\'s ownership check and the listings do not read the whole history of a new chat job', async () => {
    const backend = createBackend({ bytesRead: 300_000 })
    const { provider } = createInstance(backend)
    const job = newJob({ id: 'long-chat', userId: 'u1', threadId: 't1', request: { type: 'chat', messages: [...history, { role: 'user', content: 'Latest' }], model: 'm' } })
    await provider.create(job)

    const listed = await provider.getListed!(job.id, { userId: 'u1' })
    expect(listed?.request).toEqual({ type: 'chat', messages: [{ role: 'user', content: 'Latest' }], model: 'm' })
    expect((await provider.list({ userId: 'u1' })).map(record => summarize(record).prompt)).toEqual(['Latest'])
    const { threads } = await provider.listThreads({ userId: 'u1', limit: 10 })
    expect(threads.map(thread => summarize(thread.last).prompt)).toEqual(['Latest'])
    expect(await provider.getListed!(job.id, { userId: 'someone-else' })).toBeNull()
  })

  it('a job stored before listed requests existed is still listed from its whole request, and deletion leaves no listed request behind', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    await backend.run(async (ctx) => {
      await ctx.db.insert('jobs', { jobId: 'old-chat', userId: 'u1', type: 'chat', status: 'queued', threadId: null, messageId: null, idempotencyKey: null, title: 'old', createdAt: 500, updatedAt: 500, endedAt: null, lastSeq: 0, changedAt: 500 })
      await ctx.db.insert('jobRequests', { jobId: 'old-chat', requestJson: JSON.stringify({ type: 'chat', messages: [{ role: 'user', content: 'First' }, { role: 'assistant', content: 'Hi' }, { role: 'user', content: 'Second' }] }) })
    })
    expect((await provider.getListed!('old-chat'))?.request).toEqual({ type: 'chat', messages: [{ role: 'user', content: 'Second' }] })
    expect((await provider.list({ userId: 'u1' })).map(record => summarize(record).prompt)).toEqual(['Second'])
    // The whole request is still there for `get`.
    const whole = await provider.get('old-chat')
    expect(whole?.request.type === 'chat' && whole.request.messages.length).toBe(3)

    const listedIds = async () => await backend.run(async ctx => (await ctx.db.query('listedRequests').collect()).map(row => row.jobId))
    // A chat that is mostly its last message is not stored twice.
    const mostlyLast = newJob({ userId: 'u1', request: { type: 'chat', messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }, { role: 'user', content: 'p'.repeat(10_000) }] } })
    await provider.create(mostlyLast)
    expect(await listedIds()).toEqual([])
    expect((await provider.getListed!(mostlyLast.id))?.request).toEqual({ type: 'chat', messages: [{ role: 'user', content: 'p'.repeat(10_000) }] })

    const job = newJob({ userId: 'u1', request: { type: 'chat', messages: [{ role: 'user', content: 'One'.repeat(100) }, { role: 'assistant', content: 'Two'.repeat(100) }, { role: 'user', content: 'Three' }] } })
    await provider.create(job)
    expect(await listedIds()).toEqual([job.id])
    await provider.appendEvents(job.id, [statusEvent(1, 'running'), endEvent(2, 'completed')], { epoch: 1 })
    expect((await provider.get(job.id))?.request).toEqual(job.request)
    expect(await provider.deleteJob!(job.id)).toBe('deleted')
    expect(await listedIds()).toEqual([])
  })
})
