/**
 * docs/runbook.md had one row for jobs that end `failed` with `store-unreachable`: the job Redis
 * stored only after its creation had timed out, found by `"failedDuring":"engine"` on its `job ended`
 * line, fixed by Redis's latency. The other way a job ends so — the store down or too slow for longer
 * than its unwritten events fit in `persist.maxPendingBytes`, the one a Redis outage brings to every
 * busy job — has another message and no `failedDuring`, and had no row: an operator searching the
 * runbook for the code was sent to Redis's latency. Driven here (fake timers: a store refusing every
 * write while a chat streams), its row is looked up by what the job and its lines say.
 */
import { expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import type { Faults } from '../support/fault-provider'
import { withFaults } from '../support/fault-provider'
import { readDoc } from '../support/docs-section'
import { recordingLogger } from '../support/recording-logger'
import { createStepModel, textStep } from '../support/step-model'

/** The runbook's rows whose symptom (first cell) holds `text`. */
const rowsQuoting = (text: string) => readDoc('runbook.md').split('\n').filter(line => line.startsWith('|') && (line.split(' | ')[0] ?? '').includes(text))

it('a job stopped because the store did not take its events has a runbook row naming what to look at', async () => {
  vi.useFakeTimers()
  try {
    const { logger, lines } = recordingLogger()
    let faults!: Faults
    // A chat that streams 100 characters every 60 ms while the store refuses every write.
    const streaming = createStepModel([async function* () {
      faults.arm('appendEvents', 'reject', 1_000)
      for (let piece = 0; piece < 50; piece++) {
        yield* textStep('x'.repeat(100))
        await new Promise(resolve => setTimeout(resolve, 60))
      }
    }])
    const { engine } = createTestEngine({
      logger,
      config: { persist: { maxPendingBytes: 2_000 } },
      runners: { chat: runChatJob },
      model: streaming,
      wrap: (provider) => {
        const faulty = withFaults(provider)
        faults = faulty.faults
        return faulty.wrapped
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    // 20 pieces (1.2 s) fill the 2,000 bytes; the store stays down 5 s, then takes the job's end.
    for (let step = 0; step < 100; step++) await vi.advanceTimersByTimeAsync(50)
    faults.clear()
    for (let step = 0; step < 400 && !lines.some(line => line.message === 'job ended'); step++) await vi.advanceTimersByTimeAsync(50)
    const { error } = (await engine.getJob('u1', job.id)).state
    expect(error?.code).toBe('store-unreachable')
    const ended = lines.find(line => line.message === 'job ended')?.fields
    expect(ended).toMatchObject({ status: 'failed', error: 'store-unreachable' })
    expect(ended).not.toHaveProperty('failedDuring')

    // The row: found by the message's start, it names the code and what to look at.
    const start = error!.message.slice(0, error!.message.indexOf(':'))
    expect(start).toBe('The job store did not take this job\'s events')
    const [row] = rowsQuoting(start)
    expect(row).toBeDefined()
    for (const named of ['store-unreachable', 'provider write failed', 'engine_unpersisted_events', 'provider_errors_total{operation="appendEvents"}', 'NUXT_BACKGROUND_JOBS_PERSIST_MAX_PENDING_BYTES']) expect(row).toContain(named)
    // The other row (a late creation) is found by its own message, and still asks for failedDuring engine.
    expect(rowsQuoting('stored this job only after its creation had timed out')).toHaveLength(1)
    await engine.dispose()
  }
  finally {
    vi.useRealTimers()
  }
})
