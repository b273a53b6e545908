/**
 * A thread or message id a client (or `createJob`) gives a new job may not hold a control
 * character: the Redis provider builds thread keys as `thread:<userId>\0<threadId>`, so user `a`'s
 * thread `b\0c` was filed under user `a\0b`'s thread `c`. Every place a job is created refuses one
 * with a 400 naming the field: the bodies of `POST /api/jobs` and `POST /api/jobs/chat`, and
 * `createJob`'s ids. The routes that read, stop or delete existing jobs by thread (the queries of
 * `GET` and `DELETE /api/jobs`, the AI SDK routes' `:chatId`) take one: a thread stored before the
 * refusal (3072ae3b) was listed in `GET /api/jobs/threads` but could no longer be read or deleted
 * by thread, nor its AI SDK chat loaded or stopped.
 */
import type { H3Event } from 'h3'
import { describe, expect, it } from 'vitest'
import { admitIds } from '../../server/lib/admit-ids'
import { chatIdParam } from '../../server/lib/ai-sdk/chat-id-param'
import { chatRequestSchema } from '../../server/lib/ai-sdk/chat-request'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import { InvalidRequestError } from '../../server/lib/errors'
import { validate } from '../../server/lib/http/request'
import { chatJobBodySchema, deleteThreadQuerySchema, listQuerySchema, workflowJobBodySchema } from '../../server/lib/http/schemas'

const messages = [{ role: 'user', content: 'hi' }]

/** The 400's message of validating `value`, or null when it passes. */
function refusal(schema: Parameters<typeof validate>[0], value: unknown): string | null {
  try {
    validate(schema, value)
    return null
  }
  catch (error) {
    expect(error).toMatchObject({ statusCode: 400 })
    return (error as Error).message
  }
}

/** A request whose route has `chatId` as h3 reads it (still URL-encoded). */
const routeWith = (chatId: string) => ({ context: { params: { chatId } } }) as unknown as H3Event

describe('ids with a control character', () => {
  it('are refused in the bodies, naming the field and the character', () => {
    expect(refusal(chatJobBodySchema(DEFAULT_CONFIG), { messages, threadId: 'b\u0000c' })).toContain('threadId: must not contain control characters (found U+0000 at index 1)')
    expect(refusal(chatJobBodySchema(DEFAULT_CONFIG), { messages, messageId: 'm\n1' })).toContain('messageId: must not contain control characters (found U+000A at index 1)')
    expect(refusal(workflowJobBodySchema, { workflow: 'w', threadId: 't\u001b[31m' })).toContain('threadId: must not contain control characters (found U+001B')
    expect(refusal(chatRequestSchema, { id: 'chat\u0000x', messages: [{ role: 'user', parts: [] }] })).toContain('id: must not contain control characters (found U+0000 at index 4)')
  })

  it('are taken by the list and delete queries: a thread stored before the refusal stays readable and deletable', () => {
    expect(validate(listQuerySchema, { threadId: 'b\u0000c' })).toMatchObject({ threadId: 'b\u0000c' })
    expect(validate(listQuerySchema, { messageId: 'm\u007f' })).toMatchObject({ messageId: 'm\u007f' })
    expect(validate(deleteThreadQuerySchema, { threadId: 'b\u0085c' })).toEqual({ threadId: 'b\u0085c' })
    // Still bounded as before.
    expect(refusal(listQuerySchema, { threadId: 'x'.repeat(201) })).toContain('threadId')
    expect(refusal(deleteThreadQuerySchema, { threadId: 'x'.repeat(201) })).toContain('threadId')
    expect(refusal(deleteThreadQuerySchema, { threadId: ' ' })).toContain('threadId: must not be empty')
  })

  it('are taken as the AI SDK routes\' chat id (they read, resume and stop a chat); one longer than a chat id can be is refused', () => {
    expect(chatIdParam(routeWith('b%00c'))).toBe('b\u0000c')
    expect(() => chatIdParam(routeWith('x'.repeat(201)))).toThrow('chatId: must be at most 200 characters (got 201)')
    expect(chatIdParam(routeWith('chat%20%C3%A9t%C3%A9'))).toBe('chat été')
  })

  it('are refused by createJob', () => {
    expect(() => admitIds({ threadId: 'b\u0000c' })).toThrow(InvalidRequestError)
    expect(() => admitIds({ messageId: 'm\rn' })).toThrow('messageId: must not contain control characters (found U+000D at index 1)')
  })

  it('other ids pass as before: spaces inside, accents, emoji, other scripts', () => {
    for (const threadId of ['t-1', 'my chat', 'été 🌊', 'スレッド', 'a\u200db']) {
      expect(refusal(chatJobBodySchema(DEFAULT_CONFIG), { messages, threadId, messageId: threadId })).toBeNull()
      expect(refusal(listQuerySchema, { threadId })).toBeNull()
      expect(() => admitIds({ threadId, messageId: threadId })).not.toThrow()
    }
  })
})
