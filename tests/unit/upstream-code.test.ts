/**
 * A prompt over the model's context window was told only by words: the demo matched the model
 * client's hint in the message ("too long"), which is a sentence for people. The endpoint names it
 * (OpenAI: `error.code` `context_length_exceeded` in its 400 body or an error chunk; llama.cpp:
 * `error.type` `exceed_context_size_error`): the job's error carries that name as `upstreamCode`
 * now (upstream-code.ts), and the demo decides on it, the words kept as the fallback.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { UpstreamStreamError } from '../../server/lib/model/errors'
import { httpErrorFrom } from '../../server/lib/model/upstream-response'
import { upstreamCodeField } from '../../server/lib/upstream-code'
import { toNodeFailure } from '../../server/lib/workflows/workflow-run'
import { failureSentence, retryCanHelp } from '../../demo/app/lib/failure-kinds'
import { failChatWith } from '../support/failed-chat'

const API_KEY = 'sk-test-0123456789abcdef0123456789abcdef'

/** OpenAI's answer to a prompt over the window. */
const OPENAI_TOO_LONG = JSON.stringify({ error: { message: 'This model\'s maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.', type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } })

/** The error of an HTTP answer with `status` and `body`. */
async function httpError(status: number, body: string) {
  return await httpErrorFrom({ status, headers: new Headers(), text: async () => body }, API_KEY, new AbortController().signal)
}

describe('a job error\'s upstreamCode', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is the name an HTTP error body gives the failure, in the job\'s state and its job-end event', async () => {
    const { error, endError } = await failChatWith(await httpError(400, OPENAI_TOO_LONG))
    expect(error).toMatchObject({ code: 'upstream-http', httpStatus: 400, upstreamCode: 'context_length_exceeded' })
    expect(endError).toEqual(error)
    // llama.cpp: no code but a type.
    expect((await failChatWith(await httpError(400, JSON.stringify({ error: { code: 400, message: 'the request exceeds the available context size', type: 'exceed_context_size_error' } })))).error)
      .toMatchObject({ httpStatus: 400, upstreamCode: 'exceed_context_size_error' })
  })

  it('is the name an error chunk gives it, and goes with a workflow node\'s failure', async () => {
    expect((await failChatWith(new UpstreamStreamError('too long', 'context_length_exceeded'))).error).toMatchObject({ code: 'upstream-stream', upstreamCode: 'context_length_exceeded' })
    expect(toNodeFailure(await httpError(400, OPENAI_TOO_LONG), 'write').details).toMatchObject({ failedDuring: 'workflow-node', httpStatus: 400, upstreamCode: 'context_length_exceeded' })
  })

  it('is only a name: never a status, a sentence, markup, a secret or another failure\'s', async () => {
    expect((await failChatWith(new UpstreamStreamError('busy', 429))).error).not.toHaveProperty('upstreamCode')
    expect((await failChatWith(await httpError(502, '<html><title>Bad Gateway</title></html>'))).error).not.toHaveProperty('upstreamCode')
    for (const code of ['the prompt is too long', '<b>x</b>', 'x'.repeat(65), '503', API_KEY]) {
      expect(upstreamCodeField(new UpstreamStreamError('no', code)), code).toEqual({})
    }
    // The configured key, echoed as a code: redacted before it is read.
    expect((await httpError(400, JSON.stringify({ error: { message: 'bad', code: API_KEY } }))).upstreamCode).toBe('[redacted]')
    expect(upstreamCodeField(Object.assign(new Error('x'), { code: 'tool-failed', upstreamCode: 'context_length_exceeded' }))).toEqual({})
  })
})

describe('the demo\'s decision on a prompt over the context window', () => {
  const tooLong = failureSentence({ code: 'context-budget-exceeded' })

  it('is by the endpoint\'s name for it, whatever the message says', () => {
    // Before: the message without the model client's hint read as a refusal (HTTP) or trouble in passing (a chunk).
    const http = { code: 'upstream-http', httpStatus: 400, upstreamCode: 'context_length_exceeded', message: 'The model endpoint answered HTTP 400: over the limit' }
    expect(failureSentence(http)).toBe(tooLong)
    expect(retryCanHelp(http)).toBe(false)
    const chunk = { code: 'upstream-stream', upstreamCode: 'context_length_exceeded', message: 'The model stream reported an error: over the limit' }
    expect(failureSentence(chunk)).toBe(tooLong)
    expect(retryCanHelp(chunk)).toBe(false)
    expect(failureSentence({ code: 'upstream-http', httpStatus: 400, upstreamCode: 'exceed_context_size_error' })).toBe(tooLong)
  })

  it('falls back on the words where the endpoint gave no such name, and is nothing else', () => {
    expect(failureSentence({ code: 'upstream-http', httpStatus: 400, upstreamCode: 'invalid_request_error', message: 'The model endpoint answered HTTP 400: prompt is too long — the conversation is longer than the model\'s context window: …' })).toBe(tooLong)
    expect(failureSentence({ code: 'upstream-http', httpStatus: 400, upstreamCode: 'invalid_request_error', message: 'The model endpoint answered HTTP 400: bad' })).toMatch(/^The AI model’s service refused this request/)
    // A name that says it on a failure in passing (a 429) is not read as one.
    expect(retryCanHelp({ code: 'upstream-http', httpStatus: 429, upstreamCode: 'context_length_exceeded' })).toBe(true)
  })
})
