/// <reference types="vite/client" />
/**
 * A convex-test backend running the real `convex/` functions in-process, and providers over it.
 * Several providers over one backend stand for several Nitro instances sharing a deployment.
 */
import { convexTest } from 'convex-test'
import schema from '../../convex/schema'
import { type ConvexTestBackend, createConvexTestFacade } from '../../server/lib/providers/convex-facade'
import { createConvexProvider } from '../../server/lib/providers/convex'
import type { NewJobRecord } from '../../server/lib/providers/types'
import type { JobEvent } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'

// The glob must reach convex/_generated too: convex-test finds the functions' root through it.
const modules = import.meta.glob('../../convex/**/*.*s')

/** A fresh, empty backend. */
export function createBackend() {
  return convexTest(schema, modules)
}

/** The backend type. */
export type Backend = ReturnType<typeof createBackend>

/** One simulated instance: a facade and a provider over a shared backend. */
export function createInstance(backend: Backend) {
  const facade = createConvexTestFacade(backend as unknown as ConvexTestBackend)
  const provider = createConvexProvider({ facade })
  return { facade, provider }
}

let nextJob = 0

/** A chat job record for `create`. */
export function newJob(overrides: Partial<NewJobRecord> = {}): NewJobRecord {
  nextJob++
  return {
    id: `job-${nextJob}`,
    userId: 'user-1',
    type: 'chat',
    threadId: null,
    messageId: null,
    idempotencyKey: null,
    title: 'hello',
    request: { type: 'chat', messages: [{ role: 'user', content: 'hello' }] },
    createdAt: 1_000 + nextJob,
    ...overrides,
  }
}

/** Events `from`..`from + texts.length - 1`, one text delta per string, continuing `offset`. */
export function textDeltas(from: number, texts: string[], offset = 0, at = 2_000): JobEvent[] {
  let position = offset
  return texts.map((text, index) => {
    const event: JobEvent = { type: 'text-delta', seq: from + index, at: at + index, offset: position, text }
    position += text.length
    return event
  })
}

/** A `job-status` event. */
export function statusEvent(seq: number, status: 'running' | 'waiting', at = 2_000): JobEvent {
  return { type: 'job-status', seq, at, status }
}

/** A `job-end` event. */
export function endEvent(seq: number, status: 'completed' | 'failed' | 'aborted', at = 3_000): JobEvent {
  return { type: 'job-end', seq, at, status, metrics: emptyMetrics() }
}

/** Two instances on one fresh backend, and a job created through the first. */
export async function twoInstancesWithJob(overrides: Partial<NewJobRecord> = {}) {
  const backend = createBackend()
  const a = createInstance(backend)
  const b = createInstance(backend)
  const job = newJob(overrides)
  await a.provider.create(job)
  return { backend, a, b, job }
}
