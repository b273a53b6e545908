/**
 * An answer to a job's question is acknowledged once it is stored: an owner that died right after
 * acknowledging would otherwise lose it. A slow store is waited for a bounded time (`stored:
 * false`, the run stores it later); a run that stops before storing it answers 409 (the job, taken
 * over elsewhere, asks again).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { InputConflictError } from '../../server/lib/errors'
import type { AppendResult, JobProvider } from '../../server/lib/providers/types'
import { RETRY_BASE_DELAY_MS } from '../../server/lib/persist-queue'
import { ANSWER_STORE_WAIT_MS } from '../../server/lib/stored-answer'
import type { RunContext } from '../../server/lib/run-context'
import { chatRequest, createTestEngine } from '../support/engine-harness'

type Store = 'up' | 'down' | 'refuses'

/** An engine whose provider's appends throw (`down`) or are refused (`refuses`) as `store.mode` says. */
function engineWithStore() {
  const store: { mode: Store } = { mode: 'up' }
  const made = createTestEngine({
    runners: {
      async chat(context: RunContext) {
        const { answer } = await context.requestInput({ kind: 'workflow-input', prompt: 'Which?', onTimeout: 'fail' })
        context.text(`answer was ${String(answer)}`)
      },
    },
    wrap: inner => Object.assign(Object.create(inner) as JobProvider, {
      async appendEvents(...args: Parameters<JobProvider['appendEvents']>): Promise<AppendResult> {
        if (store.mode === 'down') throw new Error('store unreachable')
        if (store.mode === 'refuses') return { ok: false, reason: 'stale-epoch', lastSeq: 0 }
        return await inner.appendEvents(...args)
      },
    }),
  })
  return { ...made, store }
}

/** Starts a job that waits for an answer; resolves its id and the pending request's id. */
async function waitingJob(engine: ReturnType<typeof engineWithStore>['engine']) {
  const { job } = await engine.createJob('u1', { request: chatRequest })
  await vi.advanceTimersByTimeAsync(10)
  const { state } = await engine.getJob('u1', job.id)
  expect(state.status).toBe('waiting')
  return { jobId: job.id, requestId: state.pendingInputs[0]!.requestId }
}

describe('an answer is acknowledged once stored', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('waits for the write of the answer while the store is briefly down, then says it is stored', async () => {
    const { engine, provider, store } = engineWithStore()
    const { jobId, requestId } = await waitingJob(engine)
    store.mode = 'down'
    let outcome: { stored: boolean } | null = null
    void engine.answerInput('u1', jobId, { requestId, answer: 'blue' }).then((answered) => {
      outcome = answered
    })
    await vi.advanceTimersByTimeAsync(RETRY_BASE_DELAY_MS * 3)
    expect(outcome).toBeNull()
    expect((await provider.getState(jobId))!.pendingInputs).toHaveLength(1)
    store.mode = 'up'
    await vi.advanceTimersByTimeAsync(RETRY_BASE_DELAY_MS * 8)
    expect(outcome).toEqual({ stored: true })
    expect((await provider.getState(jobId))!.pendingInputs).toEqual([])
    await engine.whenSettled(jobId)
    expect(await provider.getState(jobId)).toMatchObject({ status: 'completed', content: 'answer was blue' })
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
    await engine.dispose()
  })

  it(`answers stored: false after ${ANSWER_STORE_WAIT_MS} ms of a slow store; the job goes on and stores the answer later`, async () => {
    const { engine, provider, store } = engineWithStore()
    const { jobId, requestId } = await waitingJob(engine)
    store.mode = 'down'
    let outcome: { stored: boolean } | null = null
    void engine.answerInput('u1', jobId, { requestId, answer: 'green' }).then((answered) => {
      outcome = answered
    })
    await vi.advanceTimersByTimeAsync(ANSWER_STORE_WAIT_MS - 1)
    expect(outcome).toBeNull()
    await vi.advanceTimersByTimeAsync(1)
    expect(outcome).toEqual({ stored: false })
    store.mode = 'up'
    await vi.advanceTimersByTimeAsync(RETRY_BASE_DELAY_MS * 32)
    await engine.whenSettled(jobId)
    expect(await provider.getState(jobId)).toMatchObject({ status: 'completed', content: 'answer was green' })
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
    await engine.dispose()
  })

  it('is a 409 when the run stops before the answer is stored (its write refused: the job moved on)', async () => {
    const { engine, provider, store } = engineWithStore()
    const { jobId, requestId } = await waitingJob(engine)
    store.mode = 'refuses'
    const answered = engine.answerInput('u1', jobId, { requestId, answer: 'red' })
    await expect(answered).rejects.toBeInstanceOf(InputConflictError)
    await expect(answered).rejects.toThrow(/was not stored/)
    expect((await provider.getState(jobId))!.pendingInputs).toHaveLength(1)
    await engine.whenSettled(jobId)
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
    await engine.dispose()
  })
})
