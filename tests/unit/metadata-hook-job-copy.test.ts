/**
 * The chat-message-metadata hook gets the job's record, read for the response. With the memory
 * provider that record shares its `request` with the stored job (the store copies only the top
 * level): a hook that redacted `job.request.messages` in place redacted the stored conversation —
 * the chat's history on the next read — which Redis and Convex never did. It now gets a copy.
 */
import { describe, expect, it } from 'vitest'
import { createMessageMetadataSource } from '../../server/lib/ai-sdk/message-metadata'
import { silentLogger } from '../../server/lib/logger'
import { createTimerSet } from '../../server/lib/timers'
import { createTestEngine } from '../support/engine-harness'

type Messages = Array<{ role: string, content: string }>

describe('chat-message-metadata hook and its job', () => {
  it('changing the job it is given leaves the stored job alone', async () => {
    const { engine } = createTestEngine({ runners: { chat: async context => context.text('done') } })
    const { job } = await engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'my card is 4111' }] } })
    await engine.whenSettled(job.id)
    const record = await engine.getJobRecord('u1', job.id)
    const source = createMessageMetadataSource({
      job: record,
      hook: (context) => {
        for (const message of (context.job.request as { messages: Messages }).messages) message.content = '[redacted]'
        context.metadata = { ok: true }
      },
      logger: silentLogger,
      timers: createTimerSet(),
    })
    expect(await source('finish', (await engine.getJob('u1', job.id)).state)).toEqual({ ok: true })
    const again = await engine.getJobRecord('u1', job.id)
    expect((again.request as { messages: Messages }).messages).toEqual([{ role: 'user', content: 'my card is 4111' }])
  })
})
