import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ConcurrencyLimitError, FeatureDisabledError, InputConflictError, InvalidAnswerError, JobNotFoundError } from '../../server/lib/errors'
import { JobFailure } from '../../server/lib/run-context'
import type { RunContext } from '../../server/lib/run-context'
import { z } from 'zod'
import { RUN_RETURN_GRACE_MS } from '../../server/lib/engine'
import { silentLogger } from '../../server/lib/logger'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { chatRequest, createRecordingSink, createTestEngine, wait } from '../support/engine-harness'
import { createStepModel, textStep, toolStep } from '../support/step-model'

async function slowText(context: RunContext) {
  for (let index = 0; index < 50; index++) {
    await wait(20, context.signal)
    context.text(`t${index} `)
  }
}

describe('engine lifecycle', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('runs queued → running → completed and records the end', async () => {
    const { engine } = createTestEngine({ runners: { chat: slowText } })
    const { job, created } = await engine.createJob('u1', { request: chatRequest, threadId: 't1' })
    expect(created).toBe(true)
    expect(job.status).toBe('queued')
    await vi.advanceTimersByTimeAsync(2_000)
    await engine.whenSettled(job.id)
    const { job: done, state } = await engine.getJob('u1', job.id)
    expect(done.status).toBe('completed')
    expect(state.content.startsWith('t0 t1 ')).toBe(true)
    expect(state.metrics?.duration_ms).toBeGreaterThan(0)
    expect(state.metrics?.first_token_ms).toBe(20)
  })

  it('returns the same job for the same Idempotency-Key', async () => {
    const { engine } = createTestEngine({ runners: { chat: slowText } })
    const first = await engine.createJob('u1', { request: chatRequest, idempotencyKey: 'k1' })
    const again = await engine.createJob('u1', { request: chatRequest, idempotencyKey: 'k1' })
    const otherUser = await engine.createJob('u2', { request: chatRequest, idempotencyKey: 'k1' })
    expect(again.created).toBe(false)
    expect(again.job.id).toBe(first.job.id)
    expect(otherUser.job.id).not.toBe(first.job.id)
    await engine.dispose()
  })

  it('abort keeps partial text, is idempotent, and a late complete is refused', async () => {
    let finishedAfterAbort = false
    const { engine, provider } = createTestEngine({
      runners: {
        async chat(context) {
          context.text('partial ')
          // A runner that ignores its signal and "completes" late must not flip the status.
          await wait(500)
          finishedAfterAbort = true
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const sink = createRecordingSink()
    await engine.attachViewer('u1', job.id, sink, null)
    await vi.advanceTimersByTimeAsync(100)
    const aborted = await engine.abortJob('u1', job.id)
    expect(aborted.status).toBe('aborted')
    expect((await engine.abortJob('u1', job.id)).status).toBe('aborted')
    await vi.advanceTimersByTimeAsync(1_000)
    await engine.whenSettled(job.id)
    expect(finishedAfterAbort).toBe(true)
    const { state } = await engine.getJob('u1', job.id)
    expect(state.status).toBe('aborted')
    expect(state.content).toBe('partial ')
    expect(sink.frames.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'aborted' } })
    expect((await provider.get(job.id))!.status).toBe('aborted')
  })

  it('abort fires the runner signal promptly', async () => {
    let reason: unknown = null
    const { engine } = createTestEngine({
      runners: {
        async chat(context) {
          try {
            await wait(60_000, context.signal)
          }
          catch (error) {
            reason = error
            throw error
          }
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(10)
    await engine.abortJob('u1', job.id)
    await engine.whenSettled(job.id)
    expect(reason).toMatchObject({ code: 'aborted' })
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
  })

  it('another user gets JobNotFoundError on every call', async () => {
    const { engine } = createTestEngine({ runners: { chat: slowText } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await expect(engine.getJob('u2', job.id)).rejects.toBeInstanceOf(JobNotFoundError)
    await expect(engine.abortJob('u2', job.id)).rejects.toBeInstanceOf(JobNotFoundError)
    await expect(engine.attachViewer('u2', job.id, createRecordingSink(), null)).rejects.toBeInstanceOf(JobNotFoundError)
    await expect(engine.answerInput('u2', job.id, { requestId: 'r', answer: 1 })).rejects.toBeInstanceOf(JobNotFoundError)
    expect(await engine.listJobs('u2')).toEqual([])
    expect((await engine.listJobs('u1')).map(listed => listed.id)).toEqual([job.id])
    await engine.dispose()
  })

  it('enforces per-user and global concurrency with a retry hint', async () => {
    const { engine } = createTestEngine({
      config: { limits: { maxConcurrentJobsPerUser: 2, maxConcurrentJobs: 3, retryAfterSeconds: 7 } },
      runners: { chat: slowText },
    })
    await engine.createJob('u1', { request: chatRequest })
    await engine.createJob('u1', { request: chatRequest })
    const perUser = await engine.createJob('u1', { request: chatRequest }).catch(error => error)
    expect(perUser).toBeInstanceOf(ConcurrencyLimitError)
    expect(perUser).toMatchObject({ scope: 'user', retryAfterSeconds: 7, statusCode: 429 })
    await engine.createJob('u2', { request: chatRequest })
    await expect(engine.createJob('u3', { request: chatRequest })).rejects.toMatchObject({ scope: 'global' })
    await vi.advanceTimersByTimeAsync(2_000)
    await engine.createJob('u3', { request: chatRequest })
    await engine.dispose()
  })

  it('a chat tool whose needsApproval never answers: abort ends the job and releases the run', async () => {
    const tool = defineTool({ name: 'lookup', description: 'Looks up', parameters: z.object({}), needsApproval: () => new Promise<boolean>(() => {}), execute: () => 'ran' })
    const model = createStepModel([toolStep([{ id: 'c1', name: 'lookup', args: {} }]), textStep('done')])
    const { engine } = createTestEngine({ model, tools: createToolRegistry([tool]), runners: { chat: runChatJob } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(100)
    expect((await engine.abortJob('u1', job.id)).status).toBe('aborted')
    await vi.advanceTimersByTimeAsync(0)
    await engine.whenSettled(job.id)
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
  })

  it('shutdown never hangs on a job whose code ignores its abort; it says which', async () => {
    const errors: Array<{ message: string, fields?: Record<string, unknown> }> = []
    const logger = { ...silentLogger, error: (message: string, fields?: Record<string, unknown>) => errors.push({ message, fields }) }
    const leaseMs = 2_000
    const { engine } = createTestEngine({ runners: { chat: () => new Promise<void>(() => {}) }, logger, config: { lease: { durationMs: leaseMs, heartbeatMs: 500 } } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(0)
    let disposed = false
    void engine.dispose().then(() => { disposed = true })
    // The pending writes get one lease period, then the code its grace.
    await vi.advanceTimersByTimeAsync(leaseMs + RUN_RETURN_GRACE_MS - 1)
    expect(disposed).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(disposed).toBe(true)
    expect(errors).toEqual([expect.objectContaining({ message: expect.stringContaining('had not returned'), fields: expect.objectContaining({ jobIds: [job.id] }) })])
  })

  it('fails a job that exceeds its wall-clock limit, keeping partial text', async () => {
    const { engine } = createTestEngine({ config: { limits: { jobTimeoutMs: 300 } }, runners: { chat: slowText } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(1_000)
    await engine.whenSettled(job.id)
    const { state } = await engine.getJob('u1', job.id)
    expect(state.status).toBe('failed')
    expect(state.error).toMatchObject({ code: 'timeout' })
    expect(state.error!.message).toContain('limits.jobTimeoutMs')
    expect(state.content.length).toBeGreaterThan(0)
  })

  it('a runner failure ends the job failed with its code, never an unhandled rejection', async () => {
    const { engine } = createTestEngine({
      runners: {
        async chat(context) {
          context.text('so far')
          await wait(10)
          throw new JobFailure('max-steps', 'Stopped after 10 steps', { failedDuring: 'model' })
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)
    const { state } = await engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'failed', content: 'so far', error: { code: 'max-steps', failedDuring: 'model' } })
  })

  it('waits for input, rejects bad and stale answers, resumes on a good one', async () => {
    const { engine } = createTestEngine({
      runners: {
        async chat(context) {
          const answer = await context.requestInput({
            kind: 'tool-approval',
            prompt: 'Delete?',
            onTimeout: 'deny',
            validate: (value) => {
              if (value !== 'approve' && value !== 'deny') throw new InvalidAnswerError('answer: must be "approve" or "deny"')
              return value
            },
          })
          context.text(`answer was ${String(answer.answer)}`)
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(10)
    let { state } = await engine.getJob('u1', job.id)
    expect(state.status).toBe('waiting')
    const requestId = state.pendingInputs[0]!.requestId
    await expect(engine.answerInput('u1', job.id, { requestId, answer: 'maybe' })).rejects.toBeInstanceOf(InvalidAnswerError)
    expect((await engine.getJob('u1', job.id)).state.status).toBe('waiting')
    await expect(engine.answerInput('u1', job.id, { requestId: 'nope', answer: 'approve' })).rejects.toBeInstanceOf(InputConflictError)
    await engine.answerInput('u1', job.id, { requestId, answer: 'approve' })
    // The same answer again (a retry) is the answer taken; another one is a conflict.
    await expect(engine.answerInput('u1', job.id, { requestId, answer: 'approve' })).resolves.toEqual({ stored: true })
    await expect(engine.answerInput('u1', job.id, { requestId, answer: 'deny' })).rejects.toBeInstanceOf(InputConflictError)
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)
    state = (await engine.getJob('u1', job.id)).state
    expect(state.status).toBe('completed')
    expect(state.content).toBe('answer was approve')
    expect(state.answeredInputs[0]).toMatchObject({ requestId, answer: 'approve', answeredBy: 'u1' })
  })

  it('applies onTimeout when nobody answers', async () => {
    const { engine } = createTestEngine({
      config: { limits: { inputTimeoutMs: 1_000 } },
      runners: {
        async chat(context) {
          const answer = await context.requestInput({ kind: 'tool-approval', prompt: 'Delete?', onTimeout: 'deny' })
          context.text(`${String(answer.answer)} by ${answer.answeredBy}`)
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(1_500)
    await engine.whenSettled(job.id)
    const { state } = await engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'completed', content: 'deny by timeout' })
  })

  it('flag off → FeatureDisabledError naming the flag', async () => {
    const { engine } = createTestEngine({ config: { enabled: false }, runners: { chat: slowText } })
    const error = await engine.createJob('u1', { request: chatRequest }).catch(caught => caught)
    expect(error).toBeInstanceOf(FeatureDisabledError)
    expect(error.message).toContain('NUXT_BACKGROUND_JOBS_ENABLED')
  })

  it('finished jobs replay snapshot + job-end, a fully seen one replays nothing, then expire', async () => {
    const { engine } = createTestEngine({ config: { limits: { retentionMs: 60_000 } }, runners: { chat: slowText } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(2_000)
    await engine.whenSettled(job.id)
    const replay = createRecordingSink()
    const attachment = await engine.attachViewer('u1', job.id, replay, null)
    expect(attachment.open).toBe(false)
    expect(replay.frames.map(frame => frame.event)).toEqual(['snapshot', 'job-end'])
    expect(replay.frames[0]!.id).toBe(replay.frames[1]!.id - 1)
    expect(replay.state()!.status).toBe('completed')
    const seen = await engine.attachViewer('u1', job.id, createRecordingSink(), replay.frames[1]!.id)
    expect(seen.upToDate).toBe(true)
    vi.setSystemTime(Date.now() + 61_000)
    await engine.cleanup()
    await expect(engine.getJob('u1', job.id)).rejects.toBeInstanceOf(JobNotFoundError)
  })

  it('a garbage, future or too-old Last-Event-ID gets a snapshot, never an error', async () => {
    const { engine } = createTestEngine({ runners: { chat: slowText } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(200)
    for (const after of [null, 999_999]) {
      const sink = createRecordingSink()
      await engine.attachViewer('u1', job.id, sink, after)
      expect(sink.frames[0]!.event).toBe('snapshot')
    }
    await engine.dispose()
  })

  it('memory hygiene: 1,000 jobs to completion and past retention leave every count at zero', async () => {
    const { engine, provider } = createTestEngine({ config: { limits: { retentionMs: 10_000, maxConcurrentJobs: 2_000, maxConcurrentJobsPerUser: 2_000 } }, runners: { chat: slowText } })
    const ids: string[] = []
    for (let index = 0; index < 1_000; index++) {
      const { job } = await engine.createJob(`user${index % 10}`, { request: chatRequest })
      ids.push(job.id)
      if (index % 100 === 0) await engine.attachViewer(`user${index % 10}`, job.id, createRecordingSink(), null)
    }
    await vi.advanceTimersByTimeAsync(5_000)
    // Each end is stored and reported one event-loop turn after the job's last text (run-manager.ts).
    await Promise.all(ids.map(id => engine.whenSettled(id)))
    expect(engine.stats()).toMatchObject({ runs: 0, viewers: 0, jobTimers: 0, pendingInputs: 0, remoteFeeds: 0 })
    vi.setSystemTime(Date.now() + 20_000)
    await vi.advanceTimersByTimeAsync(60_000) // the cleanup interval runs
    expect(provider.stats()).toMatchObject({ jobs: 0, events: 0, idempotencyKeys: 0 })
    expect(engine.stats()).toMatchObject({ runs: 0, viewers: 0, jobTimers: 0, notificationUsers: 0 })
    await engine.dispose()
    expect(engine.stats().engineTimers).toBe(0)
  })
})
