/**
 * `useBackgroundJobs().remove(id, { abort: true })` / `removeThread` of a job a `useBackgroundJob`
 * in the tab already follows: the wait for its end uses that one stream (one stream per job per
 * tab), and opens its own only when nothing follows the job any more.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { useBackgroundJobs } from '../../app/composables/useBackgroundJobs'
import { activeJobFollowers } from '../../app/lib/job-follower-registry'
import { emptyMetrics } from '../../shared/events'
import { createJobState } from '../../shared/reducer'
import type { JobState } from '../../shared/reducer'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp
let calls: string[]
let ended: boolean
/** A new job per test: the tab remembers the jobs it deleted (app/lib/deleted-jobs.ts). */
let jobId = ''
let tests = 0

function running(seq: number): JobState {
  return { ...createJobState({ id: jobId, type: 'chat', createdAt: 0 }), status: 'running', seq, content: 'abc' }
}

const jobEnd = { seq: 4, at: 4, type: 'job-end', status: 'aborted', metrics: emptyMetrics() }

const settle = async () => {
  for (let turn = 0; turn < 10; turn++) await Promise.resolve()
}

beforeEach(() => {
  vi.useFakeTimers()
  calls = []
  ended = false
  jobId = `followed-${++tests}`
  app = createComposableApp(async (url, options) => {
    const { method = 'GET' } = (options ?? {}) as { method?: string }
    calls.push(`${method} ${url}`)
    if (method === 'DELETE' && url === '/api/jobs') return ended ? { deleted: [jobId], active: [], more: false } : { deleted: [], active: [jobId], more: false }
    if (method === 'DELETE') {
      if (ended) return undefined
      throw Object.assign(new Error('HTTP 409'), { statusCode: 409, data: { statusCode: 409, message: 'still running' } })
    }
    if (method === 'POST') return { job: { id: jobId, status: 'running' } }
    return { state: running(3) }
  })
})

afterEach(() => {
  app.dispose()
  vi.useRealTimers()
})

/** A component following j1 on an open stream, and the jobs composable. */
function followed() {
  const view = app.mount(() => useBackgroundJob(jobId))
  const source = app.sources[0]!
  source.open()
  source.emit('snapshot', running(3), '3')
  const { result: jobs } = app.mount(() => useBackgroundJobs())
  return { view, source, jobs }
}

describe('remove / removeThread of a job a component follows', () => {
  it('remove({ abort: true }) waits on the component\'s stream: no second stream', async () => {
    const { view, source, jobs } = followed()
    let outcome: boolean | null = null
    void jobs.remove(jobId, { abort: true }).then((value) => {
      outcome = value
    })
    await settle()
    expect(calls).toEqual([`DELETE /api/jobs/${jobId}`, `POST /api/jobs/${jobId}/abort`])
    expect(app.sources).toHaveLength(1)
    ended = true
    source.emit('job-end', jobEnd, '4')
    await settle()
    expect(outcome).toBe(true)
    expect(calls.at(-1)).toBe(`DELETE /api/jobs/${jobId}`)
    expect(view.result.status.value).toBe('aborted')
    expect(app.sources).toHaveLength(1)
    expect(activeJobFollowers()).toBe(0)
  })

  it('removeThread waits on the component\'s stream too', async () => {
    const { source, jobs } = followed()
    let deleted: number | null = null
    void jobs.removeThread('t').then((value) => {
      deleted = value
    })
    await settle()
    expect(app.sources).toHaveLength(1)
    ended = true
    source.emit('job-end', jobEnd, '4')
    await settle()
    expect(deleted).toBe(1)
    expect(app.sources).toHaveLength(1)
  })

  it('the component unmounting meanwhile: the wait opens its own stream and still sees the end', async () => {
    const { view, jobs } = followed()
    let outcome: boolean | null = null
    void jobs.remove(jobId, { abort: true }).then((value) => {
      outcome = value
    })
    await settle()
    view.unmount()
    await settle()
    expect(app.openSources()).toHaveLength(1)
    const own = app.openSources()[0]!
    expect(own).not.toBe(app.sources[0])
    own.open()
    ended = true
    own.emit('job-end', jobEnd, '4')
    await settle()
    expect(outcome).toBe(true)
    expect(app.openSources()).toHaveLength(0)
    expect(activeJobFollowers()).toBe(0)
  })
})
