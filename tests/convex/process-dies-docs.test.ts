/**
 * docs/ai-sdk.md's comparison with resumable-stream, row "the server process dies (crash,
 * deploy)", for Redis or Convex. A crash leaves the chat to another instance (`owner-lost`, or
 * `completed` when its whole answer was stored: lost-chat-after-final-round.test.ts); a deploy is a
 * SIGTERM, after which the stopping instance itself ends a running chat `failed` with the code
 * `shutdown` (or, with `recovery.chat = continue`, hands it off). The row said a deploy, too, left
 * the chat to another instance that ends it `owner-lost`.
 */
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { wait } from '../support/engine-harness'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const row = readFileSync(new URL('../../docs/ai-sdk.md', import.meta.url), 'utf8').split('\n').find(line => line.startsWith('| the server process dies'))!

describe('a chat running when its server process stops, on a shared provider', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('at a deploy (SIGTERM: dispose) ends failed (shutdown) on that instance, as ai-sdk.md says', async () => {
    const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
    expect(config.recovery.chat).toBe('fail')
    const a = createEngineNode(createBackend(), { instanceId: 'A', config, chat: async (context) => {
      for (;;) {
        context.text('word ')
        await wait(20, context.signal)
      }
    } })
    const { job } = await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'Go on' }] } })
    await vi.advanceTimersByTimeAsync(500)
    const disposed = a.engine.dispose()
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
    expect(await a.provider.getState(job.id)).toMatchObject({ status: 'failed', error: { code: 'shutdown' } })

    expect(row).toMatch(/deploy[^|]*`shutdown`/)
    expect(row).toMatch(/crash[^|]*`owner-lost`/)
  })
})
