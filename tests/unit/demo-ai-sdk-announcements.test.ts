/**
 * What a screen reader hears on the /ai-sdk page (demo/app/pages/ai-sdk.vue, mounted with
 * tests/support/demo-component.ts, with the real `useChat` and its stock transport reading UI
 * message streams the test writes): its polite live region reads the newest answer a sentence at a
 * time, its tool calls when they start and end, an approval when it waits and how the answer ended
 * — as the main chat does — and, after a reload, only what comes after the messages it loaded (the
 * resume replays the running answer from its start). Before, the page announced nothing at all.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { UIMessage } from 'ai'
import { STOPPED_BEFORE_APPROVAL_REASON } from '../../shared/ended-before-approval'
import type { UiChunk } from '../../server/lib/ai-sdk/ui-chunks'
import { formatChunk, UI_MESSAGE_STREAM_DONE, UI_MESSAGE_STREAM_HEADERS } from '../../server/lib/ai-sdk/ui-chunks'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'
import { mountDemoComponent } from '../support/demo-component'
import { stubAiSdkPageGlobals } from '../support/ai-sdk-page-globals'

/** Every line the page put in its live region. */
const heard: string[] = []
vi.mock('../../demo/app/lib/announcements', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../demo/app/lib/announcements')>()
  return {
    ...original,
    withLiveLine: (lines: Parameters<typeof original.withLiveLine>[0], line: Parameters<typeof original.withLiveLine>[1]) => {
      heard.push(line.text)
      return original.withLiveLine(lines, line)
    },
  }
})

const AiSdkPage = (await import('../../demo/app/pages/ai-sdk.vue')).default

/** A UI message stream the test writes chunk by chunk. */
interface Response {
  url: string
  write: (...chunks: UiChunk[]) => void
  close: () => void
}

let app: ComposableApp
let responses: Response[]
let loaded: UIMessage[]

/** Lets the streams, the SDK and Vue's watchers run (no timers involved). */
async function settle(): Promise<void> {
  for (let round = 0; round < 30; round++) await new Promise(resolve => setImmediate(resolve))
}

beforeEach(() => {
  heard.length = 0
  responses = []
  loaded = []
  app = createComposableApp(async (url) => {
    if (url.endsWith('/messages')) return { messages: loaded }
    if (url.endsWith('/abort')) return { jobs: [] }
    throw new Error(`unexpected $fetch ${url}`)
  })
  stubAiSdkPageGlobals()
  vi.stubGlobal('fetch', async (url: string) => {
    let controller!: ReadableStreamDefaultController<Uint8Array>
    const body = new ReadableStream<Uint8Array>({ start: (opened) => {
      controller = opened
    } })
    const encoder = new TextEncoder()
    responses.push({
      url,
      write: (...chunks) => controller.enqueue(encoder.encode(chunks.map(formatChunk).join(''))),
      close: () => {
        controller.enqueue(encoder.encode(UI_MESSAGE_STREAM_DONE))
        controller.close()
      },
    })
    return new globalThis.Response(body, { headers: { 'content-type': 'text/event-stream', ...UI_MESSAGE_STREAM_HEADERS } })
  })
})

afterEach(() => {
  app.dispose()
})

const delta = (text: string): UiChunk => ({ type: 'text-delta', id: 't1', delta: text })

describe('/ai-sdk page: what a screen reader hears', () => {
  it('reads a resumed answer from where the loaded message ended, then its tool call, its approval and its end', async () => {
    // A reload mid-answer: the messages route has the answer as far as it got.
    loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Tidy up' }] },
      { id: 'job-1', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'text', text: 'First I look. Then', state: 'streaming' }] },
    ]
    mountDemoComponent(app, AiSdkPage, {})
    await settle()
    const resume = responses.at(-1)!
    expect(resume.url).toBe('/api/jobs/chat/c1/stream')
    // The resume replays the answer from its start, then goes on live.
    resume.write({ type: 'start', messageId: 'job-1' }, { type: 'start-step' }, { type: 'text-start', id: 't1' }, delta('First I look. Then'))
    await settle()
    expect(heard).toEqual([])

    resume.write(delta(' I delete notes.txt. '))
    await settle()
    expect(heard).toEqual(['I delete notes.txt.'])

    resume.write({ type: 'text-end', id: 't1' }, { type: 'tool-input-available', toolCallId: 'call-1', toolName: 'delete_file', input: { path: 'notes.txt' } })
    resume.write({ type: 'tool-approval-request', approvalId: 'r1', toolCallId: 'call-1' }, { type: 'finish-step' }, { type: 'finish', finishReason: 'tool-calls' })
    resume.close()
    await settle()
    expect(heard.slice(1)).toEqual(['Calling the tool delete_file.', 'Waiting for your approval: delete_file.'])
  })

  it('reads an answer the loaded messages did not have from its first word, each line once, and says it finished', async () => {
    loaded = [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'What time is it?' }] }]
    mountDemoComponent(app, AiSdkPage, {})
    await settle()
    const resume = responses.at(-1)!
    resume.write({ type: 'start', messageId: 'job-1' }, { type: 'start-step' }, { type: 'tool-input-available', toolCallId: 'call-1', toolName: 'get_current_time', input: {} })
    await settle()
    expect(heard).toEqual(['Calling the tool get_current_time.'])
    resume.write({ type: 'tool-output-available', toolCallId: 'call-1', output: '12:00' }, { type: 'finish-step' }, { type: 'start-step' }, { type: 'text-start', id: 't1' }, delta('It is '))
    await settle()
    expect(heard).toEqual(['Calling the tool get_current_time.', 'get_current_time done.'])
    resume.write(delta('**noon**'), { type: 'text-end', id: 't1' }, { type: 'finish-step' }, { type: 'finish', finishReason: 'stop' })
    resume.close()
    await settle()
    expect(heard).toEqual(['Calling the tool get_current_time.', 'get_current_time done.', 'It is noon', 'Answer finished.'])
  })

  it('says an answer stopped from another tab stopped, not finished', async () => {
    loaded = [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Write a long story' }] }]
    mountDemoComponent(app, AiSdkPage, {})
    await settle()
    const resume = responses.at(-1)!
    resume.write({ type: 'start', messageId: 'job-1' }, { type: 'start-step' }, { type: 'text-start', id: 't1' }, delta('Once upon'))
    // As the route ends an aborted job, with the demo's finish metadata (server/plugins/answer-end-metadata.ts).
    resume.write({ type: 'text-end', id: 't1' }, { type: 'finish-step' }, { type: 'message-metadata', messageMetadata: { ended: 'aborted' } }, { type: 'abort', reason: 'Aborted by the user' })
    resume.close()
    await settle()
    expect(heard).toEqual(['Once upon', 'Answer stopped.'])
  })

  it('says a call stopped while its approval waited was stopped with the answer, not that it was denied', async () => {
    loaded = [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Delete a.txt' }] }]
    mountDemoComponent(app, AiSdkPage, {})
    await settle()
    const resume = responses.at(-1)!
    resume.write({ type: 'start', messageId: 'job-1' }, { type: 'start-step' }, { type: 'tool-input-available', toolCallId: 'c1', toolName: 'delete_file', input: { path: 'a.txt' } }, { type: 'tool-approval-request', approvalId: 'r1', toolCallId: 'c1' }, { type: 'tool-input-available', toolCallId: 'c2', toolName: 'get_time', input: {} })
    await settle()
    // Stopped from another tab: as the route ends the job (snapshot-chunks.ts writeCutOffCalls).
    resume.write({ type: 'tool-approval-response', approvalId: 'r1', approved: false, reason: STOPPED_BEFORE_APPROVAL_REASON }, { type: 'tool-output-denied', toolCallId: 'c1' }, { type: 'tool-output-error', toolCallId: 'c2', errorText: 'job aborted (aborted)' }, { type: 'message-metadata', messageMetadata: { ended: 'aborted' } }, { type: 'abort', reason: 'Aborted by the user' })
    resume.close()
    await settle()
    // Before the route denied such a call, nothing said "denied"; it must not start to.
    expect(heard.filter(line => /denied/i.test(line))).toEqual([])
    expect(heard.at(-1)).toBe('Answer stopped.')
  })

  it('leaves a failed answer to the page\'s alert: its last words, no "Answer finished."', async () => {
    loaded = [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Write a long story' }] }]
    mountDemoComponent(app, AiSdkPage, {})
    await settle()
    const resume = responses.at(-1)!
    resume.write({ type: 'start', messageId: 'job-1' }, { type: 'start-step' }, { type: 'text-start', id: 't1' }, delta('Once upon'))
    resume.write({ type: 'message-metadata', messageMetadata: { ended: 'failed', error: 'The model timed out' } }, { type: 'error', errorText: 'The model timed out' }, { type: 'finish', finishReason: 'error' })
    resume.close()
    await settle()
    expect(heard).toEqual(['Once upon'])
  })

  it('says an answer cut at the length limit was cut off, as the note under it does, not that it finished', async () => {
    loaded = [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Write a long story' }] }]
    mountDemoComponent(app, AiSdkPage, {})
    await settle()
    const resume = responses.at(-1)!
    resume.write({ type: 'start', messageId: 'job-1' }, { type: 'start-step' }, { type: 'text-start', id: 't1' }, delta('Once upon a'))
    // As the route ends a job its model's length limit cut, with the demo's finish metadata.
    resume.write({ type: 'text-end', id: 't1' }, { type: 'finish-step' }, { type: 'finish', finishReason: 'length', messageMetadata: { ended: 'cut-off', by: 'length' } })
    resume.close()
    await settle()
    expect(heard).toEqual(['Once upon a', 'Cut off — the model reached its length limit. Ask it to continue.'])
  })
})
