/**
 * A run that ends on its own while a shutdown hands it off (its events being written up to date)
 * keeps its end: the end is stored and reported (viewers, notifications, the `jobEnded` hook, the
 * `job ended` line) like any end, not given up as a hand-off. Before, the hand-off stopped the run
 * once the write it waited for was done, whatever happened meanwhile: here the end's write was
 * already sent and landed, but nothing reported it (no hook, no `job ended` line, a "handed off"
 * line for a job that completed); an end pushed after the queue was closed would not be written at all.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import type { Logger } from '../../server/lib/logger'
import type { JobProvider, JobRecord } from '../../server/lib/providers/types'
import { wait } from '../support/engine-harness'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, recovery: { chat: 'continue' }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

describe('a run that ends while a shutdown hands it off', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('stores and reports its end instead of being handed off', async () => {
    const lines: string[] = []
    const logger: Logger = { info: message => lines.push(message), warn: message => lines.push(message), error: message => lines.push(message) }
    let finish = () => {}
    const finished = new Promise<void>((resolve) => {
      finish = resolve
    })
    let shuttingDown = false
    let goOn = () => {}
    const goingOn = new Promise<void>((resolve) => {
      goOn = resolve
    })
    const runner: JobRunners['chat'] = async (context) => {
      context.text('first ')
      await goingOn
      // Not written yet when the shutdown starts: the hand-off writes it.
      context.text('more ')
      await finished
      context.text('last')
    }
    // Once the shutdown writes the job up to date, the runner returns while that write is under way.
    const slowWrites = (provider: JobProvider): JobProvider => Object.assign(Object.create(provider) as JobProvider, {
      appendEvents: async (...args: Parameters<JobProvider['appendEvents']>) => {
        if (shuttingDown) {
          finish()
          await wait(50)
        }
        return await provider.appendEvents(...args)
      },
    })
    const ended: JobRecord[] = []
    const node = createEngineNode(createBackend(), { instanceId: 'A', config, chat: runner, logger, wrap: slowWrites, hooks: { jobEnded: (job) => {
      ended.push(job)
    } } })
    const { job } = await node.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(1_000)
    goOn()
    await Promise.resolve()
    shuttingDown = true
    let disposed = false
    void node.engine.dispose().then(() => {
      disposed = true
    })
    for (let step = 0; step < 40 && !disposed; step++) await vi.advanceTimersByTimeAsync(500)
    expect(disposed).toBe(true)
    expect(lines.filter(line => line.includes('handed off at shutdown'))).toEqual([])
    expect(lines).toContain('job ended')
    expect(ended.map(each => [each.id, each.status])).toEqual([[job.id, 'completed']])
    expect(await node.provider.getState(job.id)).toMatchObject({ status: 'completed', content: 'first more last' })
  })
})
