/**
 * A long thread within the model's context budget (`upstream.contextTokens`,
 * `upstream.modelContextTokens`): before every model round the oldest whole turns are left out
 * until the request fits (estimated as UTF-8 bytes of JSON / 4); the system prompt and the newest
 * user message always go, a tool call never goes without its result, and a newest turn that does
 * not fit alone fails the job naming the setting, asking the upstream nothing. Before, the whole
 * history went every time, and a thread past the model's window failed every turn with the
 * endpoint's 400. These tests count what the upstream received.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { resolveConfig } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import type { ModelRequest } from '../../server/lib/model/types'
import { contextBudgetOf } from '../../server/lib/model/context-budget'
import type { ChatMessage } from '../../server/lib/providers/types'
import { defineTool } from '../../server/utils/define-tool'
import { TEST_CLIENT_OPTIONS } from '../support/collect-stream'
import { createTestEngine } from '../support/engine-harness'
import { createFakeRunContext } from '../support/fake-run-context'
import { sse } from '../support/recording-upstream'

const ANSWER = sse([{ content: 'Done.' }], 'stop')

/** Answers each request with the next body (then `ANSWER`); keeps every request's messages. */
function countingUpstream(bodies: string[] = []) {
  const sent: Array<{ model: string, messages: ChatMessage[] }> = []
  const fetch: FetchLike = async (_url, init) => {
    sent.push(JSON.parse(String(init?.body)))
    return new Response(bodies[sent.length - 1] ?? ANSWER, { status: 200, headers: { 'content-type': 'text/event-stream' } })
  }
  return { fetch, sent }
}

const page = defineTool({ name: 'page', description: 'Reads a page', parameters: z.object({}), execute: async () => 'p'.repeat(4_000) })

function runOn(fetch: FetchLike, config: BackgroundJobsConfigInput) {
  const model = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: 'https://upstream.test/v1', apiKey: 'sk-test', fetch })
  return createFakeRunContext({ model, tools: [page], config })
}

/** A thread of `turns` question/answer pairs of about 100 tokens each (400 bytes), then `question`. */
function thread(turns: number, question = 'And the last one?'): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: 'You are terse.' }]
  for (let turn = 1; turn <= turns; turn++) {
    messages.push({ role: 'user', content: `Question ${turn}: ${'q'.repeat(360)}` }, { role: 'assistant', content: `Answer ${turn}: ${'a'.repeat(360)}` })
  }
  messages.push({ role: 'user', content: question })
  return messages
}

const contents = (messages: ChatMessage[]) => messages.map(message => String(message.content ?? '').slice(0, 12))

describe('the history within the model\'s context budget', () => {
  it('without a budget (the default) the whole history goes, as before', async () => {
    const upstream = countingUpstream()
    const fake = runOn(upstream.fetch, {})
    await runChatJob(fake.context, { type: 'chat', messages: thread(30), tools: [] })
    expect(upstream.sent).toHaveLength(1)
    expect(upstream.sent[0]!.messages).toHaveLength(62)
    expect(fake.eventsOf('step-end')[0]!.droppedMessages).toBeUndefined()
  })

  it('leaves out the oldest whole turns, keeping the system prompt and the newest question', async () => {
    const upstream = countingUpstream()
    const fake = runOn(upstream.fetch, { upstream: { contextTokens: 1_000 } })
    await runChatJob(fake.context, { type: 'chat', messages: thread(30), tools: [] })
    expect(upstream.sent).toHaveLength(1)
    const sent = upstream.sent[0]!.messages
    // About 100 tokens per message: the system prompt, the question and 4 whole turns fit in 1,000.
    expect(contents(sent)).toEqual(['You are ters', 'Question 27:', 'Answer 27: a', 'Question 28:', 'Answer 28: a', 'Question 29:', 'Answer 29: a', 'Question 30:', 'Answer 30: a', 'And the last'])
    expect(Math.ceil(Buffer.byteLength(JSON.stringify(sent)) / 4)).toBeLessThanOrEqual(1_000)
    // Visible on the round: 52 messages of 26 turns left out.
    expect(fake.eventsOf('step-end')[0]!.droppedMessages).toBe(52)
    expect(fake.state().steps[0]!.droppedMessages).toBe(52)
    expect(fake.state().status).toBe('running')
  })

  it('never sends a tool result without its call: an earlier tool turn goes or stays whole', async () => {
    const upstream = countingUpstream()
    const fake = runOn(upstream.fetch, { upstream: { contextTokens: 400 } })
    const messages: ChatMessage[] = [
      { role: 'user', content: `Read it. ${'r'.repeat(300)}` },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'page', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', name: 'page', content: 't'.repeat(600) },
      { role: 'assistant', content: 'It says t.' },
      { role: 'user', content: `Short one. ${'s'.repeat(200)}` },
      { role: 'assistant', content: 'Ok.' },
      { role: 'user', content: 'And now?' },
    ]
    await runChatJob(fake.context, { type: 'chat', messages, tools: ['page'] })
    // The tool turn (4 messages) is too big to keep, the short turn fits: it starts what is sent.
    expect(upstream.sent[0]!.messages.map(message => message.role)).toEqual(['user', 'assistant', 'user'])
    expect(upstream.sent[0]!.messages.some(message => message.role === 'tool' || message.tool_calls)).toBe(false)
  })

  it('applies to every round of the loop: the job\'s own tool results push earlier turns out', async () => {
    const upstream = countingUpstream([sse([{ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'page', arguments: '{}' } }] }], 'tool_calls')])
    const fake = runOn(upstream.fetch, { upstream: { contextTokens: 2_000 } })
    await runChatJob(fake.context, { type: 'chat', messages: thread(8, 'Read the page.'), tools: ['page'] })
    expect(upstream.sent).toHaveLength(2)
    const [first, second] = upstream.sent.map(request => request.messages)
    // Round 1: the whole thread fits (with the tool definition).
    expect(first).toHaveLength(18)
    // Round 2 adds the call and its 4,000-byte result (about 1,000 tokens): the oldest turns give way.
    expect(second!.slice(-3).map(message => message.role)).toEqual(['user', 'assistant', 'tool'])
    expect(second![0]!.role).toBe('system')
    expect(second![1]!.role).toBe('user')
    expect(second!.length).toBeLessThan(first!.length + 2)
    expect(fake.eventsOf('step-end').map(event => event.droppedMessages)).toEqual([undefined, first!.length + 2 - second!.length])
  })

  it('a newest turn over the budget on its own fails the job naming the setting, asking the upstream nothing', async () => {
    const upstream = countingUpstream()
    const fake = runOn(upstream.fetch, { upstream: { contextTokens: 100 } })
    const failure = await runChatJob(fake.context, { type: 'chat', messages: thread(2, `Summarise: ${'x'.repeat(2_000)}`), tools: [] }).catch(error => error)
    expect(failure).toMatchObject({ code: 'context-budget-exceeded', details: { failedDuring: 'model' } })
    expect(failure.message).toContain('upstream.contextTokens')
    expect(failure.message).toContain('NUXT_BACKGROUND_JOBS_UPSTREAM_CONTEXT_TOKENS')
    expect(failure.message).toMatch(/about \d+ tokens .* against 100/)
    expect(upstream.sent).toHaveLength(0)
  })

  it('a model named in upstream.modelContextTokens has its own budget (=0: none); others the default', async () => {
    const config = { upstream: { contextTokens: 1_000, modelContextTokens: 'small/model=300, big/model=0', allowedModels: '*' } }
    for (const [model, expected] of [['small/model', 4], ['big/model', 62], ['other/model', 10]] as const) {
      const upstream = countingUpstream()
      await runChatJob(runOn(upstream.fetch, config).context, { type: 'chat', model, messages: thread(30), tools: [] })
      expect([model, upstream.sent[0]!.messages.length]).toEqual([model, expected])
    }
    expect(contextBudgetOf(resolveConfig(config), 'small/model')).toMatchObject({ tokens: 300, setting: 'upstream.modelContextTokens (small/model=300)' })
  })

  it('a workflow\'s agent node (the same loop) over the budget fails as the node', async () => {
    const upstream = countingUpstream()
    const fake = runOn(upstream.fetch, { upstream: { contextTokens: 50 } })
    const messages: ChatMessage[] = [{ role: 'system', content: 'Draft it.' }, { role: 'user', content: 'w'.repeat(400) }]
    const failure = await runAgentLoop(fake.context, { messages, nodeId: 'draft', toolNames: [] }).catch(error => error)
    expect(failure).toMatchObject({ code: 'context-budget-exceeded', details: { failedDuring: 'model', nodeId: 'draft' } })
    expect(failure.message).toContain('agent node "draft"')
    expect(upstream.sent).toHaveLength(0)
  })

  it('through the engine: an upstream-request hook\'s system prompt counts and stays; over the budget the job ends failed with the code', async () => {
    const upstream = countingUpstream()
    const model = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: 'https://upstream.test/v1', apiKey: 'sk-test', fetch: upstream.fetch })
    const hooks = { upstreamRequest: ({ request }: { request: ModelRequest }) => void request.messages.unshift({ role: 'system', content: `House rules: ${'h'.repeat(1_600)}` }) }
    const { engine } = createTestEngine({ config: { upstream: { contextTokens: 1_000 } }, model, runners: { chat: context => runChatJob(context, { type: 'chat', messages: thread(30), tools: [] }) }, hooks })
    const { job } = await engine.createJob('u1', { request: { type: 'chat', messages: thread(30) } })
    await engine.whenSettled(job.id)
    // The hook's 400 tokens leave room for 2 turns where 4 went without it.
    expect(contents(upstream.sent[0]!.messages)).toEqual(['House rules:', 'You are ters', 'Question 29:', 'Answer 29: a', 'Question 30:', 'Answer 30: a', 'And the last'])
    const { state } = await engine.getJob('u1', job.id)
    expect(state.status).toBe('completed')
    expect(state.steps[0]!.droppedMessages).toBe(56)

    const small = createTestEngine({ config: { upstream: { contextTokens: 300 } }, model, runners: { chat: context => runChatJob(context, { type: 'chat', messages: thread(1), tools: [] }) }, hooks })
    const failed = await small.engine.createJob('u1', { request: { type: 'chat', messages: thread(1) } })
    await small.engine.whenSettled(failed.job.id)
    expect((await small.engine.getJob('u1', failed.job.id)).state.error).toMatchObject({ code: 'context-budget-exceeded', failedDuring: 'model' })
    expect(upstream.sent).toHaveLength(1)
    await Promise.all([engine.dispose(), small.engine.dispose()])
  })

  it('the boot refuses an entry of upstream.modelContextTokens that is not model=tokens', () => {
    const problems = configProblems(resolveConfig({ upstream: { modelContextTokens: 'a/b=100,c/d=lots,e/f' } }))
    expect(problems.filter(problem => problem.includes('modelContextTokens'))).toHaveLength(2)
    expect(problems.join('\n')).toContain('NUXT_BACKGROUND_JOBS_UPSTREAM_MODEL_CONTEXT_TOKENS')
    expect(configProblems(resolveConfig({ upstream: { contextTokens: 0 } }))).toEqual([])
    expect(configProblems(resolveConfig({ upstream: { contextTokens: -1 } })).join('\n')).toContain('upstream.contextTokens')
  })
})
