/**
 * `useBackgroundJobsEngine()` from an app's Nitro plugin: Nitro runs the plugins in one synchronous
 * loop, the app's before the layer's, so a plugin that asks for the engine at startup (to
 * `register` a tool, docs/tools.md) asks before the layer's plugin has set it.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { BackgroundJobsEngine } from '../../server/lib/engine'
import { setBackgroundJobsEngine, useBackgroundJobsEngine } from '../../server/lib/engine-instance'

const engine = { marker: 'the engine' } as unknown as BackgroundJobsEngine

afterEach(() => setBackgroundJobsEngine(null))

describe('useBackgroundJobsEngine', () => {
  it('asked by a plugin that runs before the layer\'s, in the same loop: resolves to the engine', async () => {
    const asked = useBackgroundJobsEngine()
    // The layer's plugin, later in the same synchronous loop.
    setBackgroundJobsEngine({ get: async () => engine })
    await expect(asked).resolves.toBe(engine)
  })

  it('with no engine once the plugins have run: rejects saying so', async () => {
    await expect(useBackgroundJobsEngine()).rejects.toThrow('nuxt-background-jobs: the engine is not running')
  })
})
