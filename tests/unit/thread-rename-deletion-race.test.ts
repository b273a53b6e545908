/**
 * A rename racing the deletion of its thread's last job: the rename is stored first (the thread
 * still had its job), but the deletion is told to the user's streams before it — here, the
 * deletion request ran while the rename's call was on its way back (on Redis or Convex, a local
 * deletion overtaking the feed's copy of a rename stored elsewhere is the same race). The rename
 * names the thread's newest job (`jobId`), so the hub knows it is older than that job's deletion:
 * neither a live stream nor one resuming from before hears the deleted thread's title after it.
 */
import { expect, it } from 'vitest'
import type { JobNotification } from '../../shared/api-types'
import type { NotificationSink } from '../../server/lib/notifications'
import { chatRequest, createTestEngine } from '../support/engine-harness'

function recordingSink() {
  const received: JobNotification[] = []
  const sink: NotificationSink = { send: notification => void received.push(notification), comment() {}, close() {} }
  return { sink, told: () => received.map(({ type, threadId, title }) => [type, threadId, title]) }
}

it('a rename whose thread\'s last job is deleted before it is told is told to no stream, live or resuming', async () => {
  let released: () => void = () => {}
  const held = new Promise<void>(resolve => released = resolve)
  let stored = () => {}
  const renameStored = new Promise<void>(resolve => stored = resolve)
  const { engine } = createTestEngine({
    runners: { chat: async () => {}, workflow: async () => {} },
    // The rename is stored, then its answer waits while the deletion runs.
    wrap: provider => Object.assign(Object.create(provider) as typeof provider, {
      async renameThread(...args: Parameters<typeof provider.renameThread>) {
        const answer = await provider.renameThread(...args)
        stored()
        await held
        return answer
      },
    }),
  })
  try {
    const { job } = await engine.createJob('u1', { request: chatRequest, threadId: 'talk' })
    await engine.whenSettled(job.id)
    let position = 0
    const live = recordingSink()
    engine.attachNotifications('u1', { ...live.sink, position: (id) => {
      position = id
    } }, null)

    const renaming = engine.renameThread('u1', 'talk', 'Secret plans')
    await renameStored
    expect(await engine.deleteThread('u1', 'talk')).toMatchObject({ deleted: [job.id] })
    released()
    await renaming

    expect(live.told()).toEqual([['job-deleted', 'talk', undefined]])
    const resumed = recordingSink()
    engine.attachNotifications('u1', resumed.sink, position)
    expect(resumed.told()).toEqual([['job-deleted', 'talk', undefined]])
  }
  finally {
    released()
    await engine.dispose()
  }
})
