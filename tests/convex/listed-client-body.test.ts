/**
 * A chat's `clientBody` (the AI SDK app's own body fields, up to 16 KiB, decision 27) is for the
 * app's hooks, which get the job whole: the listed form (`list`, `getListed` — each stream
 * connect's, abort's and answer's ownership read — and the recovery scan's `listExpiredLeases`)
 * carried it too, up to 16 KiB more per job on a page of 50. It is left out there now; the hooks
 * still get it, also on the instance that takes the job over.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobRecord } from '../../server/lib/providers/types'
import { createBackend, newJob, statusEvent } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({})
const clientBody = { projectId: 'p-1', notes: 'x'.repeat(8_000) }
const clientBodyOf = (job: JobRecord | null | undefined) => (job?.request.type === 'chat' ? job.request.clientBody : undefined)

describe('convex: a chat\'s clientBody in the listed form', () => {
  it.each([
    ['one message', [{ role: 'user' as const, content: 'Hi' }]],
    ['a history', [{ role: 'user' as const, content: 'Hi' }, { role: 'assistant' as const, content: 'Hello' }, { role: 'user' as const, content: 'More' }]],
  ])('is not listed (%s); the hook of the instance that takes the job over gets it', async (_name, messages) => {
    const backend = createBackend()
    const ended: JobRecord[] = []
    const node = createEngineNode(backend, { instanceId: 'B', config, hooks: { jobEnded: (job) => { ended.push(job) } } })
    // Its owner A is gone: its lease lapsed long ago.
    const { record: job } = await node.provider.create(newJob({ userId: 'u1', request: { type: 'chat', messages, clientBody }, lease: { instanceId: 'A', epoch: 1, expiresAt: 1 } }))
    await node.provider.appendEvents(job.id, [statusEvent(1, 'running')], { epoch: 1 })

    expect(clientBodyOf((await node.provider.list({ userId: 'u1' }))[0])).toBeUndefined()
    expect(clientBodyOf(await node.provider.getListed!(job.id, { userId: 'u1' }))).toBeUndefined()
    expect(clientBodyOf((await node.provider.listExpiredLeases!())[0])).toBeUndefined()
    expect(clientBodyOf(await node.provider.get(job.id))).toEqual(clientBody)

    expect(await node.engine.recover()).toBe(1)
    await node.engine.whenSettled(job.id)
    expect(ended.map(clientBodyOf)).toEqual([clientBody])
    await node.engine.dispose()
  })
})
