/**
 * Deleting a conversation (`engine.deleteThread`, `DELETE /api/jobs?threadId=`): every ended job of
 * the user's thread goes in one request — one count against `limits.deletePerMinute` however many
 * turns — a job still going stays and is named, and other threads and other users' jobs are left.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RateLimitError } from '../../server/lib/errors'
import { THREAD_DELETE_MAX } from '../../server/lib/job-deletion'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'

/** An engine whose chats answer at once, except those whose prompt is `hold` (they run until aborted). */
function threadEngine(deletePerMinute: number) {
  return createTestEngine({
    config: { limits: { deletePerMinute, createPerMinute: 0 } },
    runners: {
      async chat(context, request) {
        const prompt = request.messages.at(-1)!.content
        context.text(`answer to ${prompt}`)
        if (prompt === 'hold') await wait(60 * 60_000, context.signal)
      },
    },
  })
}

async function finished(made: ReturnType<typeof threadEngine>, userId: string, threadId: string, prompt = 'hi') {
  const { job } = await made.engine.createJob(userId, { request: { ...chatRequest, messages: [{ role: 'user', content: prompt }] }, threadId })
  if (prompt !== 'hold') await made.engine.whenSettled(job.id)
  return job.id
}

describe('deleting a thread', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('deletes every ended job of the thread in one counted request, names the running one, leaves other threads and users', async () => {
    const made = threadEngine(1)
    const { engine, provider } = made
    const mine = []
    for (let index = 0; index < 5; index++) mine.push(await finished(made, 'u1', 't1'))
    const running = await finished(made, 'u1', 't1', 'hold')
    const otherThread = await finished(made, 'u1', 't2')
    const otherUser = await finished(made, 'u2', 't1')
    const notes: Array<{ type: string, jobId: string, threadId: string | null }> = []
    const detach = engine.attachNotifications('u1', { send: note => notes.push({ type: note.type, jobId: note.jobId, threadId: note.threadId }), comment() {}, close() {} }, null)

    const result = await engine.deleteThread('u1', 't1')
    expect(result.deleted.sort()).toEqual([...mine].sort())
    expect(result.active).toEqual([running])
    expect(result.more).toBe(false)
    for (const id of mine) expect(await provider.get(id)).toBeNull()
    expect(await provider.get(running)).not.toBeNull()
    expect(await provider.get(otherThread)).not.toBeNull()
    expect(await provider.get(otherUser)).not.toBeNull()
    expect(notes.filter(note => note.type === 'job-deleted').map(note => note.jobId).sort()).toEqual([...mine].sort())
    expect(notes.every(note => note.type !== 'job-deleted' || note.threadId === 't1')).toBe(true)

    // One request counted: the limit of 1 per minute refuses the next, whatever it deletes.
    await expect(engine.deleteThread('u1', 't2')).rejects.toBeInstanceOf(RateLimitError)
    detach()
    await engine.abortJob('u1', running)
    await engine.whenSettled(running)
    await vi.advanceTimersByTimeAsync(60_000)
    const second = await engine.deleteThread('u1', 't1')
    expect(second).toEqual({ deleted: [running], active: [], more: false })
    await engine.dispose()
  })

  it('another user\'s thread, or an unknown one, deletes nothing', async () => {
    const made = threadEngine(0)
    const theirs = await finished(made, 'u2', 't1')
    expect(await made.engine.deleteThread('u1', 't1')).toEqual({ deleted: [], active: [], more: false })
    expect(await made.engine.deleteThread('u1', 'nope')).toEqual({ deleted: [], active: [], more: false })
    expect(await made.provider.get(theirs)).not.toBeNull()
    await made.engine.dispose()
  })

  it('deletes a thread longer than a list page, and says `more` past the most one request deletes', async () => {
    const made = threadEngine(0)
    const count = THREAD_DELETE_MAX + 3
    for (let index = 0; index < count; index++) await finished(made, 'u1', 'long')
    const first = await made.engine.deleteThread('u1', 'long')
    expect(first.deleted).toHaveLength(THREAD_DELETE_MAX)
    expect(first.more).toBe(true)
    const second = await made.engine.deleteThread('u1', 'long')
    expect(second).toMatchObject({ active: [], more: false })
    expect(second.deleted).toHaveLength(3)
    expect(await made.provider.list({ userId: 'u1', threadId: 'long', limit: 200 })).toEqual([])
    await made.engine.dispose()
  })
})
