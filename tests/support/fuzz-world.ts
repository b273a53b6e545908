/**
 * The fuzzed engine and what it runs: the real engine on the memory provider, wrapped so appends
 * can fail (an outage, random failures, or a write stored whose reply is lost), with chat jobs on
 * the real executor (scripted models, a plain and an approval tool) and workflows with input nodes.
 */
import { z } from 'zod'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { resolveConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { ModelClient } from '../../server/lib/model/types'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import type { JobProvider } from '../../server/lib/providers/types'
import type { JobEvent } from '../../shared/events'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineTool } from '../../server/utils/define-tool'
import type { Random } from './fuzz-random'
import { unusedModel } from './engine-harness'
import { pause } from './fuzz-model'

/** A fault the fuzzer injected into the store. */
export class InjectedFault extends Error {
  override name = 'InjectedFault'
}

/** How the store fails appends now. */
export interface StoreFaults {
  /** Every append throws. */
  down: boolean
  /** Probability that an append throws before storing. */
  failRate: number
  /** Probability that an append is stored but throws anyway (the reply was lost). */
  lostReplyRate: number
}

const toolParameters = z.object({ ms: z.number() })
const execute = async ({ ms }: { ms: number }, context: { signal: AbortSignal }) => {
  if (ms > 0) await pause(ms, context.signal)
  return { slept: ms }
}

/** The fuzz tools: `echo` runs, `guarded` asks for approval first. */
export const fuzzTools = [
  defineTool({ name: 'echo', description: 'Sleeps, then answers', parameters: toolParameters, execute }),
  defineTool({ name: 'guarded', description: 'Sleeps after approval', parameters: toolParameters, needsApproval: true, execute }),
]

/** Workflows with two questions each, one per `onTimeout` action. */
export const FUZZ_WORKFLOWS = ['ask-default', 'ask-abort', 'ask-fail'] as const

function askWorkflow(name: string, onTimeout: 'default' | 'abort' | 'fail') {
  const schema = z.object({ ok: z.boolean() })
  return {
    name,
    description: 'asks twice, then answers',
    input: z.object({}),
    nodes: {
      first: { kind: 'input', prompt: 'First?', schema, timeoutMs: 2_000, onTimeout, ...(onTimeout === 'default' ? { timeoutAnswer: { ok: false } } : {}) },
      second: { kind: 'input', prompt: 'Second?', schema, timeoutMs: 4_000, onTimeout, ...(onTimeout === 'default' ? { timeoutAnswer: { ok: true } } : {}) },
      done: { kind: 'output', value: 'Answered {{outputs.first.ok}} and {{outputs.second.ok}}.' },
    },
    edges: [['first', 'second'], ['second', 'done']] as Array<[string, string]>,
  }
}

/** Creates the fuzzed engine; `nextModel` is the model the next job created gets. */
export function createFuzzWorld(random: Random, config: BackgroundJobsConfigInput) {
  const inner = createMemoryProvider()
  const faults: StoreFaults = { down: false, failRate: 0, lostReplyRate: 0 }
  /** Every job's stored log as appended, kept after retention deletes it or the provider is disposed. */
  const storedLogs = new Map<string, JobEvent[]>()
  /** Jobs a write of whose the store refused `not-found`: gone from it (retention, or lost) while their owner ran them. */
  const goneWhileRun = new Set<string>()
  const provider: JobProvider = Object.assign(Object.create(inner) as JobProvider, {
    // An outage is the whole store's: retention cannot delete a job whose writes wait for it.
    async deleteExpired(...args: Parameters<JobProvider['deleteExpired']>) {
      if (faults.down) throw new InjectedFault('store unreachable')
      return await inner.deleteExpired(...args)
    },
    async appendEvents(...args: Parameters<JobProvider['appendEvents']>) {
      if (faults.down || random.chance(faults.failRate)) throw new InjectedFault('store unreachable')
      const result = await inner.appendEvents(...args)
      if (result.ok) storedLogs.set(args[0], [...storedLogs.get(args[0]) ?? [], ...structuredClone(args[1])])
      else if (result.reason === 'not-found') goneWhileRun.add(args[0])
      if (process.env.FUZZ_TRACE && !result.ok) process.stdout.write(`  append refused: ${JSON.stringify(result)} for ${args[1].map(event => `${event.type}@${event.seq}`).join(',')}\n`)
      if (random.chance(faults.lostReplyRate)) {
        if (process.env.FUZZ_TRACE) process.stdout.write(`  reply lost for ${args[1].map(event => `${event.type}@${event.seq}`).join(',')}\n`)
        throw new InjectedFault('reply lost')
      }
      return result
    },
  })
  let nextModel: ModelClient = unusedModel
  const resolved = resolveConfig({ scripted: { enabled: true }, ...config })
  const engine = createEngine({
    provider,
    getConfig: () => resolved,
    createModelClient: () => {
      const model = nextModel
      nextModel = unusedModel
      return model
    },
    runners: { chat: runChatJob, workflow: runWorkflowJob },
    tools: createToolRegistry(fuzzTools),
    workflows: createWorkflowRegistry([askWorkflow('ask-default', 'default'), askWorkflow('ask-abort', 'abort'), askWorkflow('ask-fail', 'fail')], { toolNames: fuzzTools.map(tool => tool.name) }),
  })
  return {
    engine,
    store: inner,
    faults,
    storedLogs,
    goneWhileRun,
    config: resolved,
    /** The model the next created job gets. */
    setNextModel(model: ModelClient) {
      nextModel = model
    },
  }
}

/** The fuzzed world. */
export type FuzzWorld = ReturnType<typeof createFuzzWorld>
