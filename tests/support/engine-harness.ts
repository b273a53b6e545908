/**
 * An engine on the memory provider with injectable runners and recording viewer sinks, for
 * deterministic engine tests (drive time with vitest fake timers).
 */
import { vi } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import type { JobState } from '../../shared/reducer'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { resolveConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import type { EngineHooks, EngineOptions, JobRunners } from '../../server/lib/engine-types'
import type { ModelClient } from '../../server/lib/model/types'
import type { Logger } from '../../server/lib/logger'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import type { JobProvider } from '../../server/lib/providers/types'
import type { ToolRegistry } from '../../server/lib/tools/types'
import type { ViewerFrame, ViewerSink } from '../../server/lib/viewer'
import type { WorkflowRegistry } from '../../server/lib/workflows/types'

/** A sink that records frames and reduces them like a client would. */
export interface RecordingSink extends ViewerSink {
  frames: ViewerFrame[]
  comments: string[]
  closed: boolean
  /** The state a client rebuilds from the frames (snapshot replaces, events apply). */
  state(): JobState | null
  textEvents(): JobEvent[]
}

/** Creates a recording sink. */
export function createRecordingSink(): RecordingSink {
  const sink: RecordingSink = {
    frames: [],
    comments: [],
    closed: false,
    send(frame) {
      if (sink.closed) throw new Error('frame sent after close')
      sink.frames.push(structuredClone(frame))
    },
    comment(text) {
      sink.comments.push(text)
    },
    close() {
      sink.closed = true
    },
    state() {
      let state: JobState | null = null
      for (const frame of sink.frames) {
        if (frame.event === 'snapshot') state = frame.data as JobState
        else state = reduceEvents(state ?? createJobState({ id: 'x', type: 'chat', createdAt: 0 }), [frame.data as JobEvent])
      }
      return state
    },
    textEvents() {
      return sink.frames.filter(frame => frame.event === 'text-delta').map(frame => frame.data as JobEvent)
    },
  }
  return sink
}

/** A model client that must not be called (runners in these tests do their own thing). */
export const unusedModel: ModelClient = {
  scripted: true,
  stream() {
    throw new Error('model not used in this test')
  },
}

/**
 * Creates an engine for tests (no tools or workflows unless given); `wrap` can put a faulty or
 * counting layer over its memory provider.
 */
export function createTestEngine(options: { config?: BackgroundJobsConfigInput, runners: JobRunners, model?: ModelClient, createModelClient?: EngineOptions['createModelClient'], tools?: ToolRegistry, workflows?: WorkflowRegistry, wrap?: (provider: JobProvider) => JobProvider, hooks?: EngineHooks, logger?: Logger, isolation?: EngineOptions['isolation'], now?: () => number }) {
  const provider = createMemoryProvider()
  // The harness injects its own model: count it as configured, as the demo's scripted model is.
  const config = resolveConfig({ scripted: { enabled: true }, ...options.config })
  const engine = createEngine({
    provider: options.wrap ? options.wrap(provider) : provider,
    getConfig: () => config,
    createModelClient: options.createModelClient ?? (() => options.model ?? unusedModel),
    runners: options.runners,
    hooks: options.hooks,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.isolation ? { isolation: options.isolation } : {}),
    ...(options.now ? { now: options.now } : {}),
    tools: options.tools ?? { register() {}, get: () => undefined, list: () => [], toModelTools: () => [] },
    workflows: options.workflows ?? { get: () => undefined, list: () => [] },
  })
  return { engine, provider, config }
}

/** Resolves after `ms` of (fake) time, or rejects when the signal fires. */
export function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => {
      clearTimeout(timer)
      reject(signal.reason)
    }, { once: true })
  })
}

/** A chat request body for tests. */
export const chatRequest = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

/**
 * Runs `count` chat jobs of user `u1` one after another on fake timers (each given 100 ms, then
 * awaited to its end) and returns their ids.
 */
export async function runChatJobsInTurn(engine: ReturnType<typeof createTestEngine>['engine'], count: number): Promise<string[]> {
  const ids: string[] = []
  for (let index = 0; index < count; index++) {
    const { job } = await engine.createJob('u1', { request: chatRequest })
    ids.push(job.id)
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)
  }
  return ids
}

/**
 * A chat runner that prepares `rounds` model requests (each calls the app's `upstream-request`
 * hook) and answers without a model: for tests of a hook called at every round.
 */
export function preparingRounds(rounds: number): JobRunners['chat'] {
  return async (context) => {
    for (let round = 0; round < rounds; round++) await context.prepareModelRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })
    context.text('answer')
  }
}
