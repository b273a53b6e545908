/**
 * The memory thread index keeps each user's threads in listing order as jobs come and go (a new job
 * moves its thread up, deleting a thread's newest job moves it down), so a page of threads is a
 * walk from the cursor, never a sort of all of the user's threads. Checked against a brute-force
 * listing over seeded random creates and deletions, with every page size and cursor.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createThreadIndex } from '../../server/lib/providers/memory-threads'
import { compareThreads } from '../../server/lib/providers/thread-order'
import type { ThreadCursor } from '../../server/lib/providers/types'
import { createRandom } from '../support/fuzz-random'

interface Job {
  id: string
  userId: string
  threadId: string
  createdAt: number
}

/** The listing computed from scratch: every thread of the user, sorted. */
function bruteForce(jobs: Job[], userId: string) {
  const threads = new Map<string, Job[]>()
  for (const job of jobs.filter(job => job.userId === userId)) threads.set(job.threadId, [...threads.get(job.threadId) ?? [], job])
  const order = (a: Job, b: Job) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  return [...threads].map(([threadId, own]) => {
    const sorted = own.sort(order)
    return { threadId, newestAt: sorted.at(-1)!.createdAt, firstId: sorted[0]!.id, lastId: sorted.at(-1)!.id }
  }).sort(compareThreads)
}

/** Every page of the index's listing, `limit` at a time, as one list. */
function allPages(index: ReturnType<typeof createThreadIndex>, jobs: Job[], userId: string, limit: number) {
  const listed: Array<{ threadId: string, firstId: string, lastId: string }> = []
  let before: ThreadCursor | undefined
  for (;;) {
    const page = index.page(userId, limit, before)
    listed.push(...page.threads)
    if (!page.more) return listed
    const last = page.threads.at(-1)!
    before = { threadId: last.threadId, newestAt: jobs.find(job => job.id === last.lastId)!.createdAt }
  }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('memory thread index order', () => {
  it.each([1, 2, 3])('pages match a brute-force listing through random creates and deletions (seed %i)', (seed) => {
    const random = createRandom(seed)
    const index = createThreadIndex()
    const jobs: Job[] = []
    let clock = 1_000
    for (let step = 0; step < 400; step++) {
      if (jobs.length > 0 && random.chance(0.35)) {
        const job = jobs.splice(random.int(0, jobs.length - 1), 1)[0]!
        index.remove(job)
      }
      else {
        // Several jobs per millisecond at times, and out of id order, so ties are ordered by id.
        if (random.chance(0.6)) clock += random.int(1, 3)
        const job = { id: `job-${random.int(0, 1e6)}-${step}`, userId: random.pick(['ann', 'bob']), threadId: `t${random.int(0, 12)}`, createdAt: clock }
        jobs.push(job)
        index.add({ ...job })
      }
      if (step % 20 === 19) {
        for (const userId of ['ann', 'bob']) {
          const expected = bruteForce(jobs, userId).map(({ threadId, firstId, lastId }) => ({ threadId, firstId, lastId }))
          for (const limit of [1, 4, 100]) expect(allPages(index, jobs, userId, limit), `step ${step}, ${userId}, limit ${limit}`).toEqual(expected)
        }
      }
    }
    for (const job of jobs.splice(0)) index.remove(job)
    expect(index.size()).toBe(0)
    expect(index.page('ann', 10, undefined)).toEqual({ threads: [], more: false })
  })

  it('reads a page without sorting the user\'s threads', () => {
    const index = createThreadIndex()
    for (let thread = 0; thread < 200; thread++) index.add({ id: `job-${thread}`, userId: 'ann', threadId: `t${thread}`, createdAt: 1_000 + (thread * 7919) % 200 })
    // Both ways an array sorts: toSorted does not go through sort.
    const sort = vi.spyOn(Array.prototype, 'sort')
    const toSorted = vi.spyOn(Array.prototype, 'toSorted')
    const page = index.page('ann', 5, undefined)
    expect(sort).not.toHaveBeenCalled()
    expect(toSorted).not.toHaveBeenCalled()
    expect(page.more).toBe(true)
    expect(page.threads.map(thread => thread.threadId)).toEqual(bruteForce(
      Array.from({ length: 200 }, (_, thread) => ({ id: `job-${thread}`, userId: 'ann', threadId: `t${thread}`, createdAt: 1_000 + (thread * 7919) % 200 })),
      'ann',
    ).slice(0, 5).map(thread => thread.threadId))
  })
})
