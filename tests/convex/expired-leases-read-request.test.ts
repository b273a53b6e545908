/**
 * Every instance's recovery scan lists the lapsed jobs (`listExpiredLeases`) every lease heartbeat,
 * and takes only some of them: another instance claims most first, or this one leaves them to the
 * others (its fair share), or cannot resume them here. The listing read each job whole, request
 * included (up to 1 MB: an AI SDK chat sends its whole history with every turn), on every scan of
 * every instance while the jobs stayed lapsed. It now lists them as `list` does; the instance that
 * claims a job reads it whole, so its run and the app's `jobEnded` hook still get the whole request.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobRecord } from '../../server/lib/providers/types'
import { createBackend, newJob, statusEvent } from './backend'
import { createEngineNode } from './engine-node'
import { countingQueries } from './counting-queries'
import { longHistoryChat } from '../support/long-history'

const config = resolveConfig({})

describe('convex: the recovery scan\'s listing of lapsed jobs and their requests', () => {
  it('lists a lapsed chat without its whole history; the instance that claims it reads it whole', async () => {
    const backend = createBackend()
    const counter = { bytes: 0 }
    const ended: JobRecord[] = []
    const node = createEngineNode(backend, { instanceId: 'B', config, wrapFacade: countingQueries(counter), hooks: { jobEnded: (job) => { ended.push(job) } } })
    const { history, messages } = longHistoryChat()
    // Its owner A is gone: its lease lapsed long ago.
    const { record: job } = await node.provider.create(newJob({ userId: 'u1', request: { type: 'chat', messages }, lease: { instanceId: 'A', epoch: 1, expiresAt: 1 } }))
    await node.provider.appendEvents(job.id, [statusEvent(1, 'running')], { epoch: 1 })

    const before = counter.bytes
    const listed = await node.provider.listExpiredLeases!()
    expect(listed.map(record => record.id)).toEqual([job.id])
    expect(listed[0]).toMatchObject({ userId: 'u1', status: 'running', lease: { instanceId: 'A', epoch: 1 } })
    expect(counter.bytes - before).toBeLessThan(history.length / 10)

    // Claimed and ended here (recovery.chat: fail): the hook gets the job whole.
    expect(await node.engine.recover()).toBe(1)
    await node.engine.whenSettled(job.id)
    expect((await node.provider.get(job.id))!.status).toBe('failed')
    expect(ended.map(record => record.request)).toEqual([{ type: 'chat', messages }])
    await node.engine.dispose()
  })
})
