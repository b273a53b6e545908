/**
 * `recovery.chat = fail` (the default) when the lost owner died after its final round was stored
 * (the round's `step-end`, with `toolCallCount: 0`) and before the job's end was (one store round
 * trip later). The answer was complete, yet the job ended `failed` (`owner-lost`: "The server
 * running this job stopped; the text so far is kept"), telling the user a whole answer was cut
 * off. It now ends `completed` with that answer and its stored rounds' metrics. A job aborted
 * while nobody owned it still ends `aborted`; a round cut off still ends `failed`.
 */
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createStepModel, textStep, toolStep } from '../support/step-model'
import { createBackend } from './backend'
import { diesBefore, sayHelloRequest as request } from './dies-before'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

describe('recovery.chat = fail after the final round was stored', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('ends the job completed with its answer, not failed (owner-lost)', async () => {
    expect(config.recovery.chat).toBe('fail')
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: runChatJob, model: createStepModel([textStep('Hello.', { prompt: 3, completion: 2, total: 5 })]), wrap: diesBefore('job-end') })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: runChatJob })
    const { job } = await a.engine.createJob('u1', { request })
    await vi.advanceTimersByTimeAsync(8_000)
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'completed', content: 'Hello.', error: null })
    expect(state.metrics).toMatchObject({ total_rounds: 1, tokens: { total: 5 } })
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })

  it('still ends a round cut off `failed` (owner-lost)', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: runChatJob, model: createStepModel([textStep('Hello.')]), wrap: diesBefore('step-end') })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: runChatJob })
    const { job } = await a.engine.createJob('u1', { request })
    await vi.advanceTimersByTimeAsync(8_000)
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'failed', error: { code: 'owner-lost' } })
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })

  it('ends a final round the content filter ended before any text `failed` (upstream-content-filter), as its owner would have', async () => {
    const backend = createBackend()
    // A first round that wrote text and called a tool, then the filtered one: only the rounds' starts tell its text apart.
    const tool = { name: 'lookup', description: 'Looks it up', parameters: z.object({}), execute: () => 'found' }
    const filtered = [{ type: 'text-delta', text: '' }, { type: 'finish', finishReason: 'content_filter' }] as const
    const model = createStepModel([toolStep([{ id: 'call-1', name: 'lookup' }], { text: 'Let me look.' }), [...filtered]])
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: runChatJob, model, tools: [tool], wrap: diesBefore('job-end') })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: runChatJob, tools: [tool] })
    const { job } = await a.engine.createJob('u1', { request: { ...request, tools: ['lookup'] } })
    await vi.advanceTimersByTimeAsync(8_000)
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'failed', content: 'Let me look.', error: { code: 'upstream-content-filter', failedDuring: 'model' } })
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })

  it('is what config.md and instances.md tell of recovery.chat = fail', () => {
    const docs = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8').replace(/\s+/g, ' ')
    const config = docs('config.md')
    const recovery = config.slice(config.indexOf('**Recovery**'), config.indexOf('- **Users**'))
    const ops = docs('instances.md')
    const instanceDies = ops.slice(ops.indexOf('when an instance dies'), ops.indexOf('- an instance that stops and comes back'))
    for (const text of [recovery, instanceDies]) expect(text).toMatch(/`owner-lost`[^.]*`completed`/)
  })
})
