/**
 * The inspector (the DevTools tab's data) of a job this instance does not run read the whole record
 * with `jobs:get`, request included (up to 1 MB: an AI SDK chat sends its whole history with every
 * turn), for its list, a job's timeline and the DevTools abort's owner check, though none of them
 * shows the request; it now reads the job as a listing gives it (`getListed`).
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createBackend, endEvent, newJob, statusEvent, textDeltas } from './backend'
import { createEngineNode } from './engine-node'
import { countingQueries } from './counting-queries'
import { longHistoryChat } from '../support/long-history'

const config = resolveConfig({})

describe('convex: the inspector of a job run elsewhere and its request', () => {
  it('lists it, shows its timeline and finds its owner without reading its whole history', async () => {
    const backend = createBackend()
    const counter = { bytes: 0 }
    const node = createEngineNode(backend, { instanceId: 'B', config, wrapFacade: countingQueries(counter) })
    const { history, messages } = longHistoryChat()
    const { record: job } = await node.provider.create(newJob({ userId: 'u1', title: 'And now?', request: { type: 'chat', messages } }))
    await node.provider.appendEvents(job.id, [statusEvent(1, 'running'), ...textDeltas(2, ['Hello']), endEvent(3, 'completed')], { epoch: 1 })

    const before = counter.bytes
    const [listed] = await node.engine.inspector.list([job.id])
    expect(listed).toMatchObject({ id: job.id, userId: 'u1', title: 'And now?', status: 'completed', lastSeq: 3 })
    const inspection = (await node.engine.inspector.get(job.id))!
    expect(inspection.timeline.map(entry => entry.seq)).toEqual([1, 2, 3])
    expect(await node.engine.inspector.ownerOf(job.id)).toBe('u1')
    expect(counter.bytes - before).toBeLessThan(history.length / 10)
    await node.engine.dispose()
  })
})
