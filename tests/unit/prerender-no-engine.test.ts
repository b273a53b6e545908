/**
 * Nitro's prerenderer (routeRules `prerender: true` at `nuxt build`, `nuxt generate`) runs the
 * app's server plugins inside the build's process. The layer's booted the engine there: it
 * connected to the job store from the build machine (a Redis build log showed "engine failed to
 * start … could not reach Redis", tried again meanwhile), started its timers, put its SIGTERM and
 * SIGINT listeners on the build process and checked the production settings of the runtime (a
 * shared provider without its cookie secret, set only where the server runs, would stop the
 * build). Under the prerenderer the plugins now start nothing and the routes answer a 503 naming it.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { useBackgroundJobsEngine, setBackgroundJobsEngine } from '../../server/lib/engine-instance'

const created = vi.hoisted(() => ({ providers: 0 }))

vi.mock('../../server/lib/prerender', async importOriginal => ({ ...await importOriginal<object>(), isPrerendering: () => true }))
vi.mock('../../server/lib/providers/create-provider', () => ({
  createProviderFromConfig: () => {
    created.providers++
    return new Promise(() => {})
  },
}))
vi.mock('#background-jobs/preset', () => ({ preset: 'node-server' }))
vi.mock('#background-jobs/tools', () => ({ default: [], files: [] }))
vi.mock('#background-jobs/workflows', () => ({ default: [], files: [] }))
vi.mock('#background-jobs/tool-worker-url', () => ({ default: () => null }))
vi.mock('nitropack/runtime', () => ({
  defineNitroPlugin: (plugin: unknown) => plugin,
  // The Redis settings of the runtime, without the cookie secret a shared provider needs there.
  useRuntimeConfig: () => ({ backgroundJobs: { provider: 'redis', redisUrl: 'redis://127.0.0.1:1' } }),
}))

const SIGNALS = ['SIGTERM', 'SIGINT'] as const

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
  setBackgroundJobsEngine(null)
})

it('starts no engine, connects to no store, sets no timer nor signal listener; the routes get a 503 naming the prerenderer', async () => {
  const listenersBefore = SIGNALS.map(signal => process.listenerCount(signal))
  const hooks: string[] = []
  const nitroApp = { hooks: { hook: (name: string) => void hooks.push(name), callHook: async () => {} }, captureError: () => {} }
  for (const path of ['../../server/plugins/background-jobs', '../../server/plugins/background-jobs-shutdown']) {
    const { default: plugin } = await import(path) as { default: (app: unknown) => void }
    plugin(nitroApp)
  }
  await Promise.resolve()
  expect({
    providers: created.providers,
    timers: vi.getTimerCount(),
    listeners: SIGNALS.map(signal => process.listenerCount(signal)),
    hooks,
  }).toEqual({ providers: 0, timers: 0, listeners: listenersBefore, hooks: [] })
  await expect(useBackgroundJobsEngine()).rejects.toMatchObject({ statusCode: 503, message: expect.stringContaining('prerenders pages') })
})
