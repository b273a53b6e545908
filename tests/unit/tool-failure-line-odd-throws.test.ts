/**
 * What a tool throws by accident that is not an Error still gives the operator a failure line that
 * names the tool, the job and the call, and says what was thrown. Before: `throw undefined` (or a
 * `reject()` with no value) and a thrown symbol left the line with no `error` at all (JSON leaves
 * them out), and a thrown Proxy whose reads throw took every field with it — the line read
 * `"fields":"[could not be written]"`, naming no tool, job or call.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createConsoleLogger } from '../../server/lib/logger'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { createStepModel, textStep, toolStep } from '../support/step-model'

afterEach(() => {
  vi.restoreAllMocks()
})

/** Every read of it throws, as a hostile Proxy's would. */
const unreadable = new Proxy({}, {
  get() { throw new Error('trap') },
  getPrototypeOf() { throw new Error('trap') },
  ownKeys() { throw new Error('trap') },
  getOwnPropertyDescriptor() { throw new Error('trap') },
})

/** Runs one call of a tool throwing `thrown` (from `execute`, or as a rejection) and returns its failure line. */
async function failureLine(thrown: () => unknown) {
  const lines: string[] = []
  vi.spyOn(console, 'warn').mockImplementation((line: string) => void lines.push(line))
  vi.spyOn(console, 'info').mockImplementation(() => {})
  const tool = defineTool({ name: 'odd', description: 'd', parameters: z.object({}), execute: async () => await Promise.reject(thrown()) })
  const model = createStepModel([toolStep([{ id: 'c1', name: 'odd', args: {} }]), textStep('done')])
  const { engine } = createTestEngine({ model, tools: createToolRegistry([tool]), runners: { chat: runChatJob }, logger: createConsoleLogger() })
  const { job } = await engine.createJob('u1', { request: chatRequest })
  await engine.whenSettled(job.id)
  const { state } = await engine.getJob('u1', job.id)
  await engine.dispose()
  expect(state.status).toBe('completed')
  expect(state.toolCalls[0]).toMatchObject({ status: 'error', error: 'Tool "odd" failed' })
  const failed = lines.filter(line => line.includes('tool \\"odd\\" failed')).map(line => JSON.parse(line) as Record<string, unknown>)
  expect(failed).toHaveLength(1)
  expect(failed[0]).toMatchObject({ tool: 'odd', jobId: job.id, callId: 'c1' })
  return failed[0]!
}

describe('the failure line of a tool that throws something odd', () => {
  it.each([
    ['undefined (a reject() with no value)', () => undefined, 'it threw undefined'],
    ['a symbol', () => Symbol('gone'), 'it threw Symbol(gone)'],
    ['a function', () => function thrower() {}, 'it threw function thrower() {}'],
  ])('%s: says what was thrown', async (_name, thrown, shown) => {
    expect((await failureLine(thrown)).error).toBe(shown)
  })

  it('a Proxy whose every read throws: the tool, job and call are kept, the error reads that it could not be written', async () => {
    expect((await failureLine(() => unreadable)).error).toBe('[could not be written]')
  })

  it('a cyclic object: written as far as it goes', async () => {
    const node: Record<string, unknown> = { status: 503 }
    node.self = node
    expect((await failureLine(() => node)).error).toMatchObject({ status: 503 })
  })
})
