/**
 * A tool's failures were logged once per tool and minute: after its first failure, every other
 * one of that tool within the minute was only counted — also a different error (a new bug while
 * its API was down), whose text appeared nowhere but as "the last error" of a count line, if it
 * happened to be last. Now failures are told apart by kind (error name, code, message but for its
 * numbers): a new kind is logged whole and counted on its own; past `FAILURE_KINDS_MAX` kinds of a
 * tool, the others share one slot and one count line, so what is held stays bounded.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HOOK_FAILURE_WINDOW_MS } from '../../server/lib/hook-failure-log'
import { FAILURE_KINDS_MAX } from '../../server/lib/repeated-failure-log'
import { createTimerSet } from '../../server/lib/timers'
import { logToolFailure } from '../../server/lib/tool-failure-log'
import { recordingLogger } from '../support/recording-logger'

function failingTools() {
  const { logger, lines } = recordingLogger()
  const timers = createTimerSet()
  let calls = 0
  const fail = (tool: string, error: unknown) => {
    const callId = `call_${++calls}`
    logToolFailure({ tool, jobId: `job_${calls}`, error, logger, timers, log: () => logger.warn(`tool "${tool}" failed; the model got the error as its result`, { tool, callId, error }) })
  }
  return { fail, lines, timers }
}

const refused = (host: string) => Object.assign(new Error(`connect ECONNREFUSED ${host}:5432`), { code: 'ECONNREFUSED' })

describe('failures of one tool of different kinds', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a new kind after a streak is logged whole, and each kind is counted on its own', async () => {
    const { fail, lines, timers } = failingTools()
    fail('read_orders', refused('10.0.0.7'))
    fail('read_orders', refused('10.0.0.8'))
    fail('read_orders', new TypeError('Cannot read properties of undefined (reading \'rows\')'))
    fail('read_orders', new TypeError('Cannot read properties of undefined (reading \'rows\')'))
    fail('read_orders', refused('10.0.0.9'))
    expect(lines.map(line => (line.fields?.error as Error).message)).toEqual(['connect ECONNREFUSED 10.0.0.7:5432', 'Cannot read properties of undefined (reading \'rows\')'])
    await vi.advanceTimersByTimeAsync(HOOK_FAILURE_WINDOW_MS)
    const counts = lines.slice(2)
    expect(counts).toHaveLength(2)
    expect(counts).toEqual(expect.arrayContaining([
      expect.objectContaining({ level: 'warn', message: expect.stringContaining('tool "read_orders" failed 2 more times after the failure logged before'), fields: expect.objectContaining({ failures: 2, error: expect.objectContaining({ message: 'connect ECONNREFUSED 10.0.0.9:5432' }) }) }),
      expect.objectContaining({ message: expect.stringContaining('tool "read_orders" failed 1 more times after the failure logged before'), fields: expect.objectContaining({ failures: 1, error: expect.any(TypeError) }) }),
    ]))
    expect(timers.size).toBe(0)
  })

  it(`past ${FAILURE_KINDS_MAX} kinds of a tool, the others share one slot: logged once, then one count line`, async () => {
    const { fail, lines, timers } = failingTools()
    for (let kind = 0; kind < FAILURE_KINDS_MAX + 3; kind++) fail('read_orders', new Error(`failure kind ${String.fromCharCode(97 + kind)}`))
    // Each of the first kinds, and the first failure past them.
    expect(lines).toHaveLength(FAILURE_KINDS_MAX + 1)
    fail('read_orders', new Error('failure kind a'))
    expect(lines).toHaveLength(FAILURE_KINDS_MAX + 1)
    await vi.advanceTimersByTimeAsync(HOOK_FAILURE_WINDOW_MS)
    const counts = lines.slice(FAILURE_KINDS_MAX + 1)
    expect(counts.map(line => line.message)).toEqual(expect.arrayContaining([
      expect.stringContaining(`tool "read_orders" failed 2 more times with errors of other kinds than the ${FAILURE_KINDS_MAX} logged before`),
      expect.stringContaining('tool "read_orders" failed 1 more times after the failure logged before'),
    ]))
    expect(counts).toHaveLength(2)
    expect(timers.size).toBe(0)
    // The window over, the first kinds are dropped for new ones: a new kind is logged whole.
    fail('read_orders', new Error('failure kind z'))
    expect(lines.at(-1)?.fields?.error).toMatchObject({ message: 'failure kind z' })
  })
})
