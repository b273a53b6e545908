/**
 * The browser's deletion steps (app/lib/job-deletion.ts, wait-for-end.ts) against fake requests:
 * an ended job is deleted at once, a running one only with `abort` (aborted, its end awaited,
 * then deleted), a thread's jobs all go, and waiting for an end follows the job's stream.
 */
import { describe, expect, it } from 'vitest'
import { emptyMetrics } from '../../shared/events'
import { createJobState } from '../../shared/reducer'
import type { JobSummary } from '../../app/lib/api-types'
import type { DeleteJobAnswer } from '../../shared/api-types'
import type { JobDeletionRequests } from '../../app/lib/job-deletion'
import { deleteJobWhenEnded, deleteThreadJobs, JobStillActiveError } from '../../app/lib/job-deletion'
import { waitForJobEnd } from '../../app/lib/wait-for-end'
import { FakeEventSource } from '../support/fake-event-source'

function job(id: string, status: JobSummary['status']): JobSummary {
  return { id, type: 'chat', status, threadId: 't1', messageId: null, title: id, createdAt: 1, updatedAt: 1, endedAt: null, lastSeq: 1 }
}

/**
 * A fake server: jobs by id with their status; abort makes a job end only once `waitForEnd` is
 * called. A thread deletion deletes at most `perRequest` ended jobs (the server's `more`).
 */
function fakeServer(initial: JobSummary[], perRequest = 1_000) {
  const jobs = new Map(initial.map(item => [item.id, { ...item }]))
  const calls: string[] = []
  const requests: JobDeletionRequests = {
    async deleteJob(jobId): Promise<DeleteJobAnswer> {
      calls.push(`delete ${jobId}`)
      const found = jobs.get(jobId)
      if (!found) return 'gone'
      if (['queued', 'running', 'waiting'].includes(found.status)) return 'active'
      jobs.delete(jobId)
      return 'deleted'
    },
    async abort(jobId) {
      calls.push(`abort ${jobId}`)
    },
    async waitForEnd(jobId) {
      calls.push(`wait ${jobId}`)
      const found = jobs.get(jobId)
      if (found) found.status = 'aborted'
    },
    async deleteThread(threadId) {
      calls.push(`delete thread ${threadId}`)
      const mine = [...jobs.values()].filter(item => item.threadId === threadId)
      const active = mine.filter(item => ['queued', 'running', 'waiting'].includes(item.status)).map(item => item.id)
      const ended = mine.filter(item => !active.includes(item.id))
      const deleted = ended.slice(0, perRequest).map(item => item.id)
      for (const id of deleted) jobs.delete(id)
      return { deleted, active, more: ended.length > perRequest }
    },
  }
  return { jobs, calls, requests }
}

describe('deleting jobs from the browser', () => {
  it('deletes an ended job at once; a gone one resolves false', async () => {
    const server = fakeServer([job('a', 'completed')])
    expect(await deleteJobWhenEnded('a', server.requests)).toBe(true)
    expect(await deleteJobWhenEnded('a', server.requests)).toBe(false)
    expect(server.calls).toEqual(['delete a', 'delete a'])
  })

  it('refuses a running job without abort, and leaves it running', async () => {
    const server = fakeServer([job('a', 'running')])
    await expect(deleteJobWhenEnded('a', server.requests)).rejects.toBeInstanceOf(JobStillActiveError)
    expect(server.jobs.get('a')?.status).toBe('running')
    expect(server.calls).toEqual(['delete a'])
  })

  it('with abort: aborts, waits for the stored end, then deletes', async () => {
    const server = fakeServer([job('a', 'running')])
    expect(await deleteJobWhenEnded('a', server.requests, { abort: true })).toBe(true)
    expect(server.calls).toEqual(['delete a', 'abort a', 'wait a', 'delete a'])
  })

  it('with abort, gives up with JobStillActiveError when the job never ends', async () => {
    const server = fakeServer([job('a', 'running')])
    const stuck: JobDeletionRequests = { ...server.requests, waitForEnd: async () => {} }
    await expect(deleteJobWhenEnded('a', stuck, { abort: true })).rejects.toBeInstanceOf(JobStillActiveError)
    expect(server.calls.filter(call => call === 'abort a')).toHaveLength(1)
  })

  it('deletes every job of a thread with one request, then aborts the running ones, awaits their ends and deletes them; no other thread\'s', async () => {
    const server = fakeServer([job('a', 'completed'), job('b', 'running'), job('c', 'waiting'), { ...job('d', 'completed'), threadId: 't2' }])
    expect(await deleteThreadJobs('t1', server.requests)).toBe(3)
    expect([...server.jobs.keys()]).toEqual(['d'])
    expect(server.calls).toEqual(['delete thread t1', 'abort b', 'abort c', 'wait b', 'wait c', 'delete thread t1'])
  })

  it('an ended thread is one request, however many jobs it has', async () => {
    const many = Array.from({ length: 500 }, (_, index) => job(`j${index}`, 'completed'))
    const server = fakeServer(many)
    expect(await deleteThreadJobs('t1', server.requests)).toBe(500)
    expect(server.jobs.size).toBe(0)
    expect(server.calls).toEqual(['delete thread t1'])
  })

  it('asks again while the server says there are more', async () => {
    const server = fakeServer(Array.from({ length: 5 }, (_, index) => job(`j${index}`, 'completed')), 2)
    expect(await deleteThreadJobs('t1', server.requests)).toBe(5)
    expect(server.calls.filter(call => call.startsWith('delete thread'))).toHaveLength(3)
  })

  it('rejects with JobStillActiveError when a job of the thread never ends, having aborted it once', async () => {
    const server = fakeServer([job('a', 'completed'), job('b', 'running')])
    const stuck: JobDeletionRequests = { ...server.requests, waitForEnd: async () => {} }
    await expect(deleteThreadJobs('t1', stuck)).rejects.toBeInstanceOf(JobStillActiveError)
    expect(server.calls.filter(call => call === 'abort b')).toHaveLength(1)
    expect(server.jobs.has('a')).toBe(false)
  })
})

describe('waitForJobEnd', () => {
  function follow(jobId: string) {
    const sources: FakeEventSource[] = []
    let result: 'pending' | 'ended' | Error = 'pending'
    void waitForJobEnd(jobId, {
      createEventSource: (url) => {
        const source = new FakeEventSource(url)
        sources.push(source)
        return source
      },
      probe: async () => null,
      subscribeToWake: () => () => {},
      setTimer: () => 0,
      clearTimer: () => {},
    }).then(() => {
      result = 'ended'
    }, (error: Error) => {
      result = error
    })
    return { sources, result: () => result }
  }
  const settle = async () => {
    for (let turn = 0; turn < 5; turn++) await Promise.resolve()
  }

  it('resolves when the stream delivers job-end, and closes it', async () => {
    const test = follow('job 1')
    expect(test.sources[0]!.url).toBe('/api/jobs/job%201/stream')
    test.sources[0]!.open()
    test.sources[0]!.emit('snapshot', { ...createJobState({ id: 'job 1', type: 'chat', createdAt: 1 }), status: 'running', seq: 3 }, '3')
    await settle()
    expect(test.result()).toBe('pending')
    test.sources[0]!.emit('job-end', { seq: 4, at: 2, type: 'job-end', status: 'aborted', metrics: emptyMetrics() }, '4')
    await settle()
    expect(test.result()).toBe('ended')
    expect(test.sources[0]!.closed).toBe(true)
  })
})
