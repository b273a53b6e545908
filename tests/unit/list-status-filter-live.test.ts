/**
 * `GET /api/jobs?status=` selects by the status the list shows. A job this instance runs is shown
 * with its live status (job-access.ts), which is ahead of the store until the write-behind queue
 * has written it: the filter must use that status too, or a job is listed under a status it is not
 * shown with, and missing under the one it is.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AppendResult, JobProvider } from '../../server/lib/providers/types'
import type { RunContext } from '../../server/lib/run-context'
import { chatRequest, createTestEngine } from '../support/engine-harness'

/** An engine whose store writes wait while `store.held` (a shared store behind the live state). */
function engineWithSlowStore() {
  const store = { held: false, release: [] as Array<() => void> }
  const made = createTestEngine({
    runners: {
      async chat(context: RunContext) {
        await context.requestInput({ kind: 'workflow-input', prompt: 'Which?', onTimeout: 'fail' })
      },
    },
    wrap: inner => Object.assign(Object.create(inner) as JobProvider, {
      async appendEvents(...args: Parameters<JobProvider['appendEvents']>): Promise<AppendResult> {
        if (store.held) await new Promise<void>(resolve => store.release.push(resolve))
        return await inner.appendEvents(...args)
      },
    }),
  })
  return { ...made, store }
}

describe('the list status filter uses the status the list shows', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('lists a job waiting here under waiting, not running, before its waiting is stored', async () => {
    const { engine, provider, store } = engineWithSlowStore()
    const older = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(10)
    store.held = true
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(10)
    expect((await provider.get(job.id))?.status).not.toBe('waiting')
    expect((await engine.getJob('u1', job.id)).state.status).toBe('waiting')

    const shown = async (status: Array<'running' | 'waiting' | 'queued'>) => (await engine.listJobPage('u1', { status })).jobs.map(item => [item.id, item.status])
    expect(await shown(['waiting'])).toEqual([[job.id, 'waiting'], [older.job.id, 'waiting']])
    expect(await shown(['running', 'queued'])).toEqual([])
    expect((await engine.listJobs('u1', { status: ['waiting'] })).map(item => item.id)).toEqual([job.id, older.job.id])
    const first = await engine.listJobPage('u1', { status: ['waiting'], limit: 1 })
    const second = await engine.listJobPage('u1', { status: ['waiting'], limit: 1, before: first.next! })
    expect([first.jobs.map(item => item.id), second.jobs.map(item => item.id), second.next]).toEqual([[job.id], [older.job.id], null])
    for (const release of store.release.splice(0)) release()
    store.held = false
    await vi.advanceTimersByTimeAsync(10)
    expect(await shown(['waiting'])).toEqual([[job.id, 'waiting'], [older.job.id, 'waiting']])
    await engine.dispose()
  })
})
