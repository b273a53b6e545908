/**
 * Contract (multi-instance providers): controls sent to a job's owner, the owner's replies, and a
 * user's changed jobs. Two providers over one store stand for two instances when the harness can
 * make a second one; otherwise both sides use the same provider.
 */
import { describe, expect, it } from 'vitest'
import { JobNotFoundError } from '../../server/lib/errors'
import type { ChangedJobRecord, ControlReply, JobProvider, StoredJobControl } from '../../server/lib/providers/types'
import type { ContractScope } from './contract'
import { appendAccepted, createJob, statusEvent } from './contract-fixtures'

type ControlCalls = Required<Pick<JobProvider, 'sendControl' | 'subscribeControls' | 'replyToControl' | 'subscribeControlReply' | 'readControlReply' | 'subscribeUserJobs'>>

/** The control calls, or a failure naming what is missing. */
function controlsOf(provider: JobProvider): ControlCalls {
  const { sendControl, subscribeControls, replyToControl, subscribeControlReply, readControlReply, subscribeUserJobs } = provider
  if (!sendControl || !subscribeControls || !replyToControl || !subscribeControlReply || !readControlReply || !subscribeUserJobs) {
    throw new Error(`Provider ${provider.name} lacks control calls; pass { controls: false } to the contract`)
  }
  return {
    sendControl: sendControl.bind(provider),
    subscribeControls: subscribeControls.bind(provider),
    replyToControl: replyToControl.bind(provider),
    subscribeControlReply: subscribeControlReply.bind(provider),
    readControlReply: readControlReply.bind(provider),
    subscribeUserJobs: subscribeUserJobs.bind(provider),
  }
}

const strip = (control: StoredJobControl) => {
  const { id: _id, sentAt: _sentAt, ...rest } = control
  return rest
}

/** Defines the control tests. */
export function defineControlContract(scope: ContractScope): void {
  describe('controls', () => {
    it('delivers controls sent after subscribing, once each and in order, with ids', async () => {
      const calls = controlsOf(scope.provider)
      const job = await createJob(scope.provider)
      const received: StoredJobControl[] = []
      const unsubscribe = calls.subscribeControls(job.id, control => received.push(control))
      await scope.flush()
      const first = await calls.sendControl(job.id, { type: 'input', userId: 'user-a', requestId: 'request-1', answer: { go: true } })
      const second = await calls.sendControl(job.id, { type: 'abort', userId: 'user-a' })
      // Answer and stop: an abort that gives the job's pending approvals an answer first.
      const third = await calls.sendControl(job.id, { type: 'abort', userId: 'user-a', answer: { approved: false, reason: 'a new message' } })
      await scope.flush()
      expect(received.map(strip)).toEqual([
        { type: 'input', userId: 'user-a', requestId: 'request-1', answer: { go: true } },
        { type: 'abort', userId: 'user-a' },
        { type: 'abort', userId: 'user-a', answer: { approved: false, reason: 'a new message' } },
      ])
      expect(received.map(control => control.id)).toEqual([first, second, third])
      expect(first).not.toBe(second)
      unsubscribe()
      await calls.sendControl(job.id, { type: 'abort', userId: 'user-a' })
      await scope.flush()
      expect(received).toHaveLength(3)
    })

    it('replays the controls already sent with fromStart (an owner taking a job over)', async () => {
      const calls = controlsOf(scope.provider)
      const job = await createJob(scope.provider)
      await calls.sendControl(job.id, { type: 'abort', userId: 'user-a' })
      const later: StoredJobControl[] = []
      const fromStart: StoredJobControl[] = []
      const stopLater = calls.subscribeControls(job.id, control => later.push(control))
      const stopFromStart = calls.subscribeControls(job.id, control => fromStart.push(control), { fromStart: true })
      await scope.flush()
      expect(later).toEqual([])
      expect(fromStart.map(strip)).toEqual([{ type: 'abort', userId: 'user-a' }])
      stopLater()
      stopFromStart()
    })

    it('reads every stored control once, in the order sent, as subscribeControls gives them (a takeover reads them before it runs)', async () => {
      const { readControls } = scope.provider
      if (!readControls) throw new Error(`Provider ${scope.provider.name} lacks readControls`)
      const calls = controlsOf(scope.provider)
      const job = await createJob(scope.provider)
      expect(await readControls.call(scope.provider, job.id)).toEqual([])
      // More than one page of the store's reads (convex: 100 controls a page).
      const sent: string[] = []
      for (let index = 0; index < 101; index++) sent.push(await calls.sendControl(job.id, { type: 'input', userId: 'user-a', requestId: `request-${index}`, answer: { index } }))
      sent.push(await calls.sendControl(job.id, { type: 'abort', userId: 'user-a' }))
      const fromStart: StoredJobControl[] = []
      const stop = calls.subscribeControls(job.id, control => fromStart.push(control), { fromStart: true })
      await scope.flush()
      stop()
      const read = await readControls.call(scope.provider, job.id)
      expect(read.map(control => control.id)).toEqual(sent)
      expect(read).toEqual(fromStart)
      expect(read.at(-1)).toMatchObject({ type: 'abort', userId: 'user-a' })
      expect(read[100]).toMatchObject({ type: 'input', requestId: 'request-100', answer: { index: 100 } })
      expect(await readControls.call(scope.provider, 'no-such-job')).toEqual([])
    })

    it('refuses a control for a missing job or another user\'s job with JobNotFoundError', async () => {
      const calls = controlsOf(scope.provider)
      const job = await createJob(scope.provider)
      await expect(calls.sendControl('no-such-job', { type: 'abort', userId: 'user-a' })).rejects.toBeInstanceOf(JobNotFoundError)
      await expect(calls.sendControl(job.id, { type: 'abort', userId: 'user-b' })).rejects.toBeInstanceOf(JobNotFoundError)
    })

    it('hands the owner\'s reply to the sender once, also when it was stored before subscribing; the first reply wins', async () => {
      const calls = controlsOf(scope.provider)
      const job = await createJob(scope.provider)
      const early = await calls.sendControl(job.id, { type: 'abort', userId: 'user-a' })
      const late = await calls.sendControl(job.id, { type: 'input', userId: 'user-a', requestId: 'request-1', answer: 1 })
      const conflict: ControlReply = { ok: false, status: 409, error: 'InputConflictError', message: 'Input request request-1 was already answered or expired' }
      expect(await calls.readControlReply(job.id, late)).toBeNull()
      await calls.replyToControl(job.id, early, { ok: true })
      const earlyReplies: ControlReply[] = []
      const lateReplies: ControlReply[] = []
      const stopEarly = calls.subscribeControlReply(job.id, early, reply => earlyReplies.push(reply))
      const stopLate = calls.subscribeControlReply(job.id, late, reply => lateReplies.push(reply))
      await scope.flush()
      expect(earlyReplies).toEqual([{ ok: true }])
      expect(lateReplies).toEqual([])
      await calls.replyToControl(job.id, late, conflict)
      await calls.replyToControl(job.id, late, { ok: true })
      await scope.flush()
      expect(lateReplies).toEqual([conflict])
      expect(earlyReplies).toHaveLength(1)
      // Read once (a sender that saw the job end first): the stored reply, the first one.
      expect(await calls.readControlReply(job.id, late)).toEqual(conflict)
      expect(await calls.readControlReply(job.id, early)).toEqual({ ok: true })
      stopEarly()
      stopLate()
    })
  })

  describe('subscribeUserJobs', () => {
    it('delivers the user\'s jobs that were created or changed status, not other users\' jobs', async () => {
      const calls = controlsOf(scope.provider)
      const seen: ChangedJobRecord[] = []
      const unsubscribe = calls.subscribeUserJobs('user-a', records => seen.push(...records))
      await scope.flush()
      const job = await createJob(scope.provider)
      await createJob(scope.provider, { userId: 'user-b' })
      await scope.flush()
      expect(seen.map(record => [record.id, record.status])).toContainEqual([job.id, 'queued'])
      await appendAccepted(scope.provider, job.id, [statusEvent(1)])
      await scope.flush()
      expect(seen.at(-1)).toMatchObject({ id: job.id, status: 'running' })
      expect(seen.every(record => record.userId === 'user-a')).toBe(true)
      unsubscribe()
    })
  })
}
