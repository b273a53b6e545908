/**
 * Two engines on one backend: A creates an `ask-twice` job, then loses its store connection (its
 * lease lapses) and B takes the job over, while A's stale run still holds it in memory. For tests
 * of what a request sent to A, the cut-off owner, then does. Uses fake timers.
 */
import { vi } from 'vitest'
import { askTwice, askTwiceConfig } from './ask-twice'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import type { FaultyFacade } from './fault-facade'
import { createFaultyFacade } from './fault-facade'

/** Starts A and B, creates the job on A and cuts A off until B took it over. */
export async function cutOffOwner() {
  const backend = createBackend()
  let facade!: FaultyFacade
  const a = createEngineNode(backend, { instanceId: 'A', config: askTwiceConfig, workflows: [askTwice], wrapFacade: (inner) => {
    facade = createFaultyFacade(inner)
    return facade
  } })
  const b = createEngineNode(backend, { instanceId: 'B', config: askTwiceConfig, workflows: [askTwice] })
  const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask-twice', input: {} } })
  await vi.advanceTimersByTimeAsync(500)
  facade.disconnect()
  await vi.advanceTimersByTimeAsync(8_000)
  return { a, b, job, facade }
}
