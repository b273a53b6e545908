/**
 * On one real redis-server: while a workflow's `waiting` is not yet written (its store writes held),
 * the instance running it lists it as waiting, and the list's status filter selects by that shown
 * status (job-page.ts), not by the stored `running`.
 */
import { expect, it, vi } from 'vitest'
import type { RedisJobProvider } from '../../server/lib/providers/redis'
import { useRedisEngines } from '../support/redis-engines'

const { redis, engines } = useRedisEngines()

it('lists a job waiting here under waiting and not under running before its waiting is stored', async () => {
  const store = { held: true, release: [] as Array<() => void> }
  const letWritesThrough = () => {
    store.held = false
    for (const release of store.release.splice(0)) release()
  }
  const a = await engines.start({
    url: redis.url,
    keyPrefix: `list-status-live-${process.pid}:`,
    instanceId: 'a',
    wrapProvider: inner => Object.assign(Object.create(inner) as RedisJobProvider, {
      async appendEvents(...args: Parameters<RedisJobProvider['appendEvents']>) {
        if (store.held) await new Promise<void>(resolve => store.release.push(resolve))
        return await inner.appendEvents(...args)
      },
    }),
  })
  const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
  await vi.waitFor(async () => expect((await a.engine.getJob('u1', job.id)).state.status).toBe('waiting'))
  expect((await a.provider.get(job.id))?.status).not.toBe('waiting')

  // A failing check must not leave the engine's writes held (its stop would wait for them).
  const shown = async (status: Array<'running' | 'waiting' | 'completed'>) => (await a.engine.listJobPage('u1', { status })).jobs.map(item => [item.id, item.status])
  try {
    expect(await shown(['waiting'])).toEqual([[job.id, 'waiting']])
    expect(await shown(['running'])).toEqual([])
    expect(await shown(['completed'])).toEqual([])
  }
  finally {
    letWritesThrough()
  }
  await vi.waitFor(async () => expect((await a.provider.get(job.id))?.status).toBe('waiting'))
  expect(await shown(['waiting'])).toEqual([[job.id, 'waiting']])
})
