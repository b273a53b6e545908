/**
 * A failed answer on the /ai-sdk page had no Retry at all: the user retyped the message, where the
 * main chat's turn offers Retry whenever asking again can help (lib/failure-kinds.ts). The newest
 * failed answer now has Retry when it can help — it calls the SDK's own `regenerate()` — and
 * otherwise its sentence says what to do. The model endpoint's status comes as the job error's
 * `httpStatus` (in the demo's finish metadata, demo/server/plugins/answer-end-metadata.ts): a 429
 * or a 5xx may pass later, another 4xx is refused again. An answer stored before the field existed
 * is decided by the status its message names. Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it, vi } from 'vitest'
import type { UIMessage } from 'ai'
import type { JobError } from '../../shared/events'
import { formatChunk } from '../../server/lib/ai-sdk/ui-chunks'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes } from '../support/demo-client-render'
import { click, submitMessage, typeMessage } from '../support/ai-sdk-composer'
import { retryButtons, retryFirstAnswer, settle, usePage } from '../support/ai-sdk-page'

vi.stubGlobal('defineNitroPlugin', (plugin: unknown) => plugin)
const plugin = (await import('../../demo/server/plugins/answer-end-metadata')).default as unknown as (app: unknown) => void

const page = usePage()

/** The finish metadata the demo's hook gives a job that failed with `error`. */
function failedMetadata(error: JobError): unknown {
  let hook!: (context: Record<string, unknown>) => void
  plugin({ hooks: { hook: (_name: string, handler: typeof hook) => (hook = handler) } })
  const context: Record<string, unknown> = { part: 'finish', state: { status: 'failed', error, steps: [] } }
  hook(context)
  return context.metadata
}

/** The model endpoint's failure with `status`, as the job has it (`withField: false`: stored before `httpStatus`). */
function httpFailure(status: number, withField = true): JobError {
  return { code: 'upstream-http', message: `The model endpoint answered HTTP ${status}: upstream says no`, failedDuring: 'model', ...(withField ? { httpStatus: status } : {}) }
}

/** A chat whose answer failed with `error`, as the messages route gives it back after a reload. */
function failedChat(error: JobError): UIMessage[] {
  return [
    { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] },
    { id: 'job-1', role: 'assistant', metadata: failedMetadata(error), parts: [{ type: 'text', text: 'Once upon', state: 'done' }] },
  ]
}


/** The error the failure note shows (its sentence is FailureNote's, for that error). */
function noteErrors(root: FakeNode): unknown[] {
  return allNodes(root).filter(item => item.props['data-answer-end'] === 'failed').map(item => item.props.error)
}

describe('/ai-sdk page: Retry under a failed answer', () => {
  it('gets the model endpoint\'s status in the finish metadata', () => {
    expect(failedMetadata(httpFailure(429))).toEqual({ ended: 'failed', error: 'The model endpoint answered HTTP 429: upstream says no', code: 'upstream-http', httpStatus: 429 })
    expect(failedMetadata({ code: 'timeout', message: 'too slow' })).toEqual({ ended: 'failed', error: 'too slow', code: 'timeout' })
  })

  it('is offered after a 429 or a 5xx, and asks the SDK to regenerate the answer', async () => {
    for (const status of [429, 503]) {
      page.loaded = failedChat(httpFailure(status))
      const root = page.mount()
      await settle()
      expect(noteErrors(root)).toEqual([expect.objectContaining({ code: 'upstream-http', httpStatus: status })])
      expect(retryButtons(root)).toHaveLength(1)
      expect(await retryFirstAnswer(page, root)).toEqual({ trigger: 'regenerate-message', ids: ['u1'] })
      // The failed answer leaves for the new one, which is on its way.
      expect(retryButtons(root)).toEqual([])
    }
  })

  it('is not offered after another 4xx, nor on an answer stored before httpStatus whose message names one', async () => {
    for (const error of [httpFailure(401), httpFailure(404, false)]) {
      page.loaded = failedChat(error)
      const root = page.mount()
      await settle()
      expect(noteErrors(root)).toHaveLength(1)
      expect(retryButtons(root)).toEqual([])
    }
  })

  it('is not offered after a refusal the endpoint named as over the context window, with no status (an error chunk\'s name, decision 046)', async () => {
    // OpenAI's error chunk after text started: its name and no HTTP status; the words say nothing the page knows.
    const overWindow: JobError = { code: 'upstream-stream', message: 'The model endpoint sent an error: bad request', failedDuring: 'model', upstreamCode: 'context_length_exceeded' }
    expect(failedMetadata(overWindow)).toEqual({ ended: 'failed', error: overWindow.message, code: 'upstream-stream', upstreamCode: 'context_length_exceeded' })
    page.loaded = failedChat(overWindow)
    const root = page.mount()
    await settle()
    expect(noteErrors(root)).toEqual([expect.objectContaining({ code: 'upstream-stream', upstreamCode: 'context_length_exceeded' })])
    expect(retryButtons(root)).toEqual([])
  })

  it('is offered as soon as a streamed answer fails where it can help, on the newest answer only', async () => {
    page.loaded = failedChat(httpFailure(500))
    const root = page.mount()
    await settle()
    await typeMessage(root, 'Again')
    await submitMessage(root)
    page.answer([
      formatChunk({ type: 'start', messageId: 'job-2' }),
      formatChunk({ type: 'message-metadata', messageMetadata: failedMetadata(httpFailure(429)) }),
      formatChunk({ type: 'error', errorText: httpFailure(429).message }),
    ].join(''), true)
    await settle()
    const retries = retryButtons(root)
    expect(retries).toHaveLength(1)
    // The earlier failed answer (a 500) has none now: Retry asks the newest message again.
    expect(allNodes(root).filter(item => item.props['data-message-id'] === 'job-2').flatMap(allNodes)).toContain(retries[0])
  })
})
