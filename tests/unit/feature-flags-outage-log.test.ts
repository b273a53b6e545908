/**
 * While the service an app's `background-jobs:feature-flags` hook asks is down, the hook throws on
 * every request, and each one logged `feature-flags hook failed; using the global flags` with its
 * error: a line per request for the whole outage. Like the other repeated faults
 * (failure-streak-log.ts), it is logged once per outage, then once when the hook works again.
 */
import type { H3Event } from 'h3'
import { describe, expect, it, vi } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import { resolveFeatureFlags } from '../../server/lib/http/resolve-flags'
import { useConsoleLines } from '../support/console-lines'

const hook = vi.hoisted(() => ({ down: true }))
vi.mock('nitropack/runtime', () => ({
  useNitroApp: () => ({
    hooks: {
      callHook: async () => {
        if (hook.down) throw new Error('flag service: connect ECONNREFUSED')
      },
    },
  }),
}))

const { lines } = useConsoleLines()

const fakeEvent = () => ({ context: {} }) as unknown as H3Event

describe('a feature-flags hook failing on every request', () => {
  it('is logged once per outage, then once when it works again; the global flags apply meanwhile', async () => {
    hook.down = true
    for (let request = 0; request < 50; request++) {
      await expect(resolveFeatureFlags(fakeEvent(), 'user-1', DEFAULT_CONFIG)).resolves.toMatchObject({ enabled: true })
    }
    hook.down = false
    await resolveFeatureFlags(fakeEvent(), 'user-1', DEFAULT_CONFIG)
    await resolveFeatureFlags(fakeEvent(), 'user-1', DEFAULT_CONFIG)
    const hookLines = lines().filter(line => /feature-flags hook/.test(line.message))
    expect(hookLines.map(line => line.level)).toEqual(['error', 'info'])
    expect(hookLines[0]!.message).toMatch(/^feature-flags hook failed; using the global flags/)
    expect(hookLines[1]).toMatchObject({ failures: 50 })
  })
})
