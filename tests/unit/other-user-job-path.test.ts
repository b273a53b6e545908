/**
 * Another user's job must be indistinguishable from a missing one: the same answer by the same
 * code path. A job this instance runs used to be refused from memory (no store call) when another
 * user asked for it, while a missing id was looked up in the store — so during a store outage the
 * running job answered 404 and a missing one 503 (an existence check for any job id), and with the
 * store up the two took different paths (no round trip vs one).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RETRY_BASE_DELAY_MS } from '../../server/lib/persist-queue'
import { chatRequest, createRecordingSink } from '../support/engine-harness'
import { engineWithOutage } from '../support/provider-outage'

/** The error class a call rejects with (its name), or 'ok'. */
async function outcome(call: Promise<unknown>): Promise<string> {
  return await call.then(() => 'ok', (error: Error) => error.name)
}

describe('another user\'s running job looks like a missing one', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('answers the same error, after the same store calls, for every read and control', async () => {
    const { engine, outage } = engineWithOutage()
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(150)

    const asks = (jobId: string) => ({
      get: () => engine.getJob('u2', jobId),
      attach: () => engine.attachViewer('u2', jobId, createRecordingSink(), null),
      probe: () => engine.probeStream('u2', jobId, null),
      abort: () => engine.abortJob('u2', jobId),
      record: () => engine.getJobRecord('u2', jobId),
    })
    for (const down of [true, false]) {
      outage.down = down
      for (const name of Object.keys(asks('x')) as Array<keyof ReturnType<typeof asks>>) {
        outage.calls = []
        const forOthers = await outcome(asks(job.id)[name]())
        const othersCalls = outage.calls
        outage.calls = []
        const forMissing = await outcome(asks('no-such-job')[name]())
        expect({ down, name, error: forOthers, calls: othersCalls }).toEqual({ down, name, error: forMissing, calls: outage.calls })
      }
    }

    outage.down = false
    const disposed = engine.dispose()
    await vi.advanceTimersByTimeAsync(RETRY_BASE_DELAY_MS * 32)
    await disposed
  })
})
