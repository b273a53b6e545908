/**
 * The demo sidebar's list (demo/app/lib/sidebar-threads.ts): the server's pages in their order,
 * a thread read twice kept once, and the threads this browser remembers merged in by time, only
 * down to the oldest page loaded until every page is.
 */
import { describe, expect, it } from 'vitest'
import type { JobSummary, ThreadSummary } from '../../app/lib/api-types'
import { givenThreadTitle, joinThreadPages, sidebarThreads } from '../../demo/app/lib/sidebar-threads'

const job = (id: string, threadId: string, createdAt: number, status: JobSummary['status'] = 'completed'): JobSummary =>
  ({ id, type: 'chat', status, threadId, messageId: null, title: `**Title** of ${id}`, createdAt, updatedAt: createdAt + 5, endedAt: createdAt + 5, lastSeq: 3 })
const thread = (threadId: string, newestAt: number, options: Partial<ThreadSummary> = {}): ThreadSummary =>
  ({ threadId, title: `**${threadId}**`, createdAt: 1, lastJob: job(`last-${threadId}`, threadId, newestAt), active: false, waiting: false, renamed: false, ...options })

describe('sidebar threads', () => {
  it('joins pages in order, keeping the first entry of a thread read twice', () => {
    const joined = joinThreadPages([[thread('a', 30), thread('b', 20)], [thread('b', 20), thread('c', 10)]])
    expect(joined.map(listed => listed.threadId)).toEqual(['a', 'b', 'c'])
  })

  it('shows the server\'s threads in plain text with their badges, and remembered ones by time within the loaded pages', () => {
    const server = [thread('a', 300, { active: true, waiting: true }), thread('b', 200)]
    const known = [job('k1', 'remembered-new', 250, 'running'), job('k2', 'remembered-old', 100), job('k3', 'a', 290)]
    expect(sidebarThreads(server, false, known).map(listed => [listed.threadId, listed.title, listed.newestAt, listed.active, listed.waiting])).toEqual([
      ['a', 'a', 300, true, true],
      // The server no longer lists it: shown where it belongs, never live.
      ['remembered-new', 'Title of k1', 250, false, false],
      ['b', 'b', 200, false, false],
    ])
    // Every page loaded: the older remembered thread too.
    expect(sidebarThreads(server, true, known).map(listed => listed.threadId)).toEqual(['a', 'remembered-new', 'b', 'remembered-old'])
    expect(sidebarThreads([], true, known).map(listed => listed.threadId)).toEqual(['a', 'remembered-new', 'remembered-old'])
  })

  it('shows a title the user gave as typed (a first message\'s in plain text), and hands it to the thread view', () => {
    const server = [thread('a', 300, { title: '**Plan** _v2_', renamed: true }), thread('b', 200)]
    expect(sidebarThreads(server, true, []).map(listed => [listed.threadId, listed.title])).toEqual([['a', '**Plan** _v2_'], ['b', 'b']])
    expect(givenThreadTitle({ threads: server }, 'a')).toBe('**Plan** _v2_')
    expect(givenThreadTitle({ threads: server }, 'b')).toBeUndefined()
    expect(givenThreadTitle(undefined, 'a')).toBeUndefined()
  })
})
