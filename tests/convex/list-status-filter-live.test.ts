/**
 * On Convex (convex-test): while a workflow's `waiting` is not yet written (its store writes
 * held), the instance running it lists it as waiting, and the list's status filter selects by that
 * shown status (job-page.ts), not by the stored `running`.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobProvider } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

it('lists a job waiting here under waiting and not under running before its waiting is stored', async () => {
  const store = { held: true, release: [] as Array<() => void> }
  const a = createEngineNode(createBackend(), {
    instanceId: 'A',
    config: resolveConfig({ scripted: { enabled: true } }),
    wrap: inner => ({
      ...inner,
      async appendEvents(...args: Parameters<JobProvider['appendEvents']>) {
        if (store.held) await new Promise<void>(resolve => store.release.push(resolve))
        return await inner.appendEvents(...args)
      },
    }),
  })
  const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
  await vi.advanceTimersByTimeAsync(1_000)
  expect((await a.engine.getJob('u1', job.id)).state.status).toBe('waiting')
  expect((await a.provider.get(job.id))?.status).not.toBe('waiting')

  const shown = async (status: Array<'running' | 'waiting' | 'completed'>) => (await a.engine.listJobPage('u1', { status })).jobs.map(item => [item.id, item.status])
  try {
    expect(await shown(['waiting'])).toEqual([[job.id, 'waiting']])
    expect(await shown(['running'])).toEqual([])
    expect(await shown(['completed'])).toEqual([])
  }
  finally {
    store.held = false
    for (const release of store.release.splice(0)) release()
  }
  await vi.advanceTimersByTimeAsync(1_000)
  expect((await a.provider.get(job.id))?.status).toBe('waiting')
  expect(await shown(['waiting'])).toEqual([[job.id, 'waiting']])
  const disposed = a.engine.dispose()
  await vi.advanceTimersByTimeAsync(10_000)
  await disposed
})
