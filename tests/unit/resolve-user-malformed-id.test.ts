/**
 * A resolve-user hook's id that cannot be a user's — blank (`' '`, a session bug's empty name
 * padded), holding a control character (a header value read with its `\r\n`), 10 kB long, or not
 * valid Unicode — was taken as a user: every request of that bug was one owner, reading and
 * deleting the others' jobs, and the stores got keys they refuse or change. Such an id is the app's
 * bug: a 500 (never the anonymous user), logged once per kind of problem naming the hook, without
 * the id. `''` stays "no user" (anonymous), and ordinary ids are users as before.
 */
import { eventHandler } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import { defineJobsHandler } from '../../server/lib/http/handler'
import { MAX_USER_ID_LENGTH } from '../../server/lib/user-id'
import { useH3Server } from '../support/h3-server'

// The hook names the user the test sets (a string, a number, or null for none).
const hook = vi.hoisted(() => ({ userId: null as unknown }))
vi.mock('nitropack/runtime', () => ({
  useNitroApp: () => ({ hooks: { callHook: async (_name: string, context: { userId: unknown }) => {
    context.userId = hook.userId
  } } }),
}))
// The routes' handler waits for the engine: one that only gives its config.
vi.mock('../../server/lib/engine-instance', () => ({ useBackgroundJobsEngine: async () => ({ getConfig: () => DEFAULT_CONFIG }) }))

let logged: string[] = []

beforeEach(() => {
  logged = []
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    logged.push(args.map(String).join(' '))
  })
})

afterEach(() => {
  vi.restoreAllMocks()
})

const served = useH3Server(eventHandler(defineJobsHandler(context => context.userId)))

async function userOf(userId: unknown): Promise<{ status: number, text: string }> {
  hook.userId = userId
  const response = await fetch(`http://127.0.0.1:${served.port}/`)
  return { status: response.status, text: await response.text() }
}

describe('a resolve-user hook id that cannot be a user\'s', () => {
  it.each([
    ['blank', ' ', 'a blank id (only whitespace)'],
    ['blank, of other whitespace', '\t\u00A0\u3000', 'a blank id (only whitespace)'],
    ['too long', 'u'.repeat(10_240), `an id 10240 characters long, over the ${MAX_USER_ID_LENGTH} an id may have`],
    ['a huge bigint', 10n ** 300n, 'an id 301 characters long'],
    ['with a control character', 'alice\r\n', 'an id with a control character (user ids must not contain control characters (found U+000D at index 5))'],
    ['with a NUL', 'al\u0000ice', 'an id with a control character (user ids must not contain control characters (found U+0000 at index 2))'],
    ['with a C1 control', 'al\u0085ice', 'an id with a control character (user ids must not contain control characters (found U+0085 at index 2))'],
    ['with a lone surrogate', 'al\uD83Dice', 'an id with a lone surrogate (U+D83D at index 2)'],
  ])('%s: a 500, never a user; logged once naming the hook, without the id', async (_name, id, problem) => {
    for (let request = 0; request < 3; request++) {
      const answer = await userOf(id)
      expect(answer.status).toBe(500)
      expect(answer.text).not.toContain('anon_')
    }
    // Once per kind per process: only the first case of each kind in this file logs.
    const lines = logged.filter(each => each.includes('cannot be one'))
    expect(lines.length).toBeLessThanOrEqual(1)
    if (lines.length === 1) expect(lines[0]).toContain(`The background-jobs:resolve-user hook set userId to ${problem}`)
    if (typeof id === 'string' && id.trim() !== '') expect(logged.join('\n')).not.toContain(id)
  })

  it('a kind already logged is not logged again: one polling user writes no line a second', async () => {
    // The cases above ran first (the file's order): every kind was logged once, then never again.
    await userOf(' ')
    await userOf('x'.repeat(MAX_USER_ID_LENGTH + 1))
    expect(logged.filter(each => each.includes('cannot be one'))).toEqual([])
  })

  it('\'\' is no user (the anonymous cookie\'s); ordinary ids, a full-length one and numbers are users as before', async () => {
    expect((await userOf('')).text).toMatch(/^anon_/)
    const longest = 'u'.repeat(MAX_USER_ID_LENGTH)
    for (const id of ['alice', ' padded ', 'auth0|5f7c8ec7c33c6c004bbafe82', 'üser 名前 😀', 'a@example.com', longest]) {
      expect(await userOf(id)).toEqual({ status: 200, text: id })
    }
    expect(await userOf(0)).toEqual({ status: 200, text: '0' })
    expect(await userOf(12345678901234567890n)).toEqual({ status: 200, text: '12345678901234567890' })
    expect(logged).toEqual([])
  })
})
