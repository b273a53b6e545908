import { describe, expect, it } from 'vitest'
import type { ConvexFacade } from '../../server/lib/providers/convex-facade'
import type { StoredControlPage } from '../../server/lib/providers/convex-functions'
import type { StoredJobControl } from '../../server/lib/providers/types'
import { createBackend, createInstance, newJob, statusEvent } from './backend'

/** Wraps a facade so every `controls:readControls` result a subscription receives is counted, in bytes of answers. */
function countingResults(counter: { bytes: number }) {
  return (facade: ConvexFacade): ConvexFacade => ({
    ...facade,
    subscribe(query, args, onUpdate, onError) {
      return facade.subscribe(query, args, (result) => {
        if (String(query) === 'controls:readControls' && result) {
          for (const control of (result as StoredControlPage).controls) counter.bytes += Buffer.byteLength(control.answerJson ?? '')
        }
        onUpdate(result)
      }, onError)
    },
  })
}

describe('convex control subscription result size', () => {
  it('does not send a large answer again with every later control and reply', async () => {
    const backend = createBackend()
    const counter = { bytes: 0 }
    const owner = createInstance(backend, { wrap: countingResults(counter) })
    const sender = createInstance(backend)
    const job = newJob({ type: 'workflow' })
    await owner.provider.create(job)
    await owner.provider.appendEvents(job.id, [statusEvent(1, 'waiting')], { epoch: 1 })
    const received: StoredJobControl[] = []
    owner.provider.subscribeControls(job.id, control => received.push(control))
    await owner.facade.settled()

    // A workflow asks five questions; each is answered with a pasted document (200 KB, under the
    // default 256 KiB body limit), and the owner replies to each.
    const answer = 'x'.repeat(200_000)
    for (let index = 1; index <= 5; index++) {
      const id = await sender.provider.sendControl(job.id, { type: 'input', userId: job.userId, requestId: `question-${index}`, answer })
      await owner.facade.settled()
      await owner.provider.replyToControl(job.id, id, { ok: true })
    }
    await owner.facade.settled()

    expect(received.map(control => control.type === 'input' ? control.requestId : '')).toEqual(['question-1', 'question-2', 'question-3', 'question-4', 'question-5'])
    // Each answer is read and sent to the owner once, not again with each control or reply after it.
    expect(counter.bytes).toBeLessThan(2 * 5 * (answer.length + 2))
  })
})
