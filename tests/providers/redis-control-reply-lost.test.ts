/**
 * An answer sent to an instance that does not run the job is forwarded as a control. When Redis
 * stores and publishes the control but its reply to the sender is lost (the connection drops after
 * the script was sent), the caller gets a `503` "retry shortly" — and the owner takes the answer
 * all the same. The retry the 503 asks for was a `409` "already answered or expired" (or "belongs
 * to a job that has ended" once the answer let the job finish): the user was told their answer was
 * refused, and the job went on with it. The same answer from the same user to a question the job
 * took it for is now answered as what it is: taken (`stored: true`). Another answer stays a 409.
 */
import { describe, expect, it } from 'vitest'
import type { RedisJobProvider } from '../../server/lib/providers/redis'
import { askTwice } from '../convex/ask-twice'
import { startReplyDroppingProxy } from '../support/redis-reply-dropping-proxy'
import { useRedisEngines } from '../support/redis-engines'

const { redis, engines } = useRedisEngines()

/** Settles a promise into its outcome (an error as its status and name). */
function outcome<T>(promise: Promise<T>) {
  return promise.then(value => ({ ok: true as const, value }), (error: { statusCode?: number, name?: string }) => ({ ok: false as const, status: error.statusCode, name: error.name }))
}

describe('redis: a forwarded answer whose control was stored but whose reply was lost', () => {
  it('is taken by the owner after the sender\'s 503, and the retry of the same answer is told so (not 409)', async () => {
    const proxy = await startReplyDroppingProxy(redis.url)
    try {
      const config = { workflows: { enabled: true } }
      const keyPrefix = `reply-lost-${process.pid}:`
      const owner = await engines.start({ url: redis.url, keyPrefix, instanceId: 'owner', config, workflows: [askTwice] })
      let dropNextReply = false
      // The sender's Redis reply to the control it sends is lost (the connection drops with it).
      const dropping = (provider: RedisJobProvider): RedisJobProvider => ({
        ...provider,
        sendControl: async (id, control) => {
          if (dropNextReply && control.type === 'input') proxy.arm(control.requestId)
          dropNextReply = false
          return await provider.sendControl(id, control)
        },
      })
      const sender = await engines.start({ url: proxy.url, keyPrefix, instanceId: 'sender', config, workflows: [askTwice], wrapProvider: dropping })
      // Redis knows the control script first (a NOSCRIPT reply lost would mean nothing ran).
      await expect(sender.provider.sendControl('no-such-job', { type: 'abort', userId: 'u1' })).rejects.toThrow(/no-such-job/)
      const { job } = await owner.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask-twice', input: {} } })
      const asked = async () => (await owner.engine.getJob('u1', job.id)).state.pendingInputs.map(input => input.prompt)
      // What the sender reads is what the store holds.
      const sendersView = async () => (await sender.engine.getJob('u1', job.id)).state.pendingInputs.map(input => input.prompt)
      await expect.poll(sendersView, { timeout: 10_000, interval: 20 }).toEqual(['First?'])
      const [first] = (await sender.engine.getJob('u1', job.id)).state.pendingInputs

      dropNextReply = true
      expect(await outcome(sender.engine.answerInput('u1', job.id, { requestId: first!.requestId, answer: { go: true } }))).toMatchObject({ ok: false, status: 503 })
      expect(proxy.cuts).toBe(1)
      // The owner took it all the same: the job asks its second question.
      await expect.poll(asked, { timeout: 10_000, interval: 20 }).toEqual(['Second?'])
      // The retry the 503 asked for: the same answer was taken.
      expect(await outcome(sender.engine.answerInput('u1', job.id, { requestId: first!.requestId, answer: { go: true } }))).toEqual({ ok: true, value: { stored: true } })
      // Another answer to it was not.
      expect(await outcome(sender.engine.answerInput('u1', job.id, { requestId: first!.requestId, answer: { go: false } }))).toMatchObject({ ok: false, status: 409 })

      // The last question: the answer lets the job end before the retry comes.
      await expect.poll(sendersView, { timeout: 10_000, interval: 20 }).toEqual(['Second?'])
      const [second] = (await sender.engine.getJob('u1', job.id)).state.pendingInputs
      dropNextReply = true
      expect(await outcome(sender.engine.answerInput('u1', job.id, { requestId: second!.requestId, answer: { go: true } }))).toMatchObject({ ok: false, status: 503 })
      await expect.poll(async () => (await owner.provider.get(job.id))?.status, { timeout: 10_000, interval: 20 }).toBe('completed')
      expect(await outcome(sender.engine.answerInput('u1', job.id, { requestId: second!.requestId, answer: { go: true } }))).toEqual({ ok: true, value: { stored: true } })
      expect(await outcome(owner.engine.answerInput('u1', job.id, { requestId: second!.requestId, answer: { go: false } }))).toMatchObject({ ok: false, status: 409 })
      // Another user's answer (the same value) is never taken for theirs.
      expect(await outcome(owner.engine.answerInput('u2', job.id, { requestId: second!.requestId, answer: { go: true } }))).toMatchObject({ ok: false, status: 404 })
    }
    finally {
      await engines.stopAll()
      await proxy.close()
    }
  })

  it('an abort whose reply was lost is carried out too, and its retry gets the aborted job', async () => {
    const proxy = await startReplyDroppingProxy(redis.url)
    try {
      const config = { workflows: { enabled: true } }
      const keyPrefix = `abort-reply-lost-${process.pid}:`
      const owner = await engines.start({ url: redis.url, keyPrefix, instanceId: 'owner', config, workflows: [askTwice] })
      let dropNextReply = false
      const dropping = (provider: RedisJobProvider): RedisJobProvider => ({
        ...provider,
        sendControl: async (id, control) => {
          // The control as JSON (`"userId":"u1"`) is in the command that sends it.
          if (dropNextReply) proxy.arm(`"userId":"${control.userId}"`)
          dropNextReply = false
          return await provider.sendControl(id, control)
        },
      })
      const sender = await engines.start({ url: proxy.url, keyPrefix, instanceId: 'sender', config, workflows: [askTwice], wrapProvider: dropping })
      await expect(sender.provider.sendControl('no-such-job', { type: 'abort', userId: 'u1' })).rejects.toThrow(/no-such-job/)
      const { job } = await owner.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask-twice', input: {} } })
      await expect.poll(async () => (await sender.engine.getJob('u1', job.id)).state.pendingInputs.length, { timeout: 10_000, interval: 20 }).toBe(1)

      dropNextReply = true
      expect(await outcome(sender.engine.abortJob('u1', job.id))).toMatchObject({ ok: false, status: 503 })
      expect(proxy.cuts).toBe(1)
      await expect.poll(async () => (await owner.provider.get(job.id))?.status, { timeout: 10_000, interval: 20 }).toBe('aborted')
      expect(await outcome(sender.engine.abortJob('u1', job.id))).toMatchObject({ ok: true, value: { status: 'aborted' } })
    }
    finally {
      await engines.stopAll()
      await proxy.close()
    }
  })
})
