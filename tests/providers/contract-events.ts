/**
 * Contract: appending to a job's event log (and every refusal), reading it back, reducing it.
 */
import { describe, expect, it } from 'vitest'
import type { JobError, JobEvent } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import type { ContractScope } from './contract'
import { appendAccepted, chatLog, createJob, endEvent, eventAt, START_MS, statusEvent, textEvent } from './contract-fixtures'

/** Defines the event log tests. */
export function defineEventContract(scope: ContractScope): void {
  /** Checks that a refused append left the job exactly as it was. */
  async function expectUnchanged(id: string, append: () => Promise<unknown>) {
    const recordBefore = await scope.provider.get(id)
    const eventsBefore = await scope.provider.readEvents(id, 0)
    const stateBefore = await scope.provider.getState(id)
    await append()
    expect(await scope.provider.get(id)).toEqual(recordBefore)
    expect(await scope.provider.readEvents(id, 0)).toEqual(eventsBefore)
    expect(await scope.provider.getState(id)).toEqual(stateBefore)
  }

  describe('appendEvents', () => {
    it('appends contiguous batches; status, lastSeq and updatedAt follow the events', async () => {
      const job = await createJob(scope.provider)
      await appendAccepted(scope.provider, job.id, [statusEvent(1), textEvent(2, 0, 'Hi')])
      expect(await scope.provider.get(job.id)).toMatchObject({ status: 'running', lastSeq: 2, updatedAt: eventAt(2), endedAt: null })
      await appendAccepted(scope.provider, job.id, [statusEvent(3, 'waiting')])
      expect(await scope.provider.get(job.id)).toMatchObject({ status: 'waiting', lastSeq: 3, updatedAt: eventAt(3) })
      await appendAccepted(scope.provider, job.id, [statusEvent(4, 'running'), textEvent(5, 2, '!')])
      expect(await scope.provider.get(job.id)).toMatchObject({ status: 'running', lastSeq: 5, updatedAt: eventAt(5) })
    })

    it('keeps a client tool\'s wait for the browser (a tool-output input request) and its answer, as appended', async () => {
      const job = await createJob(scope.provider)
      const request: JobEvent = { type: 'input-request', seq: 3, at: eventAt(3), requestId: 'request-1', kind: 'tool-output', prompt: 'Run the tool "get_location" in the browser with {}', expiresAt: eventAt(3) + 60_000, onTimeout: 'deny', toolCallId: 'call-1', tool: 'get_location', args: {} }
      await appendAccepted(scope.provider, job.id, [statusEvent(1), { type: 'tool-call', seq: 2, at: eventAt(2), id: 'call-1', name: 'get_location', args: {}, step: 1 }, request, statusEvent(4, 'waiting')])
      expect((await scope.provider.getState(job.id))?.pendingInputs).toEqual([expect.objectContaining({ requestId: 'request-1', kind: 'tool-output', toolCallId: 'call-1' })])
      await appendAccepted(scope.provider, job.id, [{ type: 'input-response', seq: 5, at: eventAt(5), requestId: 'request-1', answer: { output: { city: 'Berlin' } }, answeredAt: eventAt(5), answeredBy: 'user-a' }, statusEvent(6, 'running')])
      expect((await scope.provider.readEvents(job.id, 0))?.events.find(event => event.seq === 3)).toMatchObject({ kind: 'tool-output', toolCallId: 'call-1' })
      expect((await scope.provider.getState(job.id))?.answeredInputs).toEqual([expect.objectContaining({ kind: 'tool-output', answer: { output: { city: 'Berlin' } } })])
    })

    it('ends the job on job-end: terminal status and endedAt', async () => {
      const job = await createJob(scope.provider)
      await appendAccepted(scope.provider, job.id, chatLog('completed'))
      expect(await scope.provider.get(job.id)).toMatchObject({ status: 'completed', lastSeq: 4, endedAt: eventAt(4), updatedAt: eventAt(4) })
    })

    it("refuses a job that does not exist with 'not-found'", async () => {
      expect(await scope.provider.appendEvents('no-such-job', [statusEvent(1)], { epoch: 1 })).toMatchObject({ ok: false, reason: 'not-found' })
    })

    it("refuses seqs that do not continue the log with 'seq-conflict', writing nothing", async () => {
      const job = await createJob(scope.provider)
      await appendAccepted(scope.provider, job.id, [statusEvent(1), textEvent(2, 0, 'Hi')])
      const refusals: JobEvent[][] = [
        [textEvent(4, 2, 'gap')], // skips seq 3
        [textEvent(2, 0, 'Hi')], // repeats a stored seq
        [textEvent(3, 2, 'a'), textEvent(5, 3, 'b')], // a gap inside the batch
        [textEvent(3, 2, 'a'), textEvent(3, 3, 'b')], // a repeat inside the batch
      ]
      for (const events of refusals) {
        await expectUnchanged(job.id, async () => {
          expect(await scope.provider.appendEvents(job.id, events, { epoch: 1 })).toEqual({ ok: false, reason: 'seq-conflict', lastSeq: 2 })
        })
      }
    })

    it("refuses the first batch unless it starts at seq 1 ('seq-conflict')", async () => {
      const job = await createJob(scope.provider)
      expect(await scope.provider.appendEvents(job.id, [statusEvent(2)], { epoch: 1 })).toMatchObject({ ok: false, reason: 'seq-conflict', lastSeq: 0 })
      expect(await scope.provider.readEvents(job.id, 0)).toEqual({ events: [], complete: true })
    })

    it("refuses any write to a finished job with 'terminal'", async () => {
      const job = await createJob(scope.provider)
      await appendAccepted(scope.provider, job.id, chatLog('completed'))
      await expectUnchanged(job.id, async () => {
        expect(await scope.provider.appendEvents(job.id, [textEvent(5, 12, 'late')], { epoch: 1 })).toEqual({ ok: false, reason: 'terminal', lastSeq: 4 })
        expect(await scope.provider.appendEvents(job.id, [statusEvent(5)], { epoch: 1 })).toMatchObject({ ok: false, reason: 'terminal' })
      })
    })

    it("refuses a late complete after an abort ('terminal'): the job stays aborted", async () => {
      const job = await createJob(scope.provider)
      await appendAccepted(scope.provider, job.id, chatLog('aborted'))
      await expectUnchanged(job.id, async () => {
        expect(await scope.provider.appendEvents(job.id, [endEvent(5, 'completed')], { epoch: 1 })).toMatchObject({ ok: false, reason: 'terminal' })
      })
      expect(await scope.provider.get(job.id)).toMatchObject({ status: 'aborted', endedAt: eventAt(4) })
      expect((await scope.provider.getState(job.id))?.status).toBe('aborted')
    })

    it("refuses a whole batch that has events after its job-end ('terminal')", async () => {
      const job = await createJob(scope.provider)
      await appendAccepted(scope.provider, job.id, [statusEvent(1)])
      await expectUnchanged(job.id, async () => {
        const batch = [textEvent(2, 0, 'Hi'), endEvent(3, 'completed'), textEvent(4, 2, 'after the end')]
        expect(await scope.provider.appendEvents(job.id, batch, { epoch: 1 })).toMatchObject({ ok: false, reason: 'terminal', lastSeq: 1 })
      })
      expect(await scope.provider.get(job.id)).toMatchObject({ status: 'running', endedAt: null })
    })

    it("refuses a writer whose epoch is older than the job's lease ('stale-epoch')", async () => {
      const lease = { instanceId: 'instance-2', epoch: 2, expiresAt: START_MS + 60_000 }
      const job = await createJob(scope.provider, { lease })
      expect(job.lease).toEqual(lease)
      await expectUnchanged(job.id, async () => {
        expect(await scope.provider.appendEvents(job.id, [statusEvent(1)], { epoch: 1 })).toEqual({ ok: false, reason: 'stale-epoch', lastSeq: 0 })
      })
      await appendAccepted(scope.provider, job.id, [statusEvent(1)], 2)
    })
  })

  describe('readEvents', () => {
    it('returns the events after a seq: from the start, the middle, the end and beyond', async () => {
      const job = await createJob(scope.provider)
      const log = chatLog('completed')
      await appendAccepted(scope.provider, job.id, log.slice(0, 2))
      await appendAccepted(scope.provider, job.id, log.slice(2))
      expect(await scope.provider.readEvents(job.id, 0)).toEqual({ events: log, complete: true })
      expect(await scope.provider.readEvents(job.id, 2)).toEqual({ events: log.slice(2), complete: true })
      expect(await scope.provider.readEvents(job.id, 3)).toEqual({ events: log.slice(3), complete: true })
      expect(await scope.provider.readEvents(job.id, 4)).toEqual({ events: [], complete: true })
      expect(await scope.provider.readEvents(job.id, 99)).toEqual({ events: [], complete: true })
    })

    it('returns null for an unknown job', async () => {
      expect(await scope.provider.readEvents('no-such-job', 0)).toBeNull()
    })
  })

  describe('getState', () => {
    it('equals the reducer applied to the stored log', async () => {
      const job = await createJob(scope.provider)
      expect(await scope.provider.getState(job.id)).toEqual(createJobState({ id: job.id, type: job.type, createdAt: job.createdAt }))
      const log = chatLog('failed')
      await appendAccepted(scope.provider, job.id, log.slice(0, 1))
      // Read between appends too: a provider that keeps its state up to date lazily must resume from it.
      expect(await scope.provider.getState(job.id)).toEqual(reduceEvents(createJobState({ id: job.id, type: job.type, createdAt: job.createdAt }), log.slice(0, 1)))
      await appendAccepted(scope.provider, job.id, log.slice(1, 2))
      expect((await scope.provider.getState(job.id))?.seq).toBe(2)
      await appendAccepted(scope.provider, job.id, log.slice(2))
      const stored = await scope.provider.readEvents(job.id, 0)
      const expected = reduceEvents(createJobState({ id: job.id, type: job.type, createdAt: job.createdAt }), stored!.events)
      const state = await scope.provider.getState(job.id)
      expect(state).toEqual(expected)
      expect(state).toMatchObject({ seq: 4, status: 'failed', content: 'Hello, world', endedAt: eventAt(4) })
    })

    it('keeps the model each round named (step-end\'s model), and reads a round stored without one as none', async () => {
      const job = await createJob(scope.provider)
      const at = (seq: number) => ({ seq, at: eventAt(seq) })
      await appendAccepted(scope.provider, job.id, [
        statusEvent(1),
        { type: 'step-start', step: 1, ...at(2) },
        { type: 'step-end', step: 1, finishReason: 'tool_calls', toolCallCount: 0, model: 'cheap/model', ...at(3) },
        { type: 'step-start', step: 2, ...at(4) },
        { type: 'step-end', step: 2, finishReason: 'stop', toolCallCount: 0, ...at(5) },
      ])
      expect((await scope.provider.readEvents(job.id, 0))!.events.filter(event => event.type === 'step-end').map(event => event.model)).toEqual(['cheap/model', undefined])
      expect((await scope.provider.getState(job.id))!.steps.map(step => step.model)).toEqual(['cheap/model', undefined])
    })

    it('keeps a failed job\'s error as written: the model endpoint\'s httpStatus and upstreamCode, and none on one stored without them', async () => {
      const failed = (seq: number, error: JobError): JobEvent => ({ seq, at: eventAt(seq), type: 'job-end', status: 'failed', metrics: emptyMetrics(), error })
      const refused: JobError = { code: 'upstream-http', message: 'The model endpoint answered HTTP 429: slow down', failedDuring: 'model', httpStatus: 429, upstreamCode: 'rate_limit_exceeded' }
      // A job ended before the field existed: its status only in its message.
      const older: JobError = { code: 'upstream-http', message: 'The model endpoint answered HTTP 503: busy', failedDuring: 'model' }
      for (const error of [refused, older]) {
        const job = await createJob(scope.provider)
        await appendAccepted(scope.provider, job.id, [statusEvent(1), failed(2, error)])
        expect((await scope.provider.readEvents(job.id, 0))!.events.at(-1)).toMatchObject({ type: 'job-end', error })
        expect((await scope.provider.readEvents(job.id, 1))!.events).toEqual([failed(2, error)])
        expect((await scope.provider.getState(job.id))!.error).toEqual(error)
      }
    })

    it('returns null for an unknown job', async () => {
      expect(await scope.provider.getState('no-such-job')).toBeNull()
    })
  })
}
