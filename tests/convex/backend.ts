/// <reference types="vite/client" />
/**
 * A convex-test backend running the real `convex/` functions in-process, and providers over it.
 * Several providers over one backend stand for several Nitro instances sharing a deployment.
 */
import { convexTest } from 'convex-test'
import schema from '../../convex/schema'
import { type ConvexTestBackend, createConvexTestFacade } from '../../server/lib/providers/convex-test-facade'
import type { ConvexFacade } from '../../server/lib/providers/convex-facade'
import { type ConvexProviderOptions, createConvexProvider } from '../../server/lib/providers/convex'
import type { JobLease, NewJobRecord } from '../../server/lib/providers/types'
import type { JobEvent } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'

// The glob must reach convex/_generated too: convex-test finds the functions' root through it.
// Loaded eagerly: a lazy glob imports a module the first time one of its functions runs — real
// file I/O that fake timers do not wait for, so a test advancing fake time could race past a
// call still loading its module (seen as a recovery query that "never answered").
const loaded = import.meta.glob('../../convex/**/*.*s', { eager: true })
const modules = Object.fromEntries(Object.entries(loaded).map(([path, module]) => [path, () => Promise.resolve(module)]))

/** The servers' secret in these tests; the functions read it from the (shared) process environment. */
export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789'
process.env.BACKGROUND_JOBS_SECRET = TEST_SECRET

/**
 * A fresh, empty backend that enforces Convex's per-transaction limits (`limits`: some of them
 * lowered, so a test passes them with few documents).
 */
export function createBackend(limits?: { documentsRead?: number, bytesRead?: number, databaseQueries?: number }) {
  return convexTest({ schema, modules, transactionLimits: limits ?? true })
}

/** The backend type. */
export type Backend = ReturnType<typeof createBackend>

/** One simulated instance: a facade and a provider over a shared backend (`wrap` may add faults). */
export function createInstance(backend: Backend, options: { wrap?: (facade: ConvexFacade) => ConvexFacade } & Omit<ConvexProviderOptions, 'url' | 'secret' | 'facade'> = {}) {
  const { wrap, ...providerOptions } = options
  const facade = createConvexTestFacade(backend as unknown as ConvexTestBackend, TEST_SECRET)
  const provider = createConvexProvider({ facade: wrap ? wrap(facade) : facade, ...providerOptions })
  return { facade, provider }
}

/**
 * The lease every job made by `newJob` carries unless a test says otherwise: Convex stores only
 * what the lease holder writes, so these tests append with `{ epoch: 1 }`. It never expires.
 */
export const WRITER_LEASE: JobLease = { instanceId: 'writer', epoch: 1, expiresAt: Number.MAX_SAFE_INTEGER }

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
    lease: WRITER_LEASE,
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

/**
 * A finished job with about 18 MB of events (20 batches of 880,000 characters, then its end): more
 * than one mutation may read (16 MiB), so deleting it takes several calls.
 */
export async function createLargeEndedJob(provider: ReturnType<typeof createInstance>['provider']): Promise<NewJobRecord> {
  const job = newJob()
  await provider.create(job)
  const big = 'x'.repeat(880_000)
  for (let seq = 1; seq <= 20; seq++) {
    const appended = await provider.appendEvents(job.id, textDeltas(seq, [big], (seq - 1) * big.length), { epoch: 1 })
    if (!appended.ok) throw new Error(`append ${seq} refused: ${appended.reason}`)
  }
  await provider.appendEvents(job.id, [endEvent(21, 'completed', 1_000)], { epoch: 1 })
  return job
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
