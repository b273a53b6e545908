/**
 * The engine's thread listing lays the live state of the runs it owns over the stored records,
 * as `listJobs` does: while the store is behind, both report the same status.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobProvider } from '../../server/lib/providers/types'
import type { RunContext } from '../../server/lib/run-context'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'

async function waitLong(context: RunContext) {
  await wait(60_000, context.signal)
}

describe('engine.listThreads', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('reports the live status of a run whose events the store does not hold yet, as listJobs does', async () => {
    let releaseWrites: () => void = () => {}
    const writesHeld = new Promise<void>((resolve) => {
      releaseWrites = resolve
    })
    // Every write waits: the store keeps saying `queued` while the run goes on.
    const holdWrites = (provider: JobProvider): JobProvider => Object.assign(Object.create(provider) as JobProvider, {
      appendEvents: async (...args: Parameters<JobProvider['appendEvents']>) => {
        await writesHeld
        return await provider.appendEvents(...args)
      },
    })
    const { engine, provider } = createTestEngine({ runners: { chat: waitLong }, wrap: holdWrites })
    const { job: older } = await engine.createJob('u1', { request: chatRequest, threadId: 'older' })
    await vi.advanceTimersByTimeAsync(1)
    const { job } = await engine.createJob('u1', { request: chatRequest, threadId: 'live' })
    await vi.advanceTimersByTimeAsync(10)
    expect((await provider.get(job.id))?.status).toBe('queued')

    const listed = async () => {
      const [jobs, page] = [await engine.listJobs('u1'), await engine.listThreads('u1', { limit: 10 })]
      const live = page.threads.find(thread => thread.threadId === 'live')!
      return { listed: jobs.find(summary => summary.id === job.id)!.status, thread: live.lastJob.status, active: live.active, waiting: live.waiting }
    }
    expect(await listed()).toEqual({ listed: 'running', thread: 'running', active: true, waiting: false })

    // The abort answers once the end is stored (it waits with the writes): meanwhile both agree.
    const aborting = engine.abortJob('u1', job.id)
    await vi.advanceTimersByTimeAsync(10)
    const during = await listed()
    expect(during.thread).toBe(during.listed)
    expect((await engine.listThreads('u2', { limit: 10 })).threads).toEqual([])

    releaseWrites()
    await aborting
    expect(await listed()).toEqual({ listed: 'aborted', thread: 'aborted', active: false, waiting: false })
    await engine.abortJob('u1', older.id)
    await engine.whenSettled(job.id)
    await engine.whenSettled(older.id)
    await engine.dispose()
  })
})

describe('engine.listThreads paging (docs/hooks.md)', () => {
  it('takes the `next` it answered back as `before`: the older page, not an empty one', async () => {
    const { engine } = createTestEngine({ runners: { chat: async () => {} } })
    // Created in one millisecond or not, threads of equal time are ordered by id, descending.
    for (const threadId of ['t-a', 't-b', 't-c']) {
      const { job } = await engine.createJob('u1', { request: chatRequest, threadId })
      await engine.whenSettled(job.id)
    }
    const first = await engine.listThreads('u1', { limit: 2 })
    expect(first.threads.map(thread => thread.threadId)).toEqual(['t-c', 't-b'])
    expect(typeof first.next).toBe('string')
    const second = await engine.listThreads('u1', { limit: 2, before: first.next })
    expect(second.threads.map(thread => thread.threadId)).toEqual(['t-a'])
    expect(second.next).toBeNull()
    // The decoded position still works, and a string it did not make is a 400 naming `before`.
    await expect(engine.listThreads('u1', { limit: 2, before: 'nonsense' })).rejects.toMatchObject({ name: 'InvalidRequestError', statusCode: 400, message: expect.stringContaining('before:') })
  })
})

describe('engine list limits (docs/hooks.md)', () => {
  it('a limit that is not a whole number of at least 1 is an InvalidRequestError naming it, not a crash or a page that claims the end', async () => {
    const { engine } = createTestEngine({ runners: { chat: async () => {} } })
    for (const threadId of ['t-a', 't-b']) {
      const { job } = await engine.createJob('u1', { request: chatRequest, threadId })
      await engine.whenSettled(job.id)
    }
    const refused = { name: 'InvalidRequestError', statusCode: 400, message: expect.stringMatching(/^limit: must be a whole number of at least 1/) }
    for (const limit of [0, -1, 2.5, Number.NaN]) {
      // listJobPage(2.5) threw a TypeError; listThreads(0) answered no threads and `next: null`.
      await expect(engine.listThreads('u1', { limit })).rejects.toMatchObject(refused)
      await expect(engine.listJobPage('u1', { limit })).rejects.toMatchObject(refused)
      await expect(engine.listJobs('u1', { limit })).rejects.toMatchObject(refused)
    }
    expect((await engine.listJobPage('u1', { limit: 1 })).jobs).toHaveLength(1)
    expect((await engine.listThreads('u1', { limit: 1 })).threads).toHaveLength(1)
  })
})

describe('engine.listJobPage paging (docs/hooks.md)', () => {
  it('takes the `next` it answered back as `before`, null included (the first page), and pages to the end', async () => {
    const { engine } = createTestEngine({ runners: { chat: async () => {} } })
    for (const threadId of ['t-a', 't-b', 't-c']) {
      const { job } = await engine.createJob('u1', { request: chatRequest, threadId })
      await engine.whenSettled(job.id)
    }
    const seen: (string | null)[] = []
    // `next` is `JobListBound | null`: passed on as it came (it did not type-check: `before` took no null).
    let page = await engine.listJobPage('u1', { limit: 2, before: null })
    seen.push(...page.jobs.map(job => job.threadId))
    while (page.next) {
      page = await engine.listJobPage('u1', { limit: 2, before: page.next })
      seen.push(...page.jobs.map(job => job.threadId))
    }
    expect(seen.sort()).toEqual(['t-a', 't-b', 't-c'])
    expect(await engine.listJobs('u1', { before: page.next })).toHaveLength(3)
  })
})
