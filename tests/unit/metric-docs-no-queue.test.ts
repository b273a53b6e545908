/**
 * A job over a concurrency limit is refused (429), never queued: `jobs{status="queued"}` does not
 * count jobs waiting for a slot, and no duration includes such a wait. The metric docs said it
 * did ("queued = waiting for a slot", "a job queued behind a limit waits in it"), so an operator
 * watched a saturation signal that is always 0 and read the 429 counters as the wrong thing.
 */
import { describe, expect, it } from 'vitest'
import { ConcurrencyLimitError } from '../../server/lib/errors'
import { createMetrics, useMetrics } from '../../server/lib/metrics'
import { docSection } from '../support/docs-section'
import { chatRequest, createTestEngine } from '../support/engine-harness'


describe('jobs over a concurrency limit', () => {
  it('are refused, never queued, and the metric docs say so', async () => {
    expect(createMetrics().snapshot().jobsByStatus).toHaveProperty('queued', 0)
    let release = () => {}
    const { engine } = createTestEngine({
      config: { limits: { maxConcurrentJobs: 1 } },
      runners: { chat: () => new Promise<void>((resolve) => { release = resolve }) },
    })
    const first = (await engine.createJob('u1', { request: chatRequest })).job
    await expect(engine.createJob('u2', { request: chatRequest })).rejects.toBeInstanceOf(ConcurrencyLimitError)
    expect(useMetrics().snapshot().jobsByStatus.queued).toBe(0)
    release()
    await engine.whenSettled(first.id)
    await engine.dispose()

    for (const file of ['metrics.md', 'observability.md']) {
      expect(docSection(file, 'Metrics'), file).not.toMatch(/waiting for a slot|queued behind a limit|queueing/)
    }
  })
})
