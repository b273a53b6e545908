/**
 * `tool_runs_total{tool,status}` counts every tool call's result, but a call the job's own end cut
 * off (its time limit, a shutdown, a user's abort) was counted nowhere: the call threw the job's
 * abort and no result was counted, so a tool that often runs into the job's time limit did not
 * show in the metric at all. Such a call now counts as `status="stopped"`. A run handed off or lost
 * to another instance (`owner-lost`) does not count it: the instance that takes the job over
 * counts the unanswered call (as `error`), and counting here too would count it twice.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { JobAbortedError } from '../../server/lib/errors'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { ISOLATION_TEST_TOOLS } from '../support/isolation-tools'
import { createStepModel } from '../support/step-model'
import { toolRunCounts } from '../support/tool-run-counts'

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

/** Runs a long `wait` call and ends the job with `reason` while it runs; returns how its series grew. */
async function cutOffBy(reason: JobAbortedError): Promise<Record<string, number>> {
  const fake = createFakeRunContext({ model: createStepModel([]), tools: ISOLATION_TEST_TOOLS, config: { limits: { toolTimeoutMs: 120_000 } } })
  const before = toolRunCounts('wait')
  const call = executeToolCall(fake.context, { id: 'call-1', name: 'wait', args: { ms: 60_000 }, step: 1 })
  const settled = call.catch((error: unknown) => error)
  await vi.advanceTimersByTimeAsync(1_000)
  fake.abortWith(reason)
  expect(await settled).toBe(reason)
  const grown: Record<string, number> = {}
  for (const [status, value] of Object.entries(toolRunCounts('wait'))) {
    if (value !== (before[status] ?? 0)) grown[status] = value - (before[status] ?? 0)
  }
  return grown
}

describe('a tool call the job\'s end cuts off', () => {
  it('counts as "stopped" at the job\'s time limit, at a shutdown and at a user\'s abort', async () => {
    expect(await cutOffBy(new JobAbortedError('timeout', 'The job ran past limits.jobTimeoutMs'))).toEqual({ stopped: 1 })
    expect(await cutOffBy(new JobAbortedError('shutdown', 'The server shut down while the job was running'))).toEqual({ stopped: 1 })
    expect(await cutOffBy(new JobAbortedError('aborted', 'Aborted by the user'))).toEqual({ stopped: 1 })
  })

  it('is not counted by a run that lost the job to another instance (that one counts it)', async () => {
    expect(await cutOffBy(new JobAbortedError('owner-lost', 'handed off at shutdown'))).toEqual({})
  })
})
