/**
 * A tool's progress with the Redis provider, on one real redis-server: the owner stores each
 * merged `tool-progress` like any event, a viewer on another instance (following the job through
 * Redis) sees it live, one that joins there later finds the latest in its snapshot, and one that
 * resumes after the first update gets the later one once — no gap, no duplicate.
 */
import { expect, it } from 'vitest'
import type { JobEvent, ToolProgressPayload } from '../../shared/events'
import type { JobRunners } from '../../server/lib/engine-types'
import { chatRequest, createRecordingSink } from '../support/engine-harness'
import { useRedisEngines } from '../support/redis-engines'

const { redis, engines } = useRedisEngines()

/** A chat runner with one running call whose progress the test reports, until told to finish. */
function createReportingRunner() {
  let report: (update: Omit<ToolProgressPayload, 'type' | 'id'>) => void = () => {}
  let finish!: () => void
  const finished = new Promise<void>(resolve => (finish = resolve))
  const chat: JobRunners['chat'] = async (context) => {
    context.emit({ type: 'tool-call', id: 'c1', name: 'crawl_site', args: {}, step: 1 })
    report = update => context.toolProgress({ type: 'tool-progress', id: 'c1', ...update })
    await finished
    context.emit({ type: 'tool-result', id: 'c1', status: 'completed', result: { pages: 2 }, durationMs: 1 })
  }
  return { chat, report: (update: Omit<ToolProgressPayload, 'type' | 'id'>) => report(update), finish }
}

it('is stored, followed from another instance, and in a late viewer\'s snapshot', async () => {
  const keyPrefix = `tool-progress-${process.pid}:`
  const runner = createReportingRunner()
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', chat: runner.chat, config: { persist: { intervalMs: 0 } } })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b' })
  const { job } = await a.engine.createJob('u1', { request: chatRequest })
  const storedProgress = async () => ((await a.provider.readEvents(job.id, 0))?.events ?? []).filter(event => event.type === 'tool-progress')
  await expect.poll(async () => (await a.provider.getState(job.id))?.toolCalls.length).toBe(1)

  const follower = createRecordingSink()
  await b.engine.attachViewer('u1', job.id, follower, null)
  runner.report({ message: 'Fetched 1 of 2 pages', fraction: 0.5 })
  await expect.poll(() => follower.state()?.toolCalls[0]?.progress?.message).toBe('Fetched 1 of 2 pages')
  await expect.poll(async () => (await storedProgress()).length).toBe(1)
  const firstSeq = (await storedProgress())[0]!.seq

  runner.report({ message: 'Fetched 2 of 2 pages', fraction: 1 })
  await expect.poll(async () => (await storedProgress()).map(event => (event as ToolProgressPayload).message)).toEqual(['Fetched 1 of 2 pages', 'Fetched 2 of 2 pages'])
  await expect.poll(() => follower.state()?.toolCalls[0]?.progress).toMatchObject({ message: 'Fetched 2 of 2 pages', fraction: 1 })

  // Joins on B now: the latest in its snapshot. Resumes on B after the first update: the second, once.
  const late = createRecordingSink()
  await b.engine.attachViewer('u1', job.id, late, null)
  expect(late.frames[0]!.event).toBe('snapshot')
  expect(late.state()!.toolCalls[0]!.progress).toMatchObject({ message: 'Fetched 2 of 2 pages', fraction: 1 })
  const resumed = createRecordingSink()
  await b.engine.attachViewer('u1', job.id, resumed, firstSeq)
  const replayed = resumed.frames.map(frame => frame.data as JobEvent)
  expect(replayed.map(event => event.seq)).toEqual(Array.from({ length: replayed.length }, (_, index) => firstSeq + 1 + index))
  expect(replayed.filter(event => event.type === 'tool-progress').map(event => (event as ToolProgressPayload).message)).toEqual(['Fetched 2 of 2 pages'])

  runner.finish()
  await a.engine.whenSettled(job.id)
  await expect.poll(() => follower.state()?.status).toBe('completed')
  // The ended call keeps its last update (decision 43).
  expect(follower.state()!.toolCalls[0]!.progress).toMatchObject({ message: 'Fetched 2 of 2 pages', fraction: 1 })
  const seqs = follower.frames.map(frame => frame.id)
  expect(new Set(seqs).size).toBe(seqs.length)
})
