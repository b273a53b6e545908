/**
 * docs/logs.md's "Lines by name" table gives each line of a job's life its level and every field it
 * can carry, so an operator can write a query (`| json | …`) from the docs. These tests run the real
 * paths — a finished chat with a failed and a refused tool call, an aborted one, a model outage, a
 * job's unexpected error, a workflow that waits for an answer and gets it, a store outage, and a
 * takeover after its owner died (a workflow resumed, a chat ended) — and hold every line logged to
 * its row: its level one of the row's, its fields among the row's and those the row has without `?`
 * all there. Every row must be seen, so the table cannot name a line the code no longer writes.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { UpstreamHttpError } from '../../server/lib/model/errors'
import type { MemoryProvider } from '../../server/lib/providers/memory'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { runInRequestScope } from '../../server/lib/request-scope'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineTool } from '../../server/utils/define-tool'
import { ToolError } from '../../server/lib/tools/tool-error'
import { askWorkflow } from '../convex/engine-node'
import { diesAfterRenewal } from '../support/dies-after-renewal'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { withFaults } from '../support/fault-provider'
import { checkLogLines, documentedLogRows } from '../support/log-table'
import type { LoggedLine } from '../support/recording-logger'
import { recordingLogger } from '../support/recording-logger'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'
import { createStepModel, hangingStep, textStep, toolStep } from '../support/step-model'

const rows = documentedLogRows()
const seen = new Set<string>()

/** Holds each line that has a row to it (log-table.ts); returns the lines that had one. */
function checkLines(lines: LoggedLine[]): LoggedLine[] {
  const { matched, problems } = checkLogLines(rows, lines, seen)
  expect(problems).toEqual([])
  return matched
}

const lookup = defineTool({ name: 'lookup', description: 'Looks up', parameters: z.object({}), execute: () => ({ found: 1 }) })
const readOrders = defineTool({
  name: 'read_orders',
  description: 'Reads orders',
  parameters: z.object({}),
  execute: () => {
    throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { code: 'ECONNREFUSED' })
  },
})
const refuse = defineTool({
  name: 'refuse',
  description: 'Refuses',
  parameters: z.object({}),
  execute: () => {
    throw new ToolError('No such order')
  },
})
const tools = createToolRegistry([lookup, readOrders, refuse])

/** Lets the fake clock run until job `jobId` has ended (its end stored and logged). */
async function settle(engine: ReturnType<typeof createTestEngine>['engine'], jobId: string) {
  for (let step = 0; step < 1_000 && !['completed', 'failed', 'aborted'].includes((await engine.getJob('u1', jobId)).job.status); step++) await vi.advanceTimersByTimeAsync(50)
  await engine.whenSettled(jobId)
}

/** Runs one chat job on a fresh engine and returns every line logged (the job's id too). */
async function runChat(options: Omit<Parameters<typeof createTestEngine>[0], 'logger' | 'runners'> & { runners?: Parameters<typeof createTestEngine>[0]['runners'], then?: (engine: ReturnType<typeof createTestEngine>['engine'], jobId: string) => Promise<void> }) {
  const { logger, lines } = recordingLogger()
  const { engine } = createTestEngine({ runners: { chat: runChatJob }, tools, ...options, logger })
  const { job } = await runInRequestScope('request-1', () => engine.createJob('u1', { request: { ...chatRequest, tools: ['lookup', 'read_orders', 'refuse'] } }))
  await options.then?.(engine, job.id)
  await settle(engine, job.id)
  await engine.dispose()
  return { lines, jobId: job.id }
}

describe('docs/logs.md, Lines by name', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })
  afterAll(() => {
    // Every row was logged by one of the paths above.
    expect(rows.map(row => row.name).filter(name => !seen.has(name))).toEqual([])
  })

  it('reads the table', () => {
    expect(rows.map(row => row.name)).toContain('job ended')
    expect(rows.find(row => row.name === 'job ended')).toMatchObject({ levels: ['info', 'warn'] })
    expect(rows.find(row => row.name === 'job created')?.required).toEqual(new Set(['jobId', 'type', 'instanceId']))
  })

  it('a chat that calls a tool that fails, one that refuses and one that answers, then completes', async () => {
    const model = createStepModel([toolStep([{ id: 'c1', name: 'lookup' }, { id: 'c2', name: 'read_orders' }, { id: 'c3', name: 'refuse' }]), textStep('Done.', { prompt: 5, completion: 2, total: 7 })])
    const { lines } = await runChat({ model })
    const messages = checkLines(lines).map(line => `${line.level} ${line.message}`)
    expect(messages).toEqual([
      'info job created',
      'warn tool "read_orders" failed; the model got the error as its result',
      'info tool "refuse" refused the call with a ToolError; the model got its message',
      'info job ended',
    ])
    expect(lines.at(-1)?.fields).toMatchObject({ status: 'completed', rounds: 2, requestId: 'request-1', toolTimeMs: expect.any(Number) })
  })

  it('an aborted chat', async () => {
    const { lines } = await runChat({ model: createStepModel([hangingStep()]), then: async (engine, jobId) => {
      await engine.abortJob('u1', jobId)
    } })
    expect(checkLines(lines).find(line => line.message === 'job ended')).toMatchObject({ level: 'info', fields: { status: 'aborted', abortCode: 'aborted' } })
  })

  it('a model outage', async () => {
    const { lines } = await runChat({ model: createStepModel([new UpstreamHttpError(503, 'busy')]) })
    expect(checkLines(lines).find(line => line.message === 'job ended')).toMatchObject({ level: 'warn', fields: { error: 'upstream-http', failedDuring: 'model', httpStatus: 503 } })
  })

  it('a job that fails on an unexpected error', async () => {
    const { lines } = await runChat({ runners: { chat: async () => {
      throw new TypeError('Cannot read properties of undefined (reading \'rows\')')
    } } })
    expect(checkLines(lines).map(line => line.message)).toEqual(['job created', 'job failed on an unexpected error', 'job ended'])
  })

  it('a store outage during a job: its first failing write, then the write that works again', async () => {
    let faults: ReturnType<typeof withFaults>['faults'] | undefined
    let release!: () => void
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const { lines } = await runChat({
      model: createStepModel([async function* () {
        yield* textStep('Some text.')
        faults!.arm('appendEvents', 'reject', 3)
        await held
      }, textStep('More.')]),
      wrap: (provider) => {
        const faulty = withFaults(provider)
        faults = faulty.faults
        return faulty.wrapped
      },
      then: async () => {
        // The write-behind retries with backoff: the clock runs until the three faults have hit.
        for (let step = 0; step < 1_000 && faults!.hits.length < 3; step++) await vi.advanceTimersByTimeAsync(50)
        release()
      },
    })
    const messages = checkLines(lines).map(line => line.message)
    expect(messages).toContain('provider write failed; will retry (not logged again until a write succeeds)')
    expect(messages).toContain('provider write succeeded again')
  })

  it('a workflow that waits for an answer and gets it', async () => {
    const { logger, lines } = recordingLogger()
    const { engine } = createTestEngine({ logger, runners: { chat: runChatJob, workflow: runWorkflowJob }, workflows: createWorkflowRegistry([askWorkflow]) })
    const { job } = await engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    let requestId: string | undefined
    for (let step = 0; step < 200 && requestId === undefined; step++) {
      await vi.advanceTimersByTimeAsync(50)
      requestId = (await engine.getJob('u1', job.id)).state.pendingInputs[0]?.requestId
    }
    await engine.answerInput('u1', job.id, { requestId: requestId!, answer: { go: true } })
    await settle(engine, job.id)
    await engine.dispose()
    expect(checkLines(lines).map(line => [line.message, line.fields?.workflow])).toEqual([['job created', 'ask'], ['job ended', 'ask']])
  })

  describe('a takeover after the owner died', () => {
    const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

    /** Two instances on one store; `a` creates the job and dies after its first lease renewal, `b` takes it over. */
    async function takeOver(request: Parameters<ReturnType<typeof createSharedMemoryEngine>['createJob']>[1]['request'], until: (lines: LoggedLine[]) => boolean) {
      const store: MemoryProvider = createMemoryProvider()
      const { logger, lines } = recordingLogger()
      const b = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'b', config, logger })
      await vi.advanceTimersByTimeAsync(1)
      const died = { at: null as number | null }
      const a = createSharedMemoryEngine({ provider: diesAfterRenewal(died)(sharedMemory(store)), instanceId: 'a', config, chat: () => new Promise(() => {}) })
      const { job } = await runInRequestScope('create-1', () => a.createJob('u1', { request }))
      for (let step = 0; step < 2_000 && !until(lines); step++) await vi.advanceTimersByTimeAsync(10)
      expect(died.at).not.toBeNull()
      return { b, lines, jobId: job.id }
    }

    it('a workflow resumed on the other instance', async () => {
      const { b, lines } = await takeOver({ type: 'workflow', workflow: 'ask', input: {} }, seen => seen.some(line => line.message === 'resuming a job whose owner was lost'))
      expect(checkLines(lines).find(line => line.message === 'resuming a job whose owner was lost')?.fields).toMatchObject({ type: 'workflow', workflow: 'ask', requestId: 'create-1' })
      await b.dispose()
    })

    it('a chat the other instance ends owner-lost', async () => {
      const { b, lines } = await takeOver({ type: 'chat', messages: [{ role: 'user', content: 'hi' }] }, seen => seen.some(line => line.message === 'job ended'))
      expect(checkLines(lines).map(line => [line.message, line.fields?.code ?? line.fields?.error])).toEqual([['ended a job whose owner was lost', 'owner-lost'], ['job ended', 'owner-lost']])
      await b.dispose()
    })
  })
})
