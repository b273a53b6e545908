/**
 * A chat's `clientBody` (the AI SDK app's own body fields, up to 16 KiB, decision 27) is for the
 * app's hooks, which get the job whole (`get`: the creating run's record, a takeover's read): the
 * listed form in the job hash's `meta` — what `list`, `getListed` (each stream connect's, abort's
 * and answer's ownership read) and the recovery scan read — carried it too, up to 16 KiB more per
 * job on a page of 50. It is left out there now. (The hook after a takeover: the Convex test
 * listed-client-body, through the engine, which reads the job with `get` on any store.)
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import type { JobRecord } from '../../server/lib/providers/types'
import { useRedisServer } from '../support/redis-server'
import { newJob } from './contract-fixtures'

const redis = useRedisServer()
const clientBody = { projectId: 'p-1', notes: 'x'.repeat(8_000) }
const clientBodyOf = (job: JobRecord | null | undefined) => (job?.request.type === 'chat' ? job.request.clientBody : undefined)

describe('redis provider: a chat\'s clientBody in the listed form', () => {
  it('is not listed, read for ownership or by the recovery scan; get and create return it', async () => {
    const provider = createRedisProvider({ url: redis.url, keyPrefix: 'listed-client-body:', onError: () => {} })
    onTestFinished(() => provider.dispose())
    await provider.ready()
    const messages = [{ role: 'user' as const, content: 'Hi' }, { role: 'assistant' as const, content: 'Hello' }, { role: 'user' as const, content: 'More' }]
    const { record } = await provider.create(newJob({ userId: 'u1', request: { type: 'chat', messages, clientBody }, lease: { instanceId: 'gone', epoch: 1, expiresAt: 1 } }))
    expect(clientBodyOf(record)).toEqual(clientBody)

    expect(clientBodyOf((await provider.list({ userId: 'u1' }))[0])).toBeUndefined()
    expect(clientBodyOf(await provider.getListed(record.id, { userId: 'u1' }))).toBeUndefined()
    const expired = await provider.listExpiredLeases()
    expect(expired.map(job => job.id)).toEqual([record.id])
    expect(clientBodyOf(expired[0])).toBeUndefined()
    expect(clientBodyOf(await provider.get(record.id))).toEqual(clientBody)
  })
})
