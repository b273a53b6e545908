/**
 * While an app's session store is down, its `background-jobs:resolve-user` hook throws on every
 * request, and each one logged `resolve-user hook failed` with its error: a busy app wrote a line
 * per request for the whole outage, burying everything else. Like the other repeated faults
 * (failure-streak-log.ts), it is logged once per outage, then once when the hook works again.
 */
import type { H3Event } from 'h3'
import { describe, expect, it, vi } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import { UserUnresolvedError } from '../../server/lib/errors'
import { resolveUser } from '../../server/lib/http/resolve-user'
import { useConsoleLines } from '../support/console-lines'

const hook = vi.hoisted(() => ({ down: true }))
vi.mock('nitropack/runtime', () => ({
  useNitroApp: () => ({
    hooks: {
      callHook: async (_name: string, context: { userId: string | null }) => {
        if (hook.down) throw new Error('session store: connect ECONNREFUSED')
        context.userId = 'user-7'
      },
    },
  }),
}))

const { lines } = useConsoleLines()

const fakeEvent = () => ({ context: {} }) as unknown as H3Event

describe('a resolve-user hook failing on every request', () => {
  it('is logged once per outage, then once when it works again', async () => {
    hook.down = true
    for (let request = 0; request < 50; request++) {
      await expect(resolveUser(fakeEvent(), DEFAULT_CONFIG)).rejects.toBeInstanceOf(UserUnresolvedError)
    }
    hook.down = false
    await expect(resolveUser(fakeEvent(), DEFAULT_CONFIG)).resolves.toBe('user-7')
    await expect(resolveUser(fakeEvent(), DEFAULT_CONFIG)).resolves.toBe('user-7')
    const hookLines = lines().filter(line => /resolve-user hook/.test(line.message))
    expect(hookLines.map(line => line.level)).toEqual(['error', 'info'])
    expect(hookLines[0]!.message).toMatch(/^resolve-user hook failed/)
    expect(hookLines[1]).toMatchObject({ failures: 50 })

    // The next outage is logged again.
    hook.down = true
    await expect(resolveUser(fakeEvent(), DEFAULT_CONFIG)).rejects.toBeInstanceOf(UserUnresolvedError)
    expect(lines().filter(line => /resolve-user hook/.test(line.message)).map(line => line.level)).toEqual(['error', 'info', 'error'])
  })
})
