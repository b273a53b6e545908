/**
 * A listing reads a job's summary, not its whole request: an AI SDK chat stores its history in
 * every turn's request (up to `maxRequestBytes`), so reading whole records made one list page of a
 * long chat carry tens of MB from Redis. The bytes Redis sends (its `total_net_output_bytes`) for a
 * list page must not grow with the requests; `get` still returns the whole request, and records
 * stored before the request had its own field (`request` inside `meta`) still read everywhere.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import type { ChatMessage } from '../../server/lib/providers/job-request'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { redisSentBytes } from '../support/redis-sent-bytes'
import { newJob, START_MS } from './contract-fixtures'

const redis = useRedisServer()

let prefixes = 0

async function setUp() {
  const keyPrefix = `listed-requests-${++prefixes}:`
  const provider = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
  await provider.ready()
  const { admin, sentBytes } = await redisSentBytes(redis.url)
  onTestFinished(async () => {
    await provider.dispose()
  })
  return { provider, admin, keyPrefix, sentBytes }
}

/** A chat's history as an AI SDK chat stores it in a turn's request: `turns` turns of `size` chars each. */
function history(turns: number, size: number, last: string): ChatMessage[] {
  const messages: ChatMessage[] = []
  for (let turn = 0; turn < turns; turn++) {
    messages.push({ role: 'user', content: `question ${turn} ${'q'.repeat(size)}` }, { role: 'assistant', content: 'a'.repeat(size) })
  }
  messages.push({ role: 'user', content: last })
  return messages
}

describe('redis provider: listings read no whole requests', () => {
  it('sends a list page and a thread page of a long chat in bytes that do not grow with its history', async () => {
    const { provider, sentBytes } = await setUp()
    const jobs = 20
    // ~200 KB of history per turn: 4 MB in all.
    for (let index = 0; index < jobs; index++) {
      const request = { type: 'chat' as const, messages: history(10, 10_000, `turn ${index}`), model: 'm', promptMetadata: { index } }
      await provider.create(newJob({ id: `job-${String(index).padStart(2, '0')}`, userId: 'u1', threadId: 'chat-1', createdAt: START_MS + index, request }))
    }
    const before = await sentBytes()
    const page = await provider.list({ userId: 'u1', threadId: 'chat-1', limit: jobs })
    const listed = await sentBytes() - before
    expect(page).toHaveLength(jobs)
    expect(listed).toBeLessThan(60_000)
    // What a listing needs is there: the last user message and its metadata, the model.
    expect(page[0]!.request).toMatchObject({ type: 'chat', messages: [{ role: 'user', content: `turn ${jobs - 1}` }], model: 'm', promptMetadata: { index: jobs - 1 } })

    const threadsBefore = await sentBytes()
    const threads = await provider.listThreads({ userId: 'u1', limit: 10 })
    expect(await sentBytes() - threadsBefore).toBeLessThan(30_000)
    expect(threads.threads.map(thread => [thread.first.id, thread.last.id])).toEqual([['job-00', `job-${jobs - 1}`]])

    // `get` returns the whole request.
    const full = await provider.get('job-05')
    expect(full!.request).toEqual({ type: 'chat', messages: history(10, 10_000, 'turn 5'), model: 'm', promptMetadata: { index: 5 } })
  })

  it('reads a record stored with its request inside `meta` (before the request had its own field)', async () => {
    const { provider, admin, keyPrefix } = await setUp()
    const request = { type: 'chat' as const, messages: history(2, 10, 'old question'), model: 'm' }
    const meta = { userId: 'u1', type: 'chat', threadId: 'chat-old', messageId: 'msg-1', idempotencyKey: null, title: 'Old', request, createdAt: START_MS }
    await admin.hSet(`${keyPrefix}job:old-1`, {
      meta: JSON.stringify(meta), userId: 'u1', idem: '', status: 'completed', createdAt: String(START_MS),
      updatedAt: String(START_MS + 5), endedAt: String(START_MS + 5), lastSeq: '0', controls: '0', threadId: 'chat-old',
    })
    await admin.zAdd(`${keyPrefix}user:u1`, { score: START_MS, value: 'old-1' })
    await admin.zAdd(`${keyPrefix}thread:u1\u0000chat-old`, { score: START_MS, value: 'old-1' })
    await admin.zAdd(`${keyPrefix}threads:u1`, { score: START_MS, value: 'chat-old' })
    await admin.sAdd(`${keyPrefix}threads-indexed`, 'u1')
    const expected = { id: 'old-1', ...meta, status: 'completed', updatedAt: START_MS + 5, endedAt: START_MS + 5, lastSeq: 0, lease: null }

    expect(await provider.get('old-1')).toEqual(expected)
    expect(await provider.list({ userId: 'u1' })).toEqual([expected])
    expect(await provider.list({ userId: 'u1', threadId: 'chat-old', status: ['completed'] })).toEqual([expected])
    const { threads } = await provider.listThreads({ userId: 'u1', limit: 10 })
    expect(threads).toEqual([{ threadId: 'chat-old', first: expected, last: expected, active: [] }])
  })
})
