/**
 * A client tool's output that its outputSchema refuses is logged as a tool failure is: the first
 * whole, the next ones of the same kind within a minute counted (tool-failure-log.ts). The same
 * browser code gives the same bad output on every call of every user; a line per call buried the
 * log.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ClientToolInvalidOutputError } from '../../server/lib/executor/tool-errors'
import { logToolCallFailure } from '../../server/lib/executor/tool-failure-lines'
import type { RunContext } from '../../server/lib/run-context'
import { createTimerSet } from '../../server/lib/timers'
import { logToolFailure } from '../../server/lib/tool-failure-log'
import { recordingLogger } from '../support/recording-logger'

const timers = createTimerSet()
afterEach(() => timers.clearAll())

describe('a client tool output its outputSchema refuses', () => {
  it('is logged once, then counted, however many calls bring it', () => {
    const { logger, lines } = recordingLogger()
    const context = {
      jobId: 'job-1',
      logger,
      toolFailed: (tool: string, log: () => void, error: unknown) => logToolFailure({ tool, jobId: 'job-1', log, error, logger, timers }),
    } as unknown as RunContext
    for (let call = 0; call < 3; call++) {
      logToolCallFailure(context, { id: `call-${call}`, name: 'get_location' }, new ClientToolInvalidOutputError('get_location', 'lat: Invalid input: expected number, received string'))
    }
    const warnings = lines.filter(line => line.level === 'warn')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ message: expect.stringMatching(/^client tool "get_location": the browser's output was not used/), fields: { tool: 'get_location', callId: 'call-0', issues: expect.stringMatching(/^lat: Invalid input/) } })
  })
})
