/**
 * A run instance A gave up while its code goes on: A's heartbeats claim success but never reach the
 * store, so B's recovery takes the chat over past the 3 s lease; A's chat code ignores the abort
 * (it never returns), and A's refused writes make it give the run up. Shared by the tests of what
 * A does with such a run (controls, reads, the inspector). Call with fake timers on.
 */
import { vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobProvider } from '../../server/lib/providers/types'
import { wait } from '../support/engine-harness'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, recovery: { chat: 'continue' } })

/** A's heartbeats claim success but never reach the store. */
const stuckHeartbeat = (provider: JobProvider): JobProvider => ({ ...provider, heartbeatLease: async () => true })

/** Starts the chat on A, lets B take it over and A give its run up; resolves with both nodes and the job. */
export async function abandonedRunOnA() {
  const backend = createBackend()
  const a = createEngineNode(backend, { instanceId: 'A', config, wrap: stuckHeartbeat, chat: async (context) => {
    for (;;) {
      await wait(20)
      context.text('a ')
    }
  } })
  const b = createEngineNode(backend, { instanceId: 'B', config, chat: async (context) => {
    for (;;) {
      await wait(20, context.signal)
      context.text('b ')
    }
  } })
  const { job } = await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } })
  await vi.advanceTimersByTimeAsync(4_500) // past the 3 s lease: B's recovery takes the chat over
  await vi.advanceTimersByTimeAsync(2_000) // A's refused writes make it give the run up
  return { a, b, job }
}
