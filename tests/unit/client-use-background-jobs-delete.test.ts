/**
 * `useBackgroundJobs().remove` / `removeThread` mounted for real (fake `$fetch` and EventSource;
 * tests/support/composable-app.ts): the DELETE answers mapped (204 deleted, 404 already gone, 409
 * still active), a running job aborted, followed to its `job-end`, then deleted; a thread deleted
 * with one request, each deleted job announced.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { useBackgroundJobs } from '../../app/composables/useBackgroundJobs'
import { BackgroundJobsApiError } from '../../app/lib/api-error'
import { JobStillActiveError } from '../../app/lib/job-deletion'
import { emptyMetrics } from '../../shared/events'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp | null = null
afterEach(() => {
  app?.dispose()
  app = null
})

/** A fetch error as `$fetch` throws it. */
const httpError = (statusCode: number) => Object.assign(new Error(`HTTP ${statusCode}`), { statusCode, data: { statusCode, message: `answered ${statusCode}` } })

const settle = async () => {
  for (let turn = 0; turn < 10; turn++) await Promise.resolve()
}

describe('useBackgroundJobs: deleting', () => {
  it('maps the answers: 204 true, 404 false, 409 JobStillActiveError, 500 BackgroundJobsApiError', async () => {
    const answers: Record<string, number> = { done: 204, gone: 404, busy: 409, broken: 500 }
    const calls: string[] = []
    app = createComposableApp(async (url, options) => {
      calls.push(`${(options as { method?: string } | undefined)?.method ?? 'GET'} ${url}`)
      const status = answers[url.split('/').at(-1)!]!
      if (status !== 204) throw httpError(status)
      return undefined
    })
    const { result } = app.mount(() => useBackgroundJobs())
    expect(await result.remove('done')).toBe(true)
    expect(await result.remove('gone')).toBe(false)
    await expect(result.remove('busy')).rejects.toBeInstanceOf(JobStillActiveError)
    await expect(result.remove('broken')).rejects.toBeInstanceOf(BackgroundJobsApiError)
    expect(calls).toEqual(['DELETE /api/jobs/done', 'DELETE /api/jobs/gone', 'DELETE /api/jobs/busy', 'DELETE /api/jobs/broken'])
    await expect(result.remove('')).rejects.toThrow(TypeError)
  })

  it('with abort: aborts, follows the stream to job-end, then deletes', async () => {
    let ended = false
    const calls: string[] = []
    app = createComposableApp(async (url, options) => {
      const method = (options as { method?: string } | undefined)?.method ?? 'GET'
      calls.push(`${method} ${url}`)
      if (method === 'DELETE' && !ended) throw httpError(409)
      if (method === 'POST') return { job: { id: 'j1', status: 'running' } }
      return undefined
    })
    const { result } = app.mount(() => useBackgroundJobs())
    let outcome: boolean | null = null
    void result.remove('j1', { abort: true }).then((value) => {
      outcome = value
    })
    await settle()
    expect(calls).toEqual(['DELETE /api/jobs/j1', 'POST /api/jobs/j1/abort'])
    const source = app.sources[0]!
    expect(source.url).toBe('/api/jobs/j1/stream')
    source.open()
    ended = true
    source.emit('job-end', { seq: 2, at: 2, type: 'job-end', status: 'aborted', metrics: emptyMetrics() }, '2')
    await settle()
    expect(outcome).toBe(true)
    expect(source.closed).toBe(true)
    expect(calls.at(-1)).toBe('DELETE /api/jobs/j1')
  })

  it('with abort, a job deleted elsewhere between the 409 and the abort (abort answers 404) counts as already gone, for a job and for a thread', async () => {
    const calls: string[] = []
    let deletedElsewhere = false
    app = createComposableApp(async (url, options) => {
      const { method } = (options ?? {}) as { method?: string }
      calls.push(`${method ?? 'GET'} ${url}`)
      if (url === '/api/jobs' && method === 'DELETE') {
        const active = deletedElsewhere ? [] : ['t-j1']
        deletedElsewhere = true
        return { deleted: [], active, more: false }
      }
      if (method === 'POST') throw httpError(404)
      if (!deletedElsewhere) {
        deletedElsewhere = true
        throw httpError(409)
      }
      throw httpError(404)
    })
    const { result } = app.mount(() => useBackgroundJobs())
    expect(await result.remove('j1', { abort: true })).toBe(false)
    expect(calls).toEqual(['DELETE /api/jobs/j1', 'POST /api/jobs/j1/abort', 'DELETE /api/jobs/j1'])
    deletedElsewhere = false
    calls.length = 0
    expect(await result.removeThread('t')).toBe(0)
    expect(calls).toEqual(['DELETE /api/jobs', 'POST /api/jobs/t-j1/abort', 'DELETE /api/jobs'])
    expect(app.sources).toHaveLength(0) // nothing to wait for
  })

  it('removeThread: one DELETE /api/jobs?threadId=, each deleted job announced to onDeleted (here)', async () => {
    const calls: string[] = []
    app = createComposableApp(async (url, options) => {
      const { method, query } = (options ?? {}) as { method?: string, query?: Record<string, string> }
      calls.push(`${method ?? 'GET'} ${url} ${JSON.stringify(query ?? {})}`)
      return { deleted: ['thread-j1', 'thread-j2'], active: [], more: false }
    })
    const { result } = app.mount(() => {
      const jobs = useBackgroundJobs()
      const seen: Array<{ jobId: string, threadId: string | null, origin: string }> = []
      jobs.onDeleted(deleted => seen.push(deleted))
      return { jobs, seen }
    })
    expect(await result.jobs.removeThread('t 1')).toBe(2)
    expect(calls).toEqual(['DELETE /api/jobs {"threadId":"t 1"}'])
    expect(result.seen).toEqual([{ jobId: 'thread-j1', threadId: 't 1', origin: 'here' }, { jobId: 'thread-j2', threadId: 't 1', origin: 'here' }])
  })
})
