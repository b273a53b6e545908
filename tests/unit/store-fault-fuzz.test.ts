/**
 * Seeded fuzzing of what the engine does when its store misbehaves (tests/support/fault-provider.ts):
 * each seed runs jobs (text, a tool call, a question) while faults hit random provider calls —
 * thrown, rejected, rejected late, hung until a deadline while the call still lands, or carried
 * out with a lost reply — at random points of the jobs' lives, among reads, viewers, aborts,
 * answers, lists, deletions and cleanup. Once the store is healthy again: every job ended in the
 * store with one `job-end`, each viewer got at most that end (and only once stored), every call
 * settled with an error a route can answer (a status, never a bare 500), nothing is left held
 * (runs, viewers, timers, inputs, unstored events) and no rejection went unhandled.
 * Replay one: `FAULT_SEED=<seed> npx vitest run tests/unit/store-fault-fuzz.test.ts`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isTerminalStatus } from '../../shared/events'
import type { JobEndPayload, JobEvent } from '../../shared/events'
import { BackgroundJobsError } from '../../server/lib/errors'
import type { Logger } from '../../server/lib/logger'
import type { RunContext } from '../../server/lib/run-context'
import { createRandom } from '../support/fuzz-random'
import type { Random } from '../support/fuzz-random'
import { createRecordingSink, createTestEngine, wait } from '../support/engine-harness'
import type { RecordingSink } from '../support/engine-harness'
import type { Faults } from '../support/fault-provider'
import { FAULT_MODES, FAULTABLE_CALLS, withFaults } from '../support/fault-provider'

const SEEDS = process.env.FAULT_SEED ? [Number(process.env.FAULT_SEED)] : Array.from({ length: Number(process.env.FAULT_SEEDS) || 40 }, (_, index) => index + 1)
const STEPS = Number(process.env.FAULT_STEPS) || 60

type JobEndEvent = JobEvent & JobEndPayload

type Step = { kind: 'text', text: string } | { kind: 'wait', ms: number } | { kind: 'tool', ms: number } | { kind: 'ask' }

/** A job's script, chosen by the seed: text, waits, a tool call, a question. */
function randomScript(random: Random): Step[] {
  const steps: Step[] = []
  for (let index = random.int(1, 6); index > 0; index--) {
    steps.push(random.weighted({ text: 4, wait: 3, tool: 1, ask: 1 }) === 'text'
      ? { kind: 'text', text: `t${random.int(0, 99)} ` }
      : random.pick<Step>([{ kind: 'wait', ms: random.int(10, 400) }, { kind: 'tool', ms: random.int(10, 800) }, { kind: 'ask' }]))
  }
  return steps
}

/** Runs a script as a chat runner. */
async function runScript(context: RunContext, steps: Step[]): Promise<void> {
  let call = 0
  for (const step of steps) {
    if (step.kind === 'text') context.text(step.text)
    else if (step.kind === 'wait') await wait(step.ms, context.signal)
    else if (step.kind === 'tool') {
      const id = `call-${++call}`
      context.emit({ type: 'tool-call', id, name: 'slow', args: {}, step: 1 })
      await wait(step.ms, context.signal)
      context.emit({ type: 'tool-result', id, status: 'completed', result: { ok: true }, durationMs: step.ms })
    }
    else {
      const answered = context.requestInput({ kind: 'workflow-input', prompt: 'Go on?', timeoutMs: 3_000, onTimeout: 'fail' })
      asked.set(context.jobId, context.state().pendingInputs.at(-1)?.requestId ?? '')
      await answered
    }
  }
}

/** The question each job asked last (the test answers it). */
const asked = new Map<string, string>()

async function runSeed(seed: number): Promise<string[]> {
  const random = createRandom(seed)
  const violations: string[] = []
  /** Each job's script, named in its prompt. */
  const scripts: Step[][] = []
  let faults!: Faults
  /** `job ended` log lines per job: one per stored end. */
  const endLines = new Map<string, number>()
  const log = (message: string, fields?: Record<string, unknown>) => {
    if (message === 'job ended') endLines.set(String(fields?.jobId), (endLines.get(String(fields?.jobId)) ?? 0) + 1)
  }
  const made = createTestEngine({
    logger: { info: log, warn: log, error: log, debug: log } as unknown as Logger,
    config: {
      stream: { batchWindowMs: random.pick([0, 50]) },
      // Small bounds too: a backlog that passes it stops the job (store-unreachable) at any point of its life.
      persist: { maxPendingBytes: random.pick([200, 600, 8_388_608]) },
      limits: { jobTimeoutMs: random.pick([2_000, 20_000]), retentionMs: 600_000, cleanupIntervalMs: 1_000, maxConcurrentJobs: 100, maxConcurrentJobsPerUser: 100 },
    },
    runners: {
      async chat(context, request) {
        await runScript(context, scripts[Number(request.messages[0]!.content)] ?? [])
      },
    },
    wrap: (inner) => {
      const layered = withFaults(inner)
      faults = layered.faults
      return layered.wrapped
    },
  })
  const { engine, provider } = made
  const ids: string[] = []
  const sinks: Array<{ jobId: string, sink: RecordingSink, open: boolean }> = []
  const calls: Array<{ what: string, settled: boolean, promise: Promise<unknown> }> = []
  const track = (what: string, promise: Promise<unknown>) => {
    const entry = { what, settled: false, promise: promise.then(() => undefined, (error: unknown) => {
      if (!(error instanceof BackgroundJobsError)) violations.push(`${what} failed with ${String(error)} (not an error a route answers with its status)`)
    }).finally(() => {
      entry.settled = true
    }) }
    calls.push(entry)
  }
  const someJob = () => ids.length > 0 ? random.pick(ids) : null

  for (let step = 0; step < STEPS; step++) {
    const action = random.weighted({ create: 3, fault: 4, time: 6, view: 2, read: 2, abort: 1, answer: 2, list: 1, remove: 1, cleanup: 1 })
    const jobId = someJob()
    if (action === 'create') {
      scripts.push(randomScript(random))
      const request = { type: 'chat' as const, messages: [{ role: 'user' as const, content: String(scripts.length - 1) }] }
      track('createJob', engine.createJob('u1', { request }).then(({ job }) => void ids.push(job.id)))
    }
    else if (action === 'fault') {
      const mode = random.pick(FAULT_MODES)
      faults.arm(random.pick(FAULTABLE_CALLS), mode, random.int(1, 3), random.int(100, 6_000))
    }
    else if (action === 'time') await vi.advanceTimersByTimeAsync(random.int(1, 1_500))
    else if (jobId && action === 'view') {
      const entry = { jobId, sink: createRecordingSink(), open: false }
      sinks.push(entry)
      track('attachViewer', engine.attachViewer('u1', jobId, entry.sink, null).then((attachment) => {
        entry.open = attachment.open
      }))
    }
    else if (jobId && action === 'read') track('getJob', engine.getJob('u1', jobId))
    else if (jobId && action === 'abort') track('abortJob', engine.abortJob('u1', jobId))
    else if (jobId && action === 'answer') {
      const requestId = asked.get(jobId)
      if (requestId) track('answerInput', engine.answerInput('u1', jobId, { requestId, answer: 'yes' }))
    }
    else if (action === 'list') track('listJobs', engine.listJobs('u1', {}))
    else if (jobId && action === 'remove') track('deleteJob', engine.deleteJob('u1', jobId))
    else if (action === 'cleanup') track('cleanup', engine.cleanup())
  }

  // The store is healthy again: everything settles.
  faults.clear()
  await vi.advanceTimersByTimeAsync(60_000)
  for (const call of calls) if (!call.settled) violations.push(`${call.what} never settled`)
  const stats = engine.stats()
  const held = { runs: stats.runs, viewers: stats.viewers, jobTimers: stats.jobTimers, pendingInputs: stats.pendingInputs, unpersistedEvents: stats.unpersistedEvents, remoteFeeds: stats.remoteFeeds }
  if (Object.values(held).some(count => count !== 0)) violations.push(`still held: ${JSON.stringify(held)}`)
  if (stats.engineTimers > 1) violations.push(`engine timers: ${stats.engineTimers} (only the cleanup interval may stay)`)
  for (const id of ids) {
    const record = await provider.get(id)
    if (!record) continue // deleted by the user
    if (!isTerminalStatus(record.status)) violations.push(`job ${id} is ${record.status} in the store`)
    const stored = (await provider.readEvents(id, 0))?.events ?? []
    const ends = stored.filter(event => event.type === 'job-end') as JobEndEvent[]
    if (ends.length !== 1 || stored.at(-1)?.type !== 'job-end') violations.push(`job ${id} stored ${ends.length} job-end events`)
    if (endLines.get(id) !== 1) violations.push(`job ${id} was logged as ended ${endLines.get(id) ?? 0} times`)
    for (const { sink, open } of sinks.filter(entry => entry.jobId === id)) {
      const seen = sink.frames.filter(frame => frame.event === 'job-end').map(frame => frame.data as JobEndEvent)
      if (seen.length > 1) violations.push(`a viewer of ${id} got job-end ${seen.length} times`)
      if (seen[0] && (seen[0].seq !== ends[0]?.seq || seen[0].status !== ends[0]?.status)) violations.push(`a viewer of ${id} got an end that is not the stored one`)
      if (open && !sink.closed) violations.push(`a viewer of ${id} is still open`)
      if (open && seen.length === 0) violations.push(`a viewer of ${id} was closed without the end`)
    }
  }
  const disposed = engine.dispose()
  await vi.advanceTimersByTimeAsync(30_000)
  await disposed
  const after = engine.stats()
  if (after.engineTimers !== 0 || after.runs !== 0) violations.push(`after dispose: ${JSON.stringify(after)}`)
  return violations
}

describe('store faults at every provider call and point of a job\'s life', () => {
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => void unhandled.push(reason)
  beforeEach(() => {
    vi.useFakeTimers()
    unhandled.length = 0
    process.on('unhandledRejection', onUnhandled)
  })
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled)
    vi.useRealTimers()
  })

  it.each(SEEDS)('seed %i keeps every invariant', async (seed) => {
    const violations = await runSeed(seed)
    // Unhandled rejections are reported a turn late.
    vi.useRealTimers()
    await new Promise(resolve => setImmediate(resolve))
    expect([...violations, ...unhandled.map(reason => `unhandled rejection: ${String(reason)}`)], `seed ${seed} (replay: FAULT_SEED=${seed})`).toEqual([])
  })
})
