/**
 * The rename-across-instances scenario, run on two engines over one shared provider (Redis, Convex):
 * a rename stored through A reaches the user's stream on B once, and A's once (told at once, the
 * feed's copy dropped), naming the thread's newest job; B's backlog keeps the thread's last rename, none once the thread is deleted;
 * another user's stream hears nothing.
 */
import { expect } from 'vitest'
import type { BackgroundJobsEngine } from '../../server/lib/engine'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'

/** A stream that keeps the titles of the `thread-renamed`s it gets. */
export function renameSink() {
  const received: JobNotification[] = []
  const sink: NotificationSink = { send: notification => void received.push(structuredClone(notification)), comment() {}, close() {} }
  const renames = () => received.filter(item => item.type === 'thread-renamed')
  return { sink, titles: () => renames().map(item => item.title), jobIds: () => renames().map(item => item.jobId) }
}

/** Runs the scenario; `settle` waits until both feeds handed on what was stored, `ended` until a job of A ended. */
export async function expectRenameAcrossInstances(a: BackgroundJobsEngine, b: BackgroundJobsEngine, settle: () => Promise<unknown>, ended: (jobId: string) => Promise<unknown>) {
  const onA = renameSink()
  const onB = renameSink()
  const otherUserOnB = renameSink()
  a.attachNotifications('u1', onA.sink, null)
  b.attachNotifications('u1', onB.sink, null)
  b.attachNotifications('u2', otherUserOnB.sink, null)
  await settle()
  const { job } = await a.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] }, threadId: 't1' })
  await ended(job.id)
  await settle()

  await a.renameThread('u1', 't1', 'Lisbon in May')
  await settle()
  expect(onB.titles()).toEqual(['Lisbon in May'])
  expect(onA.titles()).toEqual(['Lisbon in May'])
  // Each names the thread's newest job (the feed carries it from the store).
  expect([...onA.jobIds(), ...onB.jobIds()]).toEqual([job.id, job.id])

  await a.renameThread('u1', 't1', 'Porto')
  await settle()
  expect(onB.titles()).toEqual(['Lisbon in May', 'Porto'])
  expect(onA.titles()).toEqual(['Lisbon in May', 'Porto'])
  expect(otherUserOnB.titles()).toEqual([])
  // A tab resuming on B is told the thread's last title only.
  const resumed = renameSink()
  b.attachNotifications('u1', resumed.sink, 0)
  expect(resumed.titles()).toEqual(['Porto'])

  await a.deleteThread('u1', 't1')
  await settle()
  const afterDeletion = renameSink()
  b.attachNotifications('u1', afterDeletion.sink, 0)
  expect(afterDeletion.titles()).toEqual([])
}
