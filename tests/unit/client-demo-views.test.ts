import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CatalogWorkflow, JobSummary } from '../../app/lib/api-types'
import { createJobState, reduceEvents } from '../../shared/reducer'
import type { JobEventPayload } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import type { JobEvent } from '../../shared/events'
import { chatErrorText, isApprovalGone } from '../../demo/app/lib/chat-error'
import { parseComposerInput } from '../../demo/app/lib/commands'
import { forgetAnswer, keepAnswer, KEPT_ANSWER_MAX_CHARS, KEPT_ANSWERS_MAX, keptAnswer } from '../../demo/app/lib/kept-answers'
import { forgetJob, KNOWN_JOBS_MAX, knownJobs, mergeKnownJobs, rememberJobs } from '../../demo/app/lib/known-jobs'
import { decisionOf } from '../../demo/app/lib/schema-form'
import { isStoppedCall, isStoppedToolPart } from '../../demo/app/lib/stopped'
import { groupThreads } from '../../demo/app/lib/threads'
import type { TurnReport } from '../../demo/app/lib/turn-report'
import { cutOffByLength, stoppableJob, threadHold, threadStatusLine } from '../../demo/app/lib/turn-report'
import { expiryText, failureText, holdText, humanizeProblem, plainTitle, unreachableText } from '../../demo/app/lib/wording'
import { latestAgentOutput, resultMarkdown, workflowResult, workflowVisits } from '../../demo/app/lib/workflow-view'

function job(patch: Partial<JobSummary> & { id: string }): JobSummary {
  return { type: 'chat', status: 'completed', threadId: 't1', messageId: null, title: patch.id, createdAt: 1, updatedAt: 1, endedAt: 1, lastSeq: 1, ...patch }
}

describe('wording for people', () => {
  it('turns a validation 400 into a sentence naming the field, and leaves other messages alone', () => {
    expect(humanizeProblem('Invalid workflow input: input.topic: Too small: expected string to have >=1 characters')).toBe('The topic can\'t be empty.')
    expect(humanizeProblem('Invalid answer: answer.feedback: Too big: expected string to have <=2000 characters; answer.approved: Invalid input: expected boolean, received undefined'))
      .toBe('The feedback is too long (at most 2000 characters). The approved is required.')
    expect(humanizeProblem('Invalid answer: answer: Invalid input: expected boolean, received string')).toBe('The answer must be a boolean.')
    expect(humanizeProblem('Invalid workflow input: input.input: Invalid input: expected string, received number')).toBe('The input must be a string.')
    expect(humanizeProblem('messages.0.dueDate: Invalid input: expected string, received number')).toBe('The due date must be a string.')
    expect(humanizeProblem('Too many jobs running; try again in 3 s')).toBe('Too many jobs running; try again in 3 s')
    expect(humanizeProblem('topic: something the mapper does not know')).toBe('topic: something the mapper does not know')
  })

  it('says a request that got no answer, or a proxy\'s error page, in a sentence; the server\'s own message in plain words', () => {
    // What ofetch throws when the server is down: no status, a developer's message.
    const unreachable = Object.assign(new Error('[POST] "/api/jobs": <no response> Failed to fetch'), { statusCode: undefined, data: undefined })
    expect(failureText(unreachable, 'send')).toBe('Couldn’t reach the server — your message wasn’t sent. Try again.')
    expect(failureText(unreachable, 'stop')).toBe('Couldn’t reach the server — the answer wasn’t stopped. Try again.')
    const badGateway = Object.assign(new Error('[POST] "/api/jobs": 502 Bad Gateway'), { statusCode: 502, data: '<html>…</html>' })
    expect(failureText(badGateway, 'send')).toBe('The server had a problem — your message wasn’t sent. Try again.')
    const invalid = Object.assign(new Error('[POST] "/api/jobs": 400'), { statusCode: 400, data: { statusCode: 400, message: 'Invalid workflow input: input.topic: Too small: expected string to have >=1 characters' } })
    expect(failureText(invalid, 'send')).toBe('The topic can\'t be empty.')
    const limited = Object.assign(new Error('[POST] "/api/jobs": 429'), { statusCode: 429, data: { statusCode: 429, message: 'Too many jobs running; try again in 3 s' } })
    expect(failureText(limited, 'send')).toBe('Too many requests right now — your message wasn’t sent. Try again in 3 s.')
    expect(failureText(unreachable, 'send')).not.toMatch(/\[POST\]|no response|fetch/)
    expect(unreachableText('answer')).toBe('Couldn’t reach the server — your answer wasn’t sent. Try again.')
  })

  it('says a limit (429) in the user\'s words, never the operator\'s setting, with the wait the server asks for', () => {
    const refused = (message: string, retryAfter?: string) => Object.assign(new Error('[POST] "/api/jobs": 429'), {
      statusCode: 429,
      data: { statusCode: 429, message },
      response: new Response(null, { status: 429, headers: retryAfter ? { 'retry-after': retryAfter } : {} }),
    })
    expect(failureText(refused('You already have 1 jobs running (limits.maxConcurrentJobsPerUser); wait for one to finish', '5'), 'send'))
      .toBe('Too many of your answers are running or waiting for you at once — your message wasn’t sent. Wait for one to finish, answer or stop one, then try again.')
    expect(failureText(refused('The server is running its maximum of 50 jobs (limits.maxConcurrentJobs); try again shortly', '7'), 'send'))
      .toBe('Too many requests right now — your message wasn’t sent. Try again in 7 s.')
    expect(failureText(refused('Too many job creations: at most 20 per minute (limits.jobCreationsPerMinute); retry in 12 s'), 'answer'))
      .toBe('Too many requests right now — your answer wasn’t sent. Try again in 12 s.')
    expect(failureText(Object.assign(new Error('429'), { statusCode: 429 }), 'send')).toBe('Too many requests right now — your message wasn’t sent. Try again in a moment.')
  })

  it('says why the composer holds a message', () => {
    expect(holdText({ kind: 'running', jobId: 'a' })).toBe('Wait for this answer to finish, or stop it.')
    expect(holdText({ kind: 'waiting', jobId: 'a' })).toBe('Answer the job’s question, or stop it, first.')
    expect(holdText({ kind: 'away', jobId: 'a' })).toBe('Wait for the server to come back.')
  })

  it('says what happens when nobody answers in time', () => {
    expect(expiryText('default', '6:04 PM')).toBe('If nobody answers by 6:04 PM, it goes on with its default answer.')
    expect(expiryText('deny', '6:04 PM')).toBe('If nobody answers by 6:04 PM, the call is denied.')
  })

  it('strips Markdown from titles', () => {
    expect(plainTitle('## **Fix** the [docs](https://x.y) and `npm test`, _now_')).toBe('Fix the docs and npm test, now')
    expect(plainTitle('- item with snake_case_name')).toBe('item with snake_case_name')
    // A star that is not emphasis stays: arithmetic, a lone star, stars around spaces.
    expect(plainTitle('Compute 17 * 23 and 2 ** 8')).toBe('Compute 17 * 23 and 2 ** 8')
    expect(plainTitle('Rate it *')).toBe('Rate it *')
    expect(plainTitle('***very*** ~~old~~ *new* **x**')).toBe('very old new x')
  })
})

describe('known jobs (this browser\'s memory of its threads)', () => {
  const store = new Map<string, string>()
  beforeEach(() => {
    Object.assign(globalThis, { localStorage: { getItem: (key: string) => store.get(key) ?? null, setItem: (key: string, value: string) => store.set(key, value) } })
  })
  afterEach(() => {
    store.clear()
    Reflect.deleteProperty(globalThis, 'localStorage')
  })

  it('a stale summary never takes an ended job back to running (a list read before it ended, written back later)', () => {
    rememberJobs([job({ id: 'a', status: 'running', lastSeq: 3 })])
    rememberJobs([job({ id: 'a', status: 'completed', lastSeq: 3 })])
    rememberJobs([job({ id: 'a', status: 'running', lastSeq: 3 })])
    expect(knownJobs().map(known => [known.id, known.status])).toEqual([['a', 'completed']])
    // While it runs, a later state wins and an earlier one does not.
    rememberJobs([job({ id: 'b', status: 'running', lastSeq: 9 })])
    rememberJobs([job({ id: 'b', status: 'queued', lastSeq: 1 })])
    rememberJobs([job({ id: 'b', status: 'waiting', lastSeq: 12 })])
    expect(knownJobs().map(known => [known.id, known.status])).toEqual([['a', 'completed'], ['b', 'waiting']])
  })

  it('remembers jobs with a thread, updates them, forgets one, and stays bounded', () => {
    rememberJobs([job({ id: 'a', status: 'running' }), job({ id: 'x', threadId: null })])
    rememberJobs([job({ id: 'a', status: 'completed' }), job({ id: 'b', threadId: 't2' })])
    expect(knownJobs().map(known => [known.id, known.status])).toEqual([['a', 'completed'], ['b', 'completed']])
    expect(knownJobs('t2').map(known => known.id)).toEqual(['b'])
    forgetJob('a')
    expect(knownJobs().map(known => known.id)).toEqual(['b'])
    rememberJobs(Array.from({ length: KNOWN_JOBS_MAX + 5 }, (_, index) => job({ id: `j${index}` })))
    expect(knownJobs()).toHaveLength(KNOWN_JOBS_MAX)
  })

  it('keeps partial answers, bounded in number and length, and forgets one', () => {
    keepAnswer('a', 'The part that had arrived')
    keepAnswer('b', 'x'.repeat(KEPT_ANSWER_MAX_CHARS + 10))
    keepAnswer('empty', '')
    expect(keptAnswer('a')).toEqual({ text: 'The part that had arrived', truncated: false })
    expect(keptAnswer('b')).toEqual({ text: 'x'.repeat(KEPT_ANSWER_MAX_CHARS), truncated: true })
    expect(keptAnswer('empty')).toBeNull()
    keepAnswer('a', 'More of it')
    expect(keptAnswer('a')?.text).toBe('More of it')
    forgetAnswer('a')
    expect(keptAnswer('a')).toBeNull()
    for (let index = 0; index < KEPT_ANSWERS_MAX + 5; index++) keepAnswer(`j${index}`, `answer ${index}`)
    expect(keptAnswer('b')).toBeNull()
    expect(keptAnswer('j4')).toBeNull()
    expect(keptAnswer(`j${KEPT_ANSWERS_MAX + 4}`)?.text).toBe(`answer ${KEPT_ANSWERS_MAX + 4}`)
  })

  it('merges: the server wins; what it no longer has is marked missing and never live in the thread list', () => {
    const merged = mergeKnownJobs([job({ id: 'a', status: 'completed' })], [job({ id: 'a', status: 'running' }), job({ id: 'b', status: 'running', threadId: 't2' })])
    expect(merged.map(known => [known.id, known.status, known.missing ?? false])).toEqual([['a', 'completed', false], ['b', 'running', true]])
    expect(groupThreads(merged).find(thread => thread.threadId === 't2')).toMatchObject({ active: false, waiting: false })
  })
})

const at = 1
function workflowState(payloads: Array<JobEventPayload & { nodeId?: string }>) {
  const events = payloads.map((payload, index) => ({ ...payload, seq: index + 1, at: at + index }) as JobEvent)
  return reduceEvents(createJobState({ id: 'w', type: 'workflow', createdAt: 0, status: 'running' }), events)
}
const start = (nodeId: string, kind: string) => ({ type: 'node-start' as const, nodeId, kind })
const end = (nodeId: string, output: unknown) => ({ type: 'node-end' as const, nodeId, status: 'completed' as const, output })

describe('workflow view', () => {
  const redraft = workflowState([
    start('research', 'agent'), end('research', 'notes'),
    start('draft', 'agent'), end('draft', 'first draft'),
    start('review', 'branch'), end('review', 'draft'),
    start('draft', 'agent'), end('draft', 'second draft'),
    start('final', 'output'), end('final', '## Report'),
  ])

  it('lists every visit, a node that ran again as its 2nd time, with only the latest output', () => {
    expect(workflowVisits(redraft).map(visit => [visit.label, visit.status, visit.output])).toEqual([
      ['Research', 'completed', 'notes'],
      ['Draft', 'completed', undefined],
      ['Review', 'completed', 'draft'],
      ['Draft (2nd time)', 'completed', 'second draft'],
      ['Final', 'completed', '## Report'],
    ])
  })

  it('takes the result from the last completed output node, and the draft from the newest agent output', () => {
    expect(workflowResult(redraft)).toBe('## Report')
    expect(latestAgentOutput(redraft)).toEqual({ nodeId: 'draft', label: 'Draft', text: 'second draft' })
    expect(workflowResult(workflowState([start('draft', 'agent')]))).toBeUndefined()
    expect(resultMarkdown({ ok: true })).toBe('```json\n{\n  "ok": true\n}\n```')
  })
})

describe('thread status line and Stop', () => {
  const report = (patch: Partial<TurnReport>): TurnReport => ({ answer: '', status: 'running', active: true, waiting: false, loading: false, connection: 'open', ...patch })

  it('shows the connection first (offline over reconnecting), else the newest waiting question', () => {
    expect(threadStatusLine([['a', report({ connection: 'reconnecting' })], ['b', report({ connection: 'offline' })]])).toEqual({ kind: 'offline', jobId: 'b' })
    expect(threadStatusLine([['a', report({ connection: 'reconnecting' })]])).toEqual({ kind: 'reconnecting', jobId: 'a' })
    expect(threadStatusLine([['a', report({ waiting: true })], ['b', report({})]])).toEqual({ kind: 'waiting', jobId: 'a' })
    // A finished or lost turn's closed stream is no connection problem.
    expect(threadStatusLine([['a', report({ active: false, status: 'lost', connection: 'closed' })]])).toBeNull()
  })

  it('offers Stop for the newest active turn, not while its server is away', () => {
    expect(stoppableJob([['a', report({})], ['b', report({})], ['c', report({ active: false, status: 'completed' })]])).toBe('b')
    expect(stoppableJob([['a', report({ connection: 'offline' })]])).toBeNull()
  })

  it('says so when the server refused to go on (signed out), before any other line, and neither offers Stop nor sends', () => {
    const denied = report({ connection: 'denied' })
    expect(threadStatusLine([['a', report({ connection: 'offline' })], ['b', denied]])).toEqual({ kind: 'denied', jobId: 'b' })
    expect(stoppableJob([['b', denied]])).toBeNull()
    expect(threadHold([['b', denied]])).toEqual({ kind: 'away', jobId: 'b' })
  })

  it('holds the next message while a turn is unfinished — running, waiting for the user, or just started — and says why', () => {
    const done = report({ active: false, status: 'completed', connection: 'closed' })
    expect(threadHold([['a', done], ['b', report({ active: false, status: 'lost', connection: 'closed' })]])).toBeNull()
    expect(threadHold([['a', done], ['b', report({})]])).toEqual({ kind: 'running', jobId: 'b' })
    expect(threadHold([['a', done], ['b', report({ status: 'waiting', waiting: true })]])).toEqual({ kind: 'waiting', jobId: 'b' })
    expect(threadHold([['b', report({ status: 'connecting', connection: 'connecting' })]])).toEqual({ kind: 'running', jobId: 'b' })
    expect(threadHold([['b', report({ connection: 'offline' })]])).toEqual({ kind: 'away', jobId: 'b' })
  })
})

describe('forms and commands', () => {
  it('finds the one yes/no decision of a form', () => {
    const schema = { type: 'object', properties: { approved: { type: 'boolean' }, feedback: { type: 'string' } }, required: ['approved'] }
    expect(decisionOf(schema)).toEqual({ name: 'approved', yes: 'Approve', no: 'Reject' })
    expect(decisionOf({ ...schema, properties: { ...schema.properties, urgent: { type: 'boolean' } }, required: ['approved', 'urgent'] })).toBeNull()
    expect(decisionOf({ type: 'object', properties: { publish: { type: 'boolean' } }, required: ['publish'] })).toEqual({ name: 'publish', yes: 'Yes', no: 'No' })
    expect(decisionOf({ type: 'object', properties: { maybe: { type: 'boolean' } } })).toBeNull()
  })

  it('asks for a workflow\'s topic before sending an empty one', () => {
    const workflows: CatalogWorkflow[] = [{ name: 'research-report', description: '', inputSchema: { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'] }, questions: [] }]
    expect(parseComposerInput('/workflow research-report', workflows)).toEqual({ kind: 'invalid', message: 'Write the topic after the workflow\'s name: /workflow research-report <topic>' })
  })
})

describe('demo: an answer cut off by the length limit', () => {
  const ended = (finishReason: string | null, status: 'completed' | 'failed' = 'completed') => reduceEvents(createJobState({ id: 'j', type: 'chat', createdAt: 1 }), [
    { seq: 1, at: 1, type: 'job-status', status: 'running' },
    { seq: 2, at: 1, type: 'step-start', step: 1 },
    { seq: 3, at: 1, type: 'text-delta', text: 'A long answer that stops mid', offset: 0 },
    { seq: 4, at: 2, type: 'step-end', step: 1, finishReason },
    { seq: 5, at: 2, type: 'job-end', status, metrics: emptyMetrics() },
  ] as JobEvent[])

  it('is told when the last round stopped for length, not when it stopped normally or the job failed', () => {
    expect(cutOffByLength(ended('length'))).toBe(true)
    expect(cutOffByLength(ended('stop'))).toBe(false)
    expect(cutOffByLength(ended(null))).toBe(false)
    expect(cutOffByLength(ended('length', 'failed'))).toBe(false)
    expect(cutOffByLength(null)).toBe(false)
  })
})

describe('demo: what a Stop cut off is shown stopped, not failed', () => {
  const aborted = { type: 'job-end' as const, status: 'aborted' as const, error: { code: 'aborted', message: 'Aborted by the user' }, metrics: emptyMetrics() }
  const failed = { type: 'job-end' as const, status: 'failed' as const, error: { code: 'upstream', message: 'Bad gateway' }, metrics: emptyMetrics() }

  it('lists the workflow nodes still running when the user stopped it as stopped, with no error; a failure stays a failure', () => {
    const nodes = [start('research', 'agent'), end('research', 'notes'), start('brainstorm', 'parallel'), start('optimist', 'agent')]
    expect(workflowVisits(workflowState([...nodes, aborted])).map(visit => [visit.label, visit.status, visit.error])).toEqual([
      ['Research', 'completed', undefined],
      ['Brainstorm', 'stopped', undefined],
      ['Optimist', 'stopped', undefined],
    ])
    expect(workflowVisits(workflowState([...nodes, failed])).map(visit => visit.status)).toEqual(['completed', 'failed', 'failed'])
  })

  it('tells a call the Stop cut off from one that failed before it', () => {
    const state = workflowState([
      { type: 'tool-call', id: 'a', name: 'calculate', args: {}, step: 1 },
      { type: 'tool-result', id: 'a', status: 'error', error: 'division by zero', durationMs: 3 },
      { type: 'tool-call', id: 'b', name: 'slow_task', args: { seconds: 2 }, step: 2 },
      aborted,
    ])
    expect(state.toolCalls.map(call => [call.id, call.status, isStoppedCall(call)])).toEqual([['a', 'error', false], ['b', 'stopped', true]])
    const failedJob = workflowState([{ type: 'tool-call', id: 'b', name: 'slow_task', args: {}, step: 1 }, failed])
    expect(isStoppedCall(failedJob.toolCalls[0]!)).toBe(false)
  })

  it('on the AI SDK page too: a tool part the abort ended says stopped; a tool\'s own error or a failed job does not', () => {
    expect([
      { state: 'output-error', errorText: 'job aborted (aborted)' },
      { state: 'output-error', errorText: 'job aborted' },
      { state: 'output-error', errorText: 'job failed (timeout)' },
      { state: 'output-error', errorText: 'division by zero' },
      { state: 'output-available' },
    ].map(isStoppedToolPart)).toEqual([true, true, false, false, false])
  })
})

describe('demo AI SDK page: a failed request in words', () => {
  const refused = (statusCode: number, responseBody: string) => Object.assign(new Error(responseBody), { statusCode, responseBody })

  it('shows the server\'s message, not the response body the SDK puts in its error; no answer is said in a sentence', () => {
    const body = JSON.stringify({ error: true, url: 'http://127.0.0.1/api/jobs/chat', statusCode: 400, statusMessage: 'RequestError', message: 'messages.0.dueDate: Invalid input: expected string, received number' })
    expect(chatErrorText(refused(400, body))).toBe('The due date must be a string.')
    // As the chat routes answer the SDK's transport: the message as plain text.
    expect(chatErrorText(refused(400, 'messages.0.dueDate: Invalid input: expected string, received number'))).toBe('The due date must be a string.')
    expect(chatErrorText(refused(429, 'Too many job creations; retry in 12 s'))).toBe('Too many requests right now — your message wasn’t sent. Try again in 12 s.')
    expect(chatErrorText(refused(429, JSON.stringify({ statusCode: 429, message: 'Too many job creations; retry in 12 s' })))).toBe('Too many requests right now — your message wasn’t sent. Try again in 12 s.')
    expect(chatErrorText(refused(502, '<html>Bad gateway</html>'))).toBe('The server had a problem — your message wasn’t sent. Try again.')
    expect(chatErrorText(new TypeError('Failed to fetch'))).toBe('Couldn’t reach the server — your message wasn’t sent. Try again.')
    expect(chatErrorText(new Error('The upstream model failed'))).toBe('The upstream model failed')
  })

  it('says a refused Retry did not retry the answer, not that the message was not sent', () => {
    expect(chatErrorText(refused(503, ''), false, 'retry')).toBe('The server had a problem — the answer wasn’t retried. Try again.')
    expect(chatErrorText(refused(429, 'Too many job creations; retry in 12 s'), false, 'retry')).toBe('Too many requests right now — the answer wasn’t retried. Try again in 12 s.')
    expect(chatErrorText(new TypeError('Failed to fetch'), false, 'retry')).toBe('Couldn’t reach the server — the answer wasn’t retried. Try again.')
  })

  it('says approval answers the route took were sent, not a message, when their stream broke', () => {
    expect(chatErrorText(new TypeError('network error'), true, 'answer')).toBe('Lost the connection to the server — your answer was sent and the chat may still be going on there. It is shown again once the server is back.')
    expect(chatErrorText(new TypeError('network error'), true, 'send')).toBe('Lost the connection to the server — your message was sent and its answer may still be running there. It is shown again once the server is back.')
  })

  it('says a Retry the route took is being retried, not that a message was sent, when its stream broke', () => {
    expect(chatErrorText(new TypeError('network error'), true, 'retry')).toBe('Lost the connection to the server — the answer is being retried and may still be running there. It is shown again once the server is back.')
  })

  it('an approval answered in another tab (or expired) is said in words, not with the request and chat ids', () => {
    const body = JSON.stringify({ statusCode: 409, message: 'Input request 8f6caaaf-8e8b-488b-99a5-7436350ff107 is not pending in chat 8049a955-a33b-44e3-b426-73459d9dbcba (answered already, expired, or the job ended)' })
    expect(chatErrorText(refused(409, body))).toBe('This approval was already answered or has expired.')
    expect([isApprovalGone(refused(409, body)), isApprovalGone(refused(400, '{}')), isApprovalGone(new Error('x')), isApprovalGone(undefined)]).toEqual([true, false, false, false])
  })
})
