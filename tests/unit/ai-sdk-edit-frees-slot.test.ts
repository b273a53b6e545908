/**
 * An edit of an earlier message, after `stop()` left a later answer running, under a per-user
 * concurrency limit that answer fills. The edit drops that later turn (the SDK cuts its messages
 * there), and its answer was ended only once the new turn had started — so the new turn was
 * refused first (429, "try again in 5 s"), and again on every retry until the stopped answer ran
 * to its end. Now, refused for the limit, the new turn ends the answers it drops first, as it
 * does for the answer it replaces. Real `Chat` from `@ai-sdk/vue` against the real chat route.
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import type { ChatMessage } from '../../server/lib/providers/types'
import type { RunContext } from '../../server/lib/run-context'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

/** Resolved once an answer that holds has written its first words. */
let holding: () => void = () => {}

/** Answers at once, or — for a prompt with "hold" — runs until the job is aborted. */
async function runner(context: RunContext, request: { messages: ChatMessage[] }): Promise<void> {
  const prompt = String(request.messages.at(-1)!.content)
  context.emit({ type: 'step-start', step: 1 })
  context.text(`Answer to: ${prompt}`)
  if (!prompt.includes('hold')) return
  holding()
  await new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true }))
}

const app = useServedRoutes({ runners: { chat: runner }, config: { limits: { maxConcurrentJobsPerUser: 1 } } })

describe('an edit of an earlier message while a later answer still runs after stop()', () => {
  it('gets its answer under a one-job limit, and the dropped answer is aborted', async () => {
    const chatId = 'chat-edit-frees-slot'
    const errors: string[] = []
    const chat = new Chat<UIMessage>({ id: chatId, transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }), onError: error => errors.push(error.message) })
    await chat.sendMessage({ text: 'one' })
    const first = chat.messages[0]!
    const held = new Promise<void>(resolve => (holding = resolve))
    const sent = chat.sendMessage({ text: 'two, hold' })
    await held
    await chat.stop()
    await sent
    const [running] = await app.engine.listJobs('user-1', { threadId: chatId, status: ['running'] })
    expect(running).toBeDefined()

    await chat.sendMessage({ text: 'one, edited', messageId: first.id })

    expect(errors).toEqual([])
    expect(chat.status).toBe('ready')
    expect(chat.messages.map(message => [message.role, message.parts.flatMap(part => (part.type === 'text' ? [part.text] : []))])).toEqual([
      ['user', ['one, edited']],
      ['assistant', ['Answer to: one, edited']],
    ])
    expect((await app.engine.getJob('user-1', running!.id)).state.status).toBe('aborted')
  })
})
