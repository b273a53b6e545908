/**
 * A failed answer in plain words (demo/app/lib/failure-kinds.ts): the turn showed the engine's
 * message ("Failed: The model stream reported an error: …") where a chat app says what happened in a
 * sentence. Every code docs/api.md lists ("Job error codes") has a sentence of its own kind; the
 * code and message stay available as details. Retry was offered under every failure, also where
 * the same request fails the same way (too long, a content filter, a tool loop's limit, a refused
 * tool): each code now says whether asking again can help, and where not, what to do instead.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { failureDetails, failureSentence, retryCanHelp, turnOffersRetry } from '../../demo/app/lib/failure-kinds'

/** The codes of docs/api.md's "Job error codes" table (its first column, each code in backticks). */
function documentedCodes(): string[] {
  const api = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8')
  const table = api.slice(api.indexOf('### Job error codes'), api.indexOf('## Answering input'))
  return table.split('\n').filter(line => line.startsWith('| `')).flatMap(line => [...line.split('|')[1]!.matchAll(/`([a-z-]+)`/g)].map(match => match[1]!))
}

describe('failureSentence', () => {
  it('has a sentence for every documented code, none of them naming the code or a setting', () => {
    const codes = documentedCodes()
    expect(codes).toEqual(expect.arrayContaining(['upstream-error', 'upstream-rate-limited', 'timeout', 'max-steps', 'node-failed', 'internal-error']))
    for (const code of codes.filter(code => code !== 'aborted')) {
      const sentence = failureSentence({ code })
      expect(sentence, code).not.toBe(failureSentence({ code: 'an-apps-own-code' }))
      expect(sentence, code).not.toMatch(/`|upstream|limits\.|[a-z]+-[a-z]+-?/)
      expect(sentence, code).toMatch(/^[A-Z].*\.$/)
    }
  })

  it('says what happened in plain words', () => {
    expect(failureSentence({ code: 'upstream-stream' })).toBe('The AI model’s service had a problem, so the answer stopped. Try again in a moment.')
    expect(failureSentence({ code: 'upstream-rate-limited' })).toBe('The AI model is busy right now (too many requests). Wait a little, then try again.')
    expect(failureSentence({ code: 'context-budget-exceeded' })).toBe('This message, with what it needs, is too long for the AI model. Shorten it, or start a new thread.')
  })

  it('says the partial answer is kept when one had arrived', () => {
    expect(failureSentence({ code: 'timeout' }, true)).toBe('This answer took longer than the server allows, so it was stopped. The part that had arrived is kept.')
  })

  it('has a general sentence for a code of the app\'s own', () => {
    expect(failureSentence({ code: 'billing-quota' })).toBe('Something went wrong, so this answer stopped.')
  })
})

describe('failureDetails', () => {
  it('keeps the code, the server\'s message, where it happened and the request id, in that order', () => {
    expect(failureDetails({ code: 'tool-error', message: 'deploy failed: 503', nodeId: 'ship', toolName: 'deploy-site' }, 'req-1')).toEqual([
      { label: 'Error code', value: 'tool-error' },
      { label: 'Message', value: 'deploy failed: 503' },
      { label: 'Workflow step', value: 'ship' },
      { label: 'Tool', value: 'deploy-site' },
      { label: 'Request id', value: 'req-1' },
    ])
    expect(failureDetails({ code: 'timeout', message: '' })).toEqual([{ label: 'Error code', value: 'timeout' }])
  })
})

/**
 * Every documented code's verdict: can the same message, asked again, get past it? Listed here one
 * by one, so a new code in docs/api.md fails this file until someone decides.
 */
const RETRY_HELPS: Record<string, boolean> = {
  // In passing: a limit of time, the model's service, the store, a restart, a tool's outage.
  'input-timeout': true,
  'timeout': true,
  'shutdown': true,
  'owner-lost': true,
  'controls-unavailable': true,
  'store-unreachable': true,
  'upstream-http': true,
  'upstream-rate-limited': true,
  'upstream-network': true,
  'upstream-stream': true,
  'upstream-protocol': true,
  'upstream-timeout': true,
  'upstream-error': true,
  'time-budget': true,
  'node-timeout': true,
  'tool-error': true,
  'tool-timeout': true,
  'node-failed': true,
  'workflow-changed': true,
  'invalid-request': true,
  'internal-error': true,
  // The same request meets the same refusal or limit.
  'event-too-large': false,
  'store-refused': false,
  'upstream-content-filter': false,
  'context-budget-exceeded': false,
  'max-steps': false,
  'max-calls-per-step': false,
  'repeated-call': false,
  'max-nodes': false,
  'node-output-too-large': false,
  'workflow-reference': false,
  'tool-denied': false,
  'unknown-workflow': false,
}

describe('retryCanHelp', () => {
  it('decides for every documented code, offering Retry only where asking again can help', () => {
    const codes = documentedCodes().filter(code => code !== 'aborted')
    expect(Object.keys(RETRY_HELPS).sort()).toEqual([...new Set(codes)].sort())
    for (const code of codes) expect(retryCanHelp({ code }), code).toBe(RETRY_HELPS[code])
  })

  it('says what to do instead where Retry is not offered, and never "try again" there', () => {
    for (const [code, helps] of Object.entries(RETRY_HELPS)) {
      if (helps) continue
      const sentence = failureSentence({ code })
      expect(sentence, code).not.toMatch(/try again/i)
      expect(sentence, code).toMatch(/\b(?:edit|shorten|ask for|start it|report it|choose another)\b/i)
    }
    expect(failureSentence({ code: 'upstream-content-filter' })).toBe('The AI provider’s content filter blocked this answer, and would block the same message again. Edit your message to rephrase it.')
  })

  it('tells a model endpoint\'s refusal (4xx) from its trouble (5xx, a rate limit, a timeout)', () => {
    const http = (message: string) => ({ code: 'upstream-http', message })
    expect(retryCanHelp(http('The model endpoint answered HTTP 503: overloaded'))).toBe(true)
    expect(retryCanHelp(http('The model endpoint answered HTTP 429: slow down'))).toBe(true)
    expect(retryCanHelp(http('The model endpoint answered HTTP 408: request timeout'))).toBe(true)
    expect(retryCanHelp(http('The model endpoint answered HTTP 401: invalid API key'))).toBe(false)
    expect(failureSentence(http('The model endpoint answered HTTP 401: invalid API key'))).toMatch(/^The AI model’s service refused this request/)
    // The model client's hint on a prompt over the window: the sentence of a message too long.
    const tooLong = http('The model endpoint answered HTTP 400: maximum context length is 8192 tokens — the conversation is longer than the model\'s context window: give the model a context budget …')
    expect(retryCanHelp(tooLong)).toBe(false)
    expect(failureSentence(tooLong)).toBe(failureSentence({ code: 'context-budget-exceeded' }))
    // No status in the message: the code's own verdict.
    expect(retryCanHelp(http(''))).toBe(true)
  })

  it('reads the model endpoint\'s status from the error\'s httpStatus, whatever its message says', () => {
    // The message of a job of this version: the status is the field's (a body naming another is the upstream's words).
    const failed = (httpStatus: number, message = `The model endpoint answered HTTP ${httpStatus}`) => ({ code: 'upstream-http', message, httpStatus })
    expect(retryCanHelp(failed(429))).toBe(true)
    expect(retryCanHelp(failed(500))).toBe(true)
    expect(retryCanHelp(failed(503, 'The model endpoint answered HTTP 503: {"error":"HTTP 401 upstream key"}'))).toBe(true)
    expect(retryCanHelp(failed(401, 'Node "draft" failed: the endpoint said no'))).toBe(false)
    expect(failureSentence(failed(403, 'Forbidden'))).toMatch(/^The AI model’s service refused this request/)
    expect(turnOffersRetry('failed', failed(404, 'No such model'))).toBe(false)
    expect(turnOffersRetry('failed', { code: 'upstream-http', httpStatus: 502 })).toBe(true)
    // A refusal of a prompt over the window, with the model client's hint: the sentence of a message too long.
    expect(failureSentence(failed(400, 'The model endpoint answered HTTP 400: too long — the conversation is longer than the model\'s context window: …'))).toBe(failureSentence({ code: 'context-budget-exceeded' }))
  })

  it('offers Retry for an app\'s own code (nothing says it cannot help)', () => {
    expect(retryCanHelp({ code: 'billing-quota' })).toBe(true)
  })
})

describe('turnOffersRetry', () => {
  it('offers Retry under a stopped answer and a failure asking again can help, not under other failures', () => {
    expect(turnOffersRetry('aborted', { code: 'input-timeout' })).toBe(true)
    expect(turnOffersRetry('aborted', null)).toBe(true)
    expect(turnOffersRetry('failed', { code: 'upstream-timeout' })).toBe(true)
    expect(turnOffersRetry('failed', { code: 'store-unreachable' })).toBe(true)
    expect(turnOffersRetry('failed', undefined)).toBe(true)
    expect(turnOffersRetry('failed', { code: 'context-budget-exceeded' })).toBe(false)
    expect(turnOffersRetry('failed', { code: 'upstream-content-filter' })).toBe(false)
    expect(turnOffersRetry('failed', { code: 'tool-denied' })).toBe(false)
    expect(turnOffersRetry('completed', null)).toBe(false)
    expect(turnOffersRetry('running', null)).toBe(false)
  })
})
