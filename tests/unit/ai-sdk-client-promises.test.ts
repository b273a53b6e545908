/**
 * What docs/ai-sdk.md promises an AI SDK app that switches to `/api/jobs/chat`, checked with the
 * SDK's own client: `Chat` of `@ai-sdk/vue` on the stock `DefaultChatTransport` against the real
 * chat routes. Every chunk a route writes is also checked on its own against the SDK's
 * `uiMessageChunkSchema` (the transport checks them too, but stops at the first bad one). Covers
 * resume mid-answer and after the end, stop, regenerate, tool approvals, message metadata, a
 * failed answer, another user's chat id, ids and order after a reload, `sendAutomaticallyWhen`.
 * Waits are on chunks and callbacks, never on time.
 */
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses, lastAssistantMessageIsCompleteWithToolCalls, uiMessageChunkSchema, validateUIMessages } from 'ai'
import type { ChatInit, UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import { askToDelete, doneStep } from '../support/delete-approvals'
import { nitroRuntime } from '../support/nitro-runtime-mock'
import { useServedRoutes } from '../support/route-app'
import type { ChatJobRequest } from '../../server/lib/providers/types'
import type { RunContext } from '../../server/lib/run-context'
import { JobFailure } from '../../server/lib/run-context'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

/** Held answers ("slow") wait here for their second half. */
let releaseSecondHalf: () => void = () => {}
let secondHalf = Promise.resolve()
function holdSecondHalf(): void {
  secondHalf = new Promise(resolve => (releaseSecondHalf = resolve))
}

/** One step of `text` (`finishReason: stop`). */
function answer(context: RunContext, text: string): void {
  context.emit({ type: 'step-start', step: 1 })
  context.text(text)
  context.emit({ type: 'step-end', step: 1, finishReason: 'stop' })
}

/** The model of these tests, by what the last message asks. */
async function runner(context: RunContext, request: ChatJobRequest): Promise<void> {
  const asked = request.messages.at(-1)?.content ?? ''
  if (asked.includes('slow')) {
    context.emit({ type: 'step-start', step: 1 })
    context.text('First half. ')
    await secondHalf
    context.text('Second half.')
    context.emit({ type: 'step-end', step: 1, finishReason: 'stop' })
  }
  else if (asked.includes('fail')) {
    context.emit({ type: 'step-start', step: 1 })
    context.text('Partial.')
    throw new JobFailure('upstream-error', 'The model broke')
  }
  else if (asked.includes('delete')) {
    await askToDelete(context, ['a.txt'], 'Deleting. ')
    doneStep(context)
  }
  else if (asked.includes('time')) {
    context.emit({ type: 'step-start', step: 1 })
    context.emit({ type: 'tool-call', id: 'call_time', name: 'get_time', args: {}, step: 1 })
    context.emit({ type: 'tool-result', id: 'call_time', status: 'completed', result: { iso: 'now' }, durationMs: 1 })
    context.emit({ type: 'step-end', step: 1, finishReason: 'tool_calls' })
    context.emit({ type: 'step-start', step: 2 })
    context.text('It is now.')
    context.emit({ type: 'step-end', step: 2, finishReason: 'stop' })
  }
  else answer(context, `Answer to ${asked}.`)
}

const app = useServedRoutes({ runners: { chat: runner } })

/**
 * A `Chat` on the stock transport, recording what it asked (`requests`), its callbacks (`calls`)
 * and every chunk the routes wrote with the SDK schema's verdict on it (`invalid`: those refused).
 */
function recordedChat(id: string, init: Partial<ChatInit<UIMessage>> = {}) {
  const requests: string[] = []
  const calls: string[] = []
  const chunks: Array<{ type: string }> = []
  const invalid: string[] = []
  let waiters: Array<{ type: string, resolve: () => void }> = []
  let finished: () => void = () => {}
  async function record(body: ReadableStream<Uint8Array>): Promise<void> {
    let buffered = ''
    const decoder = new TextDecoder()
    const reader = body.getReader()
    try {
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        buffered += decoder.decode(read.value, { stream: true })
        const lines = buffered.split('\n')
        buffered = lines.pop()!
        for (const line of lines) {
          if (!line.startsWith('data: ') || line === 'data: [DONE]') continue
          const chunk = JSON.parse(line.slice('data: '.length)) as { type: string }
          const verdict = await uiMessageChunkSchema().validate!(chunk)
          if (!verdict.success) invalid.push(line)
          chunks.push(chunk)
          waiters = waiters.filter(waiter => waiter.type !== chunk.type || void waiter.resolve())
        }
      }
    }
    catch {
      // The response was closed (stop()): what came before is recorded.
    }
  }
  const chat = new Chat<UIMessage>({
    id,
    transport: new DefaultChatTransport({
      api: `${app.base}/api/jobs/chat`,
      fetch: async (url, options) => {
        const response = await fetch(url, options)
        requests.push(`${options?.method ?? 'GET'} ${String(url).slice(app.base.length)} ${response.status}`)
        if (!response.body || response.status !== 200) return response
        const [forSdk, forRecord] = response.body.tee()
        void record(forRecord)
        return new Response(forSdk, { status: response.status, headers: response.headers })
      },
    }),
    onFinish: ({ message, isAbort, isError, finishReason }) => {
      calls.push(`finish ${message.id} ${finishReason ?? '-'}${isAbort ? ' abort' : ''}${isError ? ' error' : ''}`)
      finished()
    },
    onError: error => calls.push(`error ${error.message}`),
    ...init,
  })
  return {
    chat,
    requests,
    calls,
    chunks,
    invalid,
    /** Resolves once a chunk of `type` has been written from now on. */
    nextChunk: (type: string) => new Promise<void>(resolve => waiters.push({ type, resolve })),
    /** Resolves at the chat's next `onFinish`. */
    nextFinish: () => new Promise<void>(resolve => (finished = resolve)),
  }
}

/** The chat's messages as the messages route gives them (as after a reload). */
async function serverMessages(chatId: string): Promise<UIMessage[]> {
  const response = await fetch(`${app.base}/api/jobs/chat/${encodeURIComponent(chatId)}/messages`)
  return ((await response.json()) as { messages: UIMessage[] }).messages
}

/** Ids, roles and text of `messages`: what a page shows. */
const shown = (messages: UIMessage[]) => messages.map(message => [message.id, message.role, message.parts.flatMap(part => (part.type === 'text' ? [part.text] : [])).join('|')])

/** Waits (in event-loop turns, not time) until `user-1`'s job is no longer running or waiting. */
async function jobSettled(jobId: string): Promise<string> {
  for (let turn = 0; turn < 1000; turn++) {
    const { state } = await app.engine.getJob('user-1', jobId)
    if (state.status !== 'running' && state.status !== 'waiting' && state.status !== 'queued') return state.status
    await new Promise(resolve => setImmediate(resolve))
  }
  throw new Error(`job ${jobId} did not end`)
}

/** Sends `text`, closes the response (`stop()`) once the first text arrived; the job's id (its assistant message's). */
async function sendAndStopMidAnswer(page: ReturnType<typeof recordedChat>, text: string): Promise<string> {
  const delta = page.nextChunk('text-delta')
  const sending = page.chat.sendMessage({ text })
  await delta
  await page.chat.stop()
  await sending
  return page.chat.lastMessage!.id
}

describe('an AI SDK chat on /api/jobs/chat, read by the SDK itself', () => {
  it('resume mid-answer after a reload: the same message once, whole; after the end a 204 and no second onFinish', async () => {
    holdSecondHalf()
    const first = recordedChat('promises-resume')
    // stop() only closes the response: the job runs on.
    const jobId = await sendAndStopMidAnswer(first, 'a slow one')

    // The reload: the messages route, then resumeStream().
    const reloaded = recordedChat('promises-resume')
    reloaded.chat.messages = await serverMessages('promises-resume')
    const finish = reloaded.nextFinish()
    const resuming = reloaded.chat.resumeStream()
    await reloaded.nextChunk('start')
    releaseSecondHalf()
    await resuming
    await finish
    expect(shown(reloaded.chat.messages)).toEqual([[first.chat.messages[0]!.id, 'user', 'a slow one'], [jobId, 'assistant', 'First half. Second half.']])
    expect(reloaded.calls).toEqual([`finish ${jobId} stop`])
    await validateUIMessages({ messages: reloaded.chat.messages })

    // Reloaded again after the end: nothing to resume, nothing replayed, no callback.
    const later = recordedChat('promises-resume')
    later.chat.messages = await serverMessages('promises-resume')
    await later.chat.resumeStream()
    expect({ requests: later.requests, calls: later.calls, status: later.chat.status }).toEqual({ requests: ['GET /api/jobs/chat/promises-resume/stream 204'], calls: [], status: 'ready' })
    expect(shown(later.chat.messages)).toEqual(shown(reloaded.chat.messages))
    expect([...first.invalid, ...reloaded.invalid]).toEqual([])
  })

  it('stop() plus the abort route ends the job aborted, its partial text kept in the messages route', async () => {
    holdSecondHalf()
    const page = recordedChat('promises-stop')
    const jobId = await sendAndStopMidAnswer(page, 'slow again')
    const stopped = await (await fetch(`${app.base}/api/jobs/chat/promises-stop/abort`, { method: 'POST' })).json() as { jobs: Array<{ id: string, status: string }> }
    releaseSecondHalf()
    expect(stopped.jobs.map(job => [job.id, job.status])).toEqual([[jobId, 'aborted']])
    expect(shown(await serverMessages('promises-stop')).at(-1)).toEqual([jobId, 'assistant', 'First half. '])
    expect(page.calls).toEqual([`finish ${jobId} - abort`])
    expect(page.invalid).toEqual([])
  })

  it('regenerate() replaces the answer in place: the same ids and order in the chat and after a reload', async () => {
    const page = recordedChat('promises-regenerate')
    await page.chat.sendMessage({ text: 'one', metadata: { sentFrom: 'test' } })
    await page.chat.sendMessage({ text: 'two' })
    const replaced = page.chat.lastMessage!.id
    await page.chat.regenerate()
    expect(page.chat.lastMessage!.id).not.toBe(replaced)
    expect(shown(page.chat.messages).map(([, role, text]) => [role, text])).toEqual([['user', 'one'], ['assistant', 'Answer to one.'], ['user', 'two'], ['assistant', 'Answer to two.']])
    const reloaded = await serverMessages('promises-regenerate')
    expect(shown(reloaded)).toEqual(shown(page.chat.messages))
    // The user message's metadata comes back as sent.
    expect(reloaded[0]!.metadata).toEqual({ sentFrom: 'test' })
    expect(page.invalid).toEqual([])
  })

  it('a tool approval answered with addToolApprovalResponse posts once and continues the same message', async () => {
    const page = recordedChat('promises-approval', { sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses })
    await page.chat.sendMessage({ text: 'delete a.txt' })
    const jobId = page.chat.lastMessage!.id
    const asking = page.chat.lastMessage!.parts.find(part => part.type === 'tool-delete_file') as { state: string, approval: { id: string } }
    expect(asking.state).toBe('approval-requested')
    const finish = page.nextFinish()
    await page.chat.addToolApprovalResponse({ id: asking.approval.id, approved: true })
    await finish
    expect(page.requests).toEqual(['POST /api/jobs/chat 200', 'POST /api/jobs/chat 200'])
    expect(page.calls).toEqual([`finish ${jobId} tool-calls`, `finish ${jobId} stop`])
    const parts = page.chat.lastMessage!.parts.filter(part => part.type !== 'step-start').map(part => (part.type === 'text' ? part.text : `${part.type}:${(part as { state: string }).state}`))
    expect({ id: page.chat.lastMessage!.id, parts }).toEqual({ id: jobId, parts: ['Deleting. ', 'tool-delete_file:output-available', 'Done.'] })
    expect(shown(await serverMessages('promises-approval'))).toEqual(shown(page.chat.messages))
    await validateUIMessages({ messages: page.chat.messages })
    expect(page.invalid).toEqual([])
  })

  it('a failed answer: onError then onFinish (isError), chat.error the job\'s message, the partial text kept', async () => {
    const page = recordedChat('promises-failed')
    await page.chat.sendMessage({ text: 'fail please' })
    const jobId = page.chat.lastMessage!.id
    expect({ status: page.chat.status, error: page.chat.error?.message, calls: page.calls }).toEqual({ status: 'error', error: 'The model broke', calls: ['error The model broke', `finish ${jobId} - error`] })
    expect(shown(await serverMessages('promises-failed')).at(-1)).toEqual([jobId, 'assistant', 'Partial.'])
    expect(page.chunks.map(chunk => chunk.type).slice(-3)).toEqual(['error', 'finish-step', 'finish'])
    expect(page.invalid).toEqual([])
  })

  it('another user\'s chat id: no stream (204), no messages, nothing stopped; their own chat of that id is apart', async () => {
    holdSecondHalf()
    const owner = recordedChat('promises-shared-id')
    const delta = owner.nextChunk('text-delta')
    const sending = owner.chat.sendMessage({ text: 'slow, mine' })
    await delta
    const jobId = owner.chat.lastMessage!.id
    nitroRuntime.userId = 'user-2'
    try {
      const other = recordedChat('promises-shared-id')
      await other.chat.resumeStream()
      expect(other.requests).toEqual(['GET /api/jobs/chat/promises-shared-id/stream 204'])
      expect(await serverMessages('promises-shared-id')).toEqual([])
      expect(await (await fetch(`${app.base}/api/jobs/chat/promises-shared-id/abort`, { method: 'POST' })).json()).toEqual({ jobs: [] })
      expect((await fetch(`${app.base}/api/jobs/${jobId}`)).status).toBe(404)
    }
    finally {
      nitroRuntime.userId = 'user-1'
    }
    releaseSecondHalf()
    await sending
    expect(shown(owner.chat.messages).at(-1)).toEqual([jobId, 'assistant', 'First half. Second half.'])
    expect(await jobSettled(jobId)).toBe('completed')
  })

  it('sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithToolCalls — a server tool round then text posts once', async () => {
    const page = recordedChat('promises-auto', { sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithToolCalls })
    await page.chat.sendMessage({ text: 'what time is it' })
    expect(page.requests).toEqual(['POST /api/jobs/chat 200'])
    const parts = page.chat.lastMessage!.parts.map(part => (part.type === 'text' ? part.text : `${part.type}${'state' in part ? `:${part.state}` : ''}`))
    expect(parts).toEqual(['step-start', 'tool-get_time:output-available', 'step-start', 'It is now.'])
    expect(page.invalid).toEqual([])
  })
})
