/**
 * Convex stores strings as UTF-8 and documents that they "must be valid Unicode sequences"
 * (https://docs.convex.dev/using/types). A JSON body may hold a lone UTF-16 surrogate (`"\ud83d"`,
 * e.g. from a client that cut an emoji in half), which `JSON.parse` keeps; the title taken from the
 * prompt, and ids given in the body, carry it into the call's arguments. convex-test passes values
 * in-process and accepts them, so this records what the provider sends.
 */
import { describe, expect, it } from 'vitest'
import { createConvexTestFacade, type ConvexTestBackend } from '../../server/lib/providers/convex-test-facade'
import { createConvexProvider } from '../../server/lib/providers/convex'
import { createBackend, newJob, statusEvent, TEST_SECRET } from './backend'

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Every string inside a value that is not a valid Unicode sequence. */
function illFormed(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) found.push(value)
  }
  else if (Array.isArray(value)) {
    for (const item of value) illFormed(item, found)
  }
  else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) illFormed(item, found)
  }
  return found
}

describe('strings the convex provider sends', () => {
  it('are valid Unicode: a lone surrogate in a title or an id goes as U+FFFD, and the job is found by the id as given', async () => {
    const backend = createBackend()
    const sent: unknown[] = []
    const recording: ConvexTestBackend = {
      query: (query, args) => (sent.push(args), (backend as unknown as ConvexTestBackend).query(query, args)),
      mutation: (mutation, args) => (sent.push(args), (backend as unknown as ConvexTestBackend).mutation(mutation, args)),
    }
    const provider = createConvexProvider({ facade: createConvexTestFacade(recording, TEST_SECRET) })
    const threadId = 'chat-\uDC00'
    const job = newJob({ title: 'Summarise this \uD83D', threadId, messageId: 'message-\uD83D' })
    await provider.create(job)
    await provider.appendEvents(job.id, [statusEvent(1, 'running')], { epoch: 1 })
    await provider.sendControl(job.id, { type: 'input', userId: job.userId, requestId: 'question-\uD800', answer: 'yes' })

    expect(illFormed(sent)).toEqual([])
    expect((await provider.get(job.id))?.title).toBe('Summarise this \uFFFD')
    expect((await provider.list({ userId: job.userId, threadId })).map(record => record.id)).toEqual([job.id])
    expect((await provider.list({ userId: job.userId, messageId: 'message-\uD83D' })).map(record => record.id)).toEqual([job.id])
    await provider.dispose()
  })
})
