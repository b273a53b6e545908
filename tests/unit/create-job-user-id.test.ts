/**
 * `createJob` from server code took any user id: `' '` (an app's `session.user.name ?? ' '`), one
 * with a NUL (the memory and Redis providers join the user and an idempotency key or thread id
 * with NUL, so user `a\0b` met user `a`'s keys), 10 kB long. Such a job was no one's — no request
 * resolves to that user, the resolve-user hook's such ids are refused — or sat under another
 * user's keys. Refused with a 400 naming `userId`, as the routes' users are checked when resolved.
 */
import { describe, expect, it } from 'vitest'
import { InvalidRequestError } from '../../server/lib/errors'
import { MAX_USER_ID_LENGTH } from '../../server/lib/user-id'
import type { RunContext } from '../../server/lib/run-context'
import { chatRequest, createTestEngine } from '../support/engine-harness'

/** A job that runs until it is aborted. */
const untilAborted = (context: RunContext) => new Promise<void>((_, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true }))

describe('createJob\'s user id', () => {
  it.each([
    ['blank', ' ', 'userId: a blank id (only whitespace)'],
    ['empty', '', 'userId: a blank id (only whitespace)'],
    ['with a NUL', 'a\u0000b', 'userId: an id with a control character (user ids must not contain control characters (found U+0000 at index 1))'],
    ['too long', 'u'.repeat(MAX_USER_ID_LENGTH + 1), `userId: an id ${MAX_USER_ID_LENGTH + 1} characters long`],
    ['a number', 42, 'userId: must be a string'],
  ])('%s is a 400 naming userId, and no job is stored', async (_name, userId, message) => {
    const { engine } = createTestEngine({ runners: { chat: untilAborted } })
    const refused = await engine.createJob(userId as string, { request: chatRequest, idempotencyKey: null }).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(InvalidRequestError)
    expect((refused as Error).message).toContain(message)
    expect(await engine.provider.countActive()).toBe(0)
    await engine.dispose()
  })

  it('an ordinary id, and one of the longest length, start their jobs as before', async () => {
    const { engine } = createTestEngine({ runners: { chat: untilAborted } })
    for (const userId of ['alice', ' padded ', 'u'.repeat(MAX_USER_ID_LENGTH)]) {
      expect((await engine.createJob(userId, { request: chatRequest, idempotencyKey: null })).created).toBe(true)
    }
    await engine.dispose()
  })
})
