/**
 * Engines as simulated instances on one memory provider: the memory provider has leases and
 * subscriptions, and this layer gives it inert control calls (nothing is forwarded between the
 * engines), so an engine over it counts as shared (run-lease.ts) and its recovery scan takes over
 * the jobs another engine handed off or whose lease lapsed. `dispose` leaves the store to the others.
 */
import type { MemoryProvider } from '../../server/lib/providers/memory'
import type { JobProvider } from '../../server/lib/providers/types'

/** One engine's view of a memory provider that several engines share. */
export function sharedMemory(provider: MemoryProvider): JobProvider {
  return {
    ...provider,
    sendControl: async () => 'control',
    subscribeControls: () => () => {},
    replyToControl: async () => {},
    subscribeControlReply: () => () => {},
    readControls: async () => [],
    dispose: async () => {},
  }
}
