/**
 * The ownership check of a route (a stream's connect and HEAD, a snapshot, an abort, an answer)
 * of a job that runs on another instance reads the job as a listing gives it: it read the whole
 * record with `jobs:get`, request included (up to 1 MB: an AI SDK chat sends its whole history
 * with every turn), on every such request — every reconnect of every viewer. The app's hooks still
 * get the whole record (`getJobRecord`).
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { JobNotFoundError } from '../../server/lib/errors'
import type { ViewerSink } from '../../server/lib/viewer'
import { createBackend, endEvent, newJob, statusEvent, textDeltas } from './backend'
import { createEngineNode } from './engine-node'
import { countingQueries } from './counting-queries'
import { longHistoryChat } from '../support/long-history'

const config = resolveConfig({})

/** A sink that keeps nothing (the stream's frames are not what is measured). */
function quietSink(): ViewerSink {
  return { send: () => {}, comment: () => {}, close: () => {} }
}

describe('convex: the ownership check of a job run elsewhere and its request', () => {
  it('reads the job without its whole history, for snapshots, streams, aborts and answers', async () => {
    const backend = createBackend()
    const owner = createEngineNode(backend, { instanceId: 'A', config })
    const counter = { bytes: 0 }
    const viewer = createEngineNode(backend, { instanceId: 'B', config, wrapFacade: countingQueries(counter) })
    const { history, messages } = longHistoryChat()
    const { record: job } = await owner.provider.create(newJob({ userId: 'u1', request: { type: 'chat', messages } }))
    await owner.provider.appendEvents(job.id, [statusEvent(1, 'running'), ...textDeltas(2, ['Hello']), endEvent(3, 'completed')], { epoch: 1 })

    const before = counter.bytes
    const { job: summary } = await viewer.engine.getJob('u1', job.id)
    expect(summary).toMatchObject({ id: job.id, status: 'completed', prompt: 'And now?' })
    await viewer.engine.probeStream('u1', job.id, null)
    const attachment = await viewer.engine.attachViewer('u1', job.id, quietSink(), null)
    attachment.detach()
    expect(counter.bytes - before).toBeLessThan(history.length / 10)

    // Another user's job is still not theirs; the app's hooks still see the whole request.
    await expect(viewer.engine.getJob('u2', job.id)).rejects.toBeInstanceOf(JobNotFoundError)
    const whole = await viewer.engine.getJobRecord('u1', job.id)
    expect(whole.request).toEqual({ type: 'chat', messages })
    await viewer.engine.dispose()
    await owner.engine.dispose()
  })
})
