/**
 * A `node:worker_threads` whose `BroadcastChannel` lets a test hold back the messages it picks (the
 * isolation pool's answers or start reports), to deliver them at the moment the test chooses — for
 * races between a worker's message and the server's own timers or the worker's death.
 *
 * ```ts
 * const channel = vi.hoisted(() => ({ hold: false, held: [] as Array<() => void> }))
 * vi.mock('node:worker_threads', async original =>
 *   (await import('../support/held-broadcast-channel')).withHeldMessages(await original(), channel, data => !!data?.answer))
 * ```
 * (`vi.hoisted`, so the mock's factory, hoisted above the test's own lines, can read `channel`.)
 */
import type * as WorkerThreads from 'node:worker_threads'

export interface HeldMessages {
  /** While true, the messages the test picks are held instead of read. */
  hold: boolean
  /** The held messages' reads, in arrival order: call one to let its message through. */
  held: Array<() => void>
}

type Listener = (event: { data?: Record<string, unknown> }) => void

/** `worker_threads` as it is, with a channel that holds back the messages `pick` selects. */
export function withHeldMessages(
  original: typeof WorkerThreads,
  messages: HeldMessages,
  pick: (data: Record<string, unknown> | undefined) => boolean,
): typeof WorkerThreads {
  class HeldChannel extends original.BroadcastChannel {}
  const handler = Object.getOwnPropertyDescriptor(original.BroadcastChannel.prototype, 'onmessage')!
  Object.defineProperty(HeldChannel.prototype, 'onmessage', {
    get() {
      return handler.get!.call(this)
    },
    set(listener: Listener | null) {
      handler.set!.call(this, listener && ((event: { data?: Record<string, unknown> }) => {
        if (messages.hold && pick(event.data)) messages.held.push(() => listener(event))
        else listener(event)
      }))
    },
  })
  return { ...original, BroadcastChannel: HeldChannel }
}

/** Stops holding and forgets what is held (between tests). */
export function releaseHeld(messages: HeldMessages): void {
  messages.hold = false
  messages.held.splice(0)
}
