import { describe, expect, it } from 'vitest'
import type { ConvexFacade } from '../../server/lib/providers/convex-facade'
import type { StoredEventPage } from '../../server/lib/providers/convex-functions'
import type { JobEvent } from '../../shared/events'
import { createBackend, createInstance, newJob, statusEvent, textDeltas } from './backend'

/** Wraps a facade so every `events:readEvents` result a subscription receives is counted, in bytes of events. */
function countingResults(counter: { bytes: number, results: number }) {
  return (facade: ConvexFacade): ConvexFacade => ({
    ...facade,
    subscribe(query, args, onUpdate, onError) {
      return facade.subscribe(query, args, (result) => {
        if (String(query) === 'events:readEvents' && result) {
          counter.results++
          for (const batch of (result as StoredEventPage).batches) counter.bytes += Buffer.byteLength(batch.eventsJson)
        }
        onUpdate(result)
      }, onError)
    },
  })
}

describe('convex event subscription result size', () => {
  it('does not send a large batch again with every later append (each re-run reads and sends it)', async () => {
    const backend = createBackend()
    const owner = createInstance(backend)
    const counter = { bytes: 0, results: 0 }
    const viewer = createInstance(backend, { wrap: countingResults(counter) })
    const job = newJob()
    await owner.provider.create(job)
    await owner.provider.appendEvents(job.id, [statusEvent(1, 'running')], { epoch: 1 })

    const seqs: number[] = []
    viewer.provider.subscribe(job.id, (events: JobEvent[]) => seqs.push(...events.map(event => event.seq)))
    await viewer.facade.settled()

    // One big event (a long tool result or a pasted document: 600 KB), then ten small text batches.
    const big = 'x'.repeat(600_000)
    await owner.provider.appendEvents(job.id, textDeltas(2, [big]), { epoch: 1 })
    for (let seq = 3; seq <= 12; seq++) await owner.provider.appendEvents(job.id, textDeltas(seq, ['y'], big.length + seq - 3), { epoch: 1 })
    await viewer.facade.settled()

    expect(seqs).toEqual(Array.from({ length: 11 }, (_, index) => index + 2))
    // The big batch is read and sent once (a subscription re-runs whenever the job document changes).
    expect(counter.bytes).toBeLessThan(2 * big.length)
  })
})
