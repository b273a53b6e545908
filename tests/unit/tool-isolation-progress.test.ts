/**
 * `ctx.progress` of a tool in a real isolation worker: the update crosses the worker boundary on
 * the answer channel, checked in the worker (a message that is not text fails the call there, as
 * in-process) and sent at most once per 50 ms with the latest update — a tight loop of 10,000
 * updates is a handful of messages, the latest of each interval kept — and what the tool reports
 * after it answered never reaches the job.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { useIsolationPools } from '../support/isolation-pools'

const pools = useIsolationPools()
const config = resolveConfig({ tools: { isolated: 'progress_report', errorMessages: 'all' }, isolation: { maxWorkers: 1, minWorkers: 1 } })

describe('tool progress from an isolation worker', () => {
  it('reaches the job merged, before the result, and nothing after it', async () => {
    const run = pools.run(config)
    const outcome = await executeToolCall(run.context, { id: 'c1', name: 'progress_report', args: {}, step: 1 })
    expect(outcome).toMatchObject({ status: 'completed', result: { reported: 10_001 } })
    // Another call in the same worker: the first call's timer reported meanwhile.
    await executeToolCall(run.context, { id: 'c2', name: 'progress_report', args: { count: 1 }, step: 1 })
    const first = run.events.filter(event => 'id' in event && event.id === 'c1')
    const progress = first.filter(event => event.type === 'tool-progress')
    expect(progress.length).toBeGreaterThanOrEqual(3)
    expect(progress.length).toBeLessThanOrEqual(6)
    expect(progress[0]).toMatchObject({ message: 'update 1 of 10000', fraction: 0.0001 })
    expect(progress.map(event => event.message)).toContain('update 10000 of 10000')
    expect(progress.at(-1)).toMatchObject({ message: 'almost done' })
    expect(progress.at(-1)).not.toHaveProperty('fraction')
    expect(first.at(-1)!.type).toBe('tool-result')
    expect(run.events.some(event => event.type === 'tool-progress' && event.message === 'after the answer')).toBe(false)
    // The last stored update stays on the ended call (decision 43), never one sent after the answer.
    expect(run.state().toolCalls[0]!.progress).toMatchObject({ message: 'almost done' })
  })

  it('fails the call when the tool reports what is not an update, as in-process', async () => {
    const run = pools.run(config)
    const outcome = await executeToolCall(run.context, { id: 'c1', name: 'progress_report', args: { bad: true }, step: 1 })
    expect(outcome).toMatchObject({ status: 'error', error: 'Tool "progress_report" failed: ctx.progress: message must be a string, not number' })
    expect(run.events.some(event => event.type === 'tool-progress')).toBe(false)
  })
})
