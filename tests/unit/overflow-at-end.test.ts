/**
 * The store is down when a job finishes, and the end's own pushes — the `job-end`, or the last
 * text its batch window held, which the end flushes — take the unstored backlog past
 * `persist.maxPendingBytes`. The end is decided already (the runner returned): the bound's abort
 * must not end the job a second time. It did, from inside the run's own `endRun`: a second end on
 * top of the first. Pushed by the `job-end`: two `job ended` lines for one stored end (`completed`
 * and `failed store-unreachable`). Pushed by the flushed text: the abort's end was numbered first,
 * so a job whose runner had completed was stored `failed` / `store-unreachable`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Logger } from '../../server/lib/logger'
import { DELTA_ENVELOPE_BYTES } from '../../server/lib/persist-queue'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'
import type { Faults } from '../support/fault-provider'
import { withFaults } from '../support/fault-provider'

const TEXT = 'a'.repeat(1_000)

describe('the job-end takes the unstored backlog past its bound', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each([
    ['the job-end', 0],
    ['the last text, flushed by the end', 50],
  ])('%s passing the bound: the job ends once, as decided, and is logged once', async (_, batchWindowMs) => {
    const lines: Array<{ message: string, fields: Record<string, unknown> }> = []
    const record = (message: string, fields?: Record<string, unknown>) => void lines.push({ message, fields: fields ?? {} })
    const logger: Logger = { info: record, warn: record, error: record, debug: record } as unknown as Logger
    let faults!: Faults
    const { engine, provider } = createTestEngine({
      // The text waits within the bound; the end (about 200 bytes more) passes it.
      config: { stream: { batchWindowMs }, persist: { maxPendingBytes: batchWindowMs === 0 ? 1 + TEXT.length + 2 * DELTA_ENVELOPE_BYTES + 50 : 1 + DELTA_ENVELOPE_BYTES + 50 } },
      logger,
      runners: {
        async chat(context) {
          await wait(10, context.signal)
          faults.arm('appendEvents', 'reject', 1_000)
          // Merged in the batch window, the text is pushed only when the end flushes it.
          context.text('b')
          await wait(100, context.signal)
          context.text(TEXT)
        },
      },
      wrap: (inner) => {
        const made = withFaults(inner)
        faults = made.faults
        return made.wrapped
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(2_000)
    faults.clear()
    await vi.advanceTimersByTimeAsync(10_000)
    await engine.whenSettled(job.id)
    expect((await provider.get(job.id))?.status).toBe('completed')
    const ended = lines.filter(line => line.message === 'job ended')
    expect(ended.map(line => line.fields.status)).toEqual(['completed'])
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, unpersistedEvents: 0 })
  })
})
