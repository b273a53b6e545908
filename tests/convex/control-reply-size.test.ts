/**
 * The owner's reply to a control is stored in the control's document, beside the answer it
 * replies to (up to `MAX_REQUEST_BYTES`). Convex refuses a document over 1 MiB, which convex-test
 * does not enforce: these tests measure the stored documents themselves.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { getDocumentSize } from 'convex/values'
import { api } from '../../convex/_generated/api'
import { MAX_DOCUMENT_BYTES, MAX_REPLY_BYTES } from '../../convex/limits'
import { InvalidAnswerError } from '../../server/lib/errors'
import { replyOf } from '../../server/lib/run-lease'
import { replyJsonOf } from '../../server/lib/providers/convex-reply'
import { TEST_SECRET, twoInstancesWithJob } from './backend'

/**
 * The reply an owner sends for an answer refused with a message of about 3.6 MB: what InputRequests
 * makes of an error a refinement throws (`Invalid answer: <its message>`). A refusal zod describes
 * is bounded (at most 10 problems, each message cut at 1,000 characters), so only a thrown message
 * makes a reply this long.
 */
const LONG_REFUSAL = 'not a pick list I can take; '.repeat(130_000)
function invalidAnswerReply() {
  return replyOf(new InvalidAnswerError(`Invalid answer: picks: ${LONG_REFUSAL}`))
}

describe('convex control replies', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(50_000)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a refusal with a long message still fits the control document, and the sender reads it', async () => {
    const { a, b, job, backend } = await twoInstancesWithJob()
    // About 240 KB of JSON: under the default body limit (256 KiB); the refusal's message is about 3.6 MB.
    const answer = { picks: Array.from({ length: 60_000 }, () => 1) }
    const reply = invalidAnswerReply()
    expect(reply.ok).toBe(false)
    const controlId = await b.provider.sendControl(job.id, { type: 'input', userId: job.userId, requestId: 'pick', answer })

    await a.provider.replyToControl(job.id, controlId, reply)

    const sizes = (await backend.run(ctx => ctx.db.query('controls').collect())).map(control => getDocumentSize(control))
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_DOCUMENT_BYTES)
    const read = await b.provider.readControlReply(job.id, controlId)
    expect(read).toMatchObject({ ok: false, status: 400, error: 'InvalidAnswerError' })
    expect(read && !read.ok && read.message).toMatch(/^Invalid answer: picks: not a pick list I can take; .*\[cut: \d+ more bytes\]$/s)
  })

  it('a message that escaping makes longer as JSON is cut to fit too', () => {
    const message = `"\\\u0001😀`.repeat(20_000)
    const json = replyJsonOf({ ok: false, status: 400, error: 'InvalidAnswerError', message })
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(MAX_REPLY_BYTES)
    expect(JSON.parse(json).message).toMatch(/^"\\\u0001😀.* … \[cut: \d+ more bytes\]$/su)
    expect(replyJsonOf({ ok: true })).toBe('{"ok":true}')
  })

  it('the reply mutation refuses a reply too big for the document (too-large), storing nothing', async () => {
    const { b, job, backend } = await twoInstancesWithJob()
    const controlId = await b.provider.sendControl(job.id, { type: 'abort', userId: job.userId })
    const replyJson = JSON.stringify({ ok: false, status: 400, error: 'InvalidAnswerError', message: 'x'.repeat(MAX_REPLY_BYTES) })

    await expect(backend.mutation(api.controls.reply, { secret: TEST_SECRET, jobId: job.id, controlId, replyJson }))
      .rejects.toMatchObject({ data: { code: 'too-large' } })
    expect((await backend.run(ctx => ctx.db.query('controls').collect())).map(control => control.replyJson)).toEqual([undefined])
  })
})
