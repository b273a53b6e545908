/**
 * A RunContext for workflow tests, without an engine: events get seqs and are reduced with the
 * shared reducer; human input goes through the engine's real InputRequests (answer, expiry with
 * fake timers, abort); the model is a deterministic fake that can also ask for tools.
 */
import type { JobEvent, JobEventPayload, JobMetrics } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { applyEvent, createJobState } from '../../shared/reducer'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { resolveConfig } from '../../server/lib/config'
import { JobAbortedError } from '../../server/lib/errors'
import { InputRequests } from '../../server/lib/input-requests'
import type { LiveJob } from '../../server/lib/live-job'
import type { ModelClient, ModelEvent, ModelRequest } from '../../server/lib/model/types'
import type { RunContext } from '../../server/lib/run-context'
import { createTimerSet } from '../../server/lib/timers'
import { createToolRegistry } from '../../server/lib/tools/registry'
import type { AnyToolDefinition } from '../../server/lib/tools/types'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'

/** The fake model's answer: names the model and echoes the start of the prompt, so tests can tell nodes apart. */
export function fakeReply(request: ModelRequest): string {
  const prompt = [...request.messages].reverse().find(message => message.role === 'user')?.content ?? ''
  const toolResults = request.messages.filter(message => message.role === 'tool').map(message => message.content)
  const suffix = toolResults.length ? ` (tools said: ${toolResults.join(', ')})` : ''
  return `[${request.model}] ${prompt.slice(0, 40)}${suffix}`
}

/**
 * A deterministic model: answers with `reply(request)` in two chunks. When tools are offered and
 * the prompt says `call <name>` and no tool answered yet, it asks for that tool first.
 */
export function createWorkflowFakeModel(reply: (request: ModelRequest) => string = fakeReply): ModelClient & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = []
  return {
    scripted: true,
    requests,
    async* stream(request, signal): AsyncIterable<ModelEvent> {
      requests.push(request)
      signal.throwIfAborted()
      const prompt = [...request.messages].reverse().find(message => message.role === 'user')?.content ?? ''
      const wanted = request.tools?.find(tool => prompt.includes(`call ${tool.function.name}`))
      if (wanted && !request.messages.some(message => message.role === 'tool')) {
        yield { type: 'tool-call', call: { id: `call-${requests.length}`, name: wanted.function.name, arguments: '{}' } }
        yield { type: 'finish', finishReason: 'tool_calls' }
        return
      }
      const text = reply(request)
      const middle = Math.ceil(text.length / 2)
      yield { type: 'text-delta', text: text.slice(0, middle) }
      yield { type: 'text-delta', text: text.slice(middle) }
      yield { type: 'usage', usage: { prompt: 1, completion: 1, total: 2 } }
      yield { type: 'finish', finishReason: 'stop' }
    },
  }
}

/** Options of the fake context. */
export interface WorkflowFakeContextOptions {
  workflows?: unknown[]
  tools?: AnyToolDefinition[]
  config?: BackgroundJobsConfigInput
  resumedFrom?: JobState | null
  /** Start the job's state from `resumedFrom`, as the engine's resumed run does (its log goes on). @default false */
  continueLog?: boolean
  model?: ModelClient
}

/** The fake context and its controls. */
export interface WorkflowFakeContext {
  context: RunContext
  events: JobEvent[]
  metrics: JobMetrics
  inputs: InputRequests
  state(): JobState
  /** Resolves with the id of the next open input request (at once if one is open). */
  nextInput(): Promise<string>
  /** Answers the first open input request (throws like the route's 400 when the answer is refused). */
  answer(answer: unknown, answeredBy?: string): void
  /** Aborts the job like `POST …/abort` does. */
  abort(): void
  /** `node-start`/`node-end` events as `start:<id>` / `<status>:<id>`, in order. */
  nodeLog(): string[]
}

/** Creates a fake context for one workflow job. */
export function createWorkflowFakeContext(options: WorkflowFakeContextOptions = {}): WorkflowFakeContext {
  const config = resolveConfig({ ...options.config, stream: { batchWindowMs: 0 } })
  const controller = new AbortController()
  const events: JobEvent[] = []
  const metrics = emptyMetrics()
  let state = options.continueLog && options.resumedFrom
    ? { ...options.resumedFrom, status: 'running' as const }
    : createJobState({ id: 'job-1', type: 'workflow', createdAt: 0, status: 'running' })
  const inputWaiters: Array<(requestId: string) => void> = []
  const openRequests: string[] = []

  const commit = (payload: JobEventPayload & { nodeId?: string }) => {
    const event = { ...payload, seq: state.seq + 1, at: Date.now() } as JobEvent
    events.push(event)
    state = applyEvent(state, event)
  }
  const live = { commit, get state() { return state } } as unknown as LiveJob
  const abortJob = (reason: unknown) => {
    controller.abort(reason)
    inputs.cancelAll(reason)
  }
  const timers = createTimerSet()
  const inputs = new InputRequests({
    live,
    timers,
    signal: controller.signal,
    defaultTimeoutMs: config.limits.inputTimeoutMs,
    now: () => Date.now(),
    abortJob,
    onRequest: (requestId) => {
      openRequests.push(requestId)
      for (const resolve of inputWaiters.splice(0)) resolve(requestId)
    },
  })

  const context: RunContext = {
    jobId: 'job-1',
    userId: 'user-1',
    threadId: null,
    signal: controller.signal,
    config,
    model: options.model ?? createWorkflowFakeModel(),
    tools: createToolRegistry(options.tools ?? []),
    workflows: createWorkflowRegistry(options.workflows ?? []),
    timers,
    defaultModel: 'fake/model',
    text: (delta, nodeId) => commit({ type: 'text-delta', offset: state.content.length, text: delta, ...(nodeId ? { nodeId } : {}) }),
    reasoning: (delta, nodeId) => commit({ type: 'reasoning-delta', offset: state.reasoning.length, text: delta, ...(nodeId ? { nodeId } : {}) }),
    emit: event => commit(event),
    toolProgress: event => commit(event),
    state: () => state,
    requestInput: request => inputs.request(request),
    prepareModelRequest: async request => request,
    addMetrics(added) {
      for (const [key, value] of Object.entries(added)) {
        if (key === 'tokens' || typeof value !== 'number') continue
        const record = metrics as unknown as Record<string, number>
        record[key] = (record[key] ?? 0) + value
      }
    },
    resumedFrom: options.resumedFrom ?? null,
  }

  const pendingIds = () => state.pendingInputs.map(input => input.requestId)
  return {
    context,
    events,
    metrics,
    inputs,
    state: () => state,
    nextInput() {
      const open = pendingIds()[0]
      if (open) return Promise.resolve(open)
      return new Promise(resolve => inputWaiters.push(resolve))
    },
    answer(answer, answeredBy = 'user-1') {
      const requestId = pendingIds()[0]
      if (!requestId) throw new Error('no input request is open')
      inputs.answer(requestId, answer, answeredBy)
    },
    abort: () => abortJob(new JobAbortedError('aborted', 'Aborted by the user')),
    nodeLog: () => events.flatMap(event => {
      if (event.type === 'node-start') return [`start:${event.nodeId}`]
      if (event.type === 'node-end') return [`${event.status}:${event.nodeId}`]
      return []
    }),
  }
}

/** A workflow job started on a fake context. */
export interface StartedWorkflow extends WorkflowFakeContext {
  /** Settles when the runner does; never rejects (read `error`). */
  done: Promise<void>
  /** What the runner threw, once `done` settled (undefined: it completed). */
  error(): unknown
}

/** Registers `definition` on a fake context and runs it with `input` (parsed like the engine does). */
export function startWorkflow(definition: { name: string }, input: unknown, options: WorkflowFakeContextOptions = {}): StartedWorkflow {
  const fake = createWorkflowFakeContext({ ...options, workflows: [definition, ...(options.workflows ?? [])] })
  const parsed = fake.context.workflows.get(definition.name)!.parseInput(input)
  let failure: unknown
  const done = runWorkflowJob(fake.context, { type: 'workflow', workflow: definition.name, input: parsed })
    .catch((error: unknown) => {
      failure = error ?? new Error('rejected without a reason')
    })
  return { ...fake, done, error: () => failure }
}
