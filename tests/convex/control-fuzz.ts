/**
 * The cluster fuzz of controls (a sibling of cluster-fuzz.ts, on its tabs and faults): three
 * engines on one convex-test backend run workflows that call a tool, ask a question, then call the
 * tool again, and chats (cluster-fuzz.ts's seeded model) whose tool asks for approval, while owners
 * are paused or killed. Answers go to random instances — valid ones,
 * the same one again, wrong-shaped ones, answers to questions a takeover voided — and so do aborts.
 * Checks at the end: every answer's outcome agrees with the log (a 200 ⇔ the answer is in it, under
 * its request or the question asked again in its place), a wrong-shaped answer is never stored, an
 * abort answered 200 on a running job ⇔ the job ends aborted, the tool ran at most once per call
 * the log shows (plus once per lost owner), every job ends, and every tab ends with the stored state.
 */
import { vi } from 'vitest'
import { z } from 'zod'
import { isTerminalStatus } from '../../shared/events'
import { resolveConfig } from '../../server/lib/config'
import { VOIDED_BY_TAKEOVER } from '../../server/lib/answer-taken'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import type { JobProvider } from '../../server/lib/providers/types'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { fuzzTools } from '../support/fuzz-world'
import { pause } from '../support/fuzz-model'
import { createRandom } from '../support/fuzz-random'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import type { FaultyFacade } from './fault-facade'
import { createFaultyFacade } from './fault-facade'
import type { ClusterTab, TabInstance } from './cluster-tab'
import { openTab } from './cluster-tab'
import { seededModel } from './cluster-fuzz'
import { checkEnd } from './control-fuzz-checks'

/** How often the tool started, per job and node. */
const starts = new Map<string, number>()
const effect = defineTool({ name: 'effect', description: 'Sleeps: a side effect', parameters: z.object({ ms: z.number() }), execute: async ({ ms }, { jobId, signal }) => {
  starts.set(jobId, (starts.get(jobId) ?? 0) + 1)
  if (ms > 0) await pause(ms, signal)
  return { slept: ms }
} })

const effectsWorkflow = defineWorkflow({
  name: 'effects',
  description: 'effect → ask → effect → done',
  input: z.object({ ms: z.number() }),
  nodes: {
    before: { kind: 'tool', tool: 'effect', args: { ms: '{{input.ms}}' } },
    ask: { kind: 'input', prompt: 'Go on?', schema: z.object({ go: z.boolean(), n: z.number() }), onTimeout: 'default', timeoutAnswer: { go: false, n: -1 }, timeoutMs: 5_000 },
    after: { kind: 'tool', tool: 'effect', args: { ms: 0 } },
    done: { kind: 'output', value: 'done: {{outputs.ask.go}}' },
  },
  edges: [['before', 'ask'], ['ask', 'after'], ['after', 'done']],
})

export interface Node extends TabInstance {
  facade: FaultyFacade
  provider: JobProvider
  engine: ReturnType<typeof createEngineNode>['engine']
}

/** One control sent: its outcome once settled (`status` 200 or the error's). */
export interface Sent {
  node: Node
  jobId: string
  kind: 'answer' | 'abort' | 'create'
  what: string
  /** The answer's tag (`n`) and whether its shape is valid. */
  n?: number
  valid?: boolean
  requestId?: string
  body?: unknown
  status?: number
  /** An answer the owner took but could not confirm stored (`stored: false`), or an abort's summary status. */
  detail?: string
}

/** With FUZZ_DEBUG set: every control sent and its outcome, with the fake clock's time. */
function debug(text: string) {
  if (process.env.FUZZ_DEBUG) process.stdout.write(`${Date.now()} ${text}\n`)
}

/** Runs the scenario of `seed`; returns the violations. */
export async function runControlFuzz(seed: number, steps: number): Promise<string[]> {
  const random = createRandom(seed)
  const violations: string[] = []
  const backend = createBackend()
  starts.clear()
  const config = resolveConfig({
    scripted: { enabled: true },
    lease: { durationMs: 3_000, heartbeatMs: 1_000 },
    recovery: { chat: random.pick(['fail', 'continue'] as const) },
    stream: { batchWindowMs: random.pick([0, 50]) },
    limits: { jobTimeoutMs: 30_000, inputTimeoutMs: 5_000, maxConcurrentJobsPerUser: 100, maxConcurrentJobs: 100 },
  })
  const model = seededModel(random)
  const nodes: Node[] = ['A', 'B', 'C'].map((name) => {
    let facade!: FaultyFacade
    const node = createEngineNode(backend, { instanceId: name, config, chat: runChatJob, model, tools: [effect, ...fuzzTools], workflows: [effectsWorkflow], wrapFacade: (inner) => {
      facade = createFaultyFacade(inner)
      return facade
    } })
    return { name, alive: true, engine: node.engine, provider: node.provider, facade, streams: new Set() }
  })
  const live = () => nodes.filter(node => node.alive && node.facade.connected)
  const pick = () => random.pick(live().length > 0 && random.chance(0.7) ? live() : nodes.filter(node => node.alive))
  const jobs: string[] = []
  const tabs: ClusterTab[] = []
  const sent: Sent[] = []
  let killed = 0
  let tag = 0

  function send(entry: Sent, promise: Promise<unknown>) {
    sent.push(entry)
    debug(`send ${entry.what}`)
    void promise.then((result) => {
      entry.status = 200
      debug(`${entry.what}: 200 ${JSON.stringify(result)}`)
      if (entry.kind === 'answer' && (result as { stored?: boolean }).stored === false) entry.detail = 'unconfirmed'
      if (entry.kind === 'abort') entry.detail = (result as { status: string }).status
    }, (error: unknown) => {
      entry.status = (error as { statusCode?: number }).statusCode ?? 500
      debug(`${entry.what}: ${entry.status} ${(error as Error).message}${entry.node.facade.connected ? '' : ' (paused now)'}`)
      if (entry.status >= 500 && entry.status !== 503 && entry.status !== 504) violations.push(`${entry.what} threw ${(error as Error).name}: ${(error as Error).message}`)
    })
  }

  /** A state of the job as some instance reads it now (null: none could). */
  const readState = (jobId: string) => random.pick(live().length > 0 ? live() : nodes.filter(node => node.alive)).engine.getJob('u1', jobId).then(({ state }) => state, () => null)

  for (let step = 0; step < steps; step++) {
    const operation = jobs.length === 0 ? 'create' : random.weighted({ create: 1, tab: 1.5, close: 0.5, reopen: 1, abort: 0.6, answer: 3, again: 1.5, wrong: 1, voided: 1, pause: 1, resume: 0.7, kill: killed < 2 ? 1 : 0, time: 5 })
    switch (operation) {
      case 'create': {
        const node = pick()
        send({ node, jobId: '', kind: 'create', what: `create on ${node.name}${node.facade.connected ? '' : ' (paused)'}` }, node.engine.createJob('u1', { request: random.chance(0.3)
          ? { type: 'chat', messages: [{ role: 'user', content: `job ${jobs.length}` }], tools: ['echo', 'guarded'] }
          : { type: 'workflow', workflow: 'effects', input: { ms: random.pick([0, 300, 2_000]) } } }).then(({ job }) => {
          jobs.push(job.id)
        }))
        await vi.advanceTimersByTimeAsync(0)
        break
      }
      case 'tab': {
        const tab = openTab(`tab${tabs.length}`, 'u1', random.pick(jobs), pick)
        tabs.push(tab)
        break
      }
      case 'close': {
        const open = tabs.filter(tab => tab.following)
        if (open.length > 0) random.pick(open).close()
        break
      }
      case 'reopen': {
        const closed = tabs.filter(tab => !tab.following && !tab.ended)
        if (closed.length > 0) random.pick(closed).reopen()
        break
      }
      case 'abort': {
        const jobId = random.pick(jobs)
        const node = pick()
        const before = await readState(jobId)
        if (before && isTerminalStatus(before.status)) break
        send({ node, jobId, kind: 'abort', what: `abort of ${jobId} on ${node.name}${node.facade.connected ? '' : ' (paused)'}` }, node.engine.abortJob('u1', jobId))
        break
      }
      case 'answer':
      case 'wrong':
      case 'voided': {
        const jobId = random.pick(jobs)
        const state = await readState(jobId)
        const input = operation === 'voided'
          ? random.pick(state?.answeredInputs.filter(each => each.answeredBy === VOIDED_BY_TAKEOVER) ?? [null])
          : state?.pendingInputs[0]
        if (!input) break
        const node = pick()
        const n = ++tag
        const valid = operation !== 'wrong'
        const answer = input.kind === 'tool-approval'
          ? (valid ? random.pick(['approve', 'deny']) : random.pick(['maybe', { approved: 'yes' }]))
          : valid ? { go: random.chance(0.5), n } : random.pick([{ go: 'yes', n }, { n }, 'go', { go: true, n: String(n) }])
        send({ node, jobId, kind: 'answer', what: `answer ${n}${valid ? '' : ' (wrong shape)'} to ${input.requestId} on ${node.name}${node.facade.connected ? '' : ' (paused)'}`, n, valid, requestId: input.requestId, body: answer }, node.engine.answerInput('u1', jobId, { requestId: input.requestId, answer }))
        break
      }
      case 'again': {
        // The same answer again (a client retrying after a lost reply), maybe to another instance.
        const earlier = sent.filter(each => each.kind === 'answer' && each.valid && each.requestId)
        if (earlier.length === 0) break
        const first = random.pick(earlier)
        const node = pick()
        send({ ...first, node, status: undefined, detail: undefined, what: `answer ${first.n} again to ${first.requestId} on ${node.name}${node.facade.connected ? '' : ' (paused)'}` }, node.engine.answerInput('u1', first.jobId, { requestId: first.requestId!, answer: first.body }))
        break
      }
      case 'pause': {
        if (live().length > 1) random.pick(live()).facade.disconnect()
        break
      }
      case 'resume': {
        const paused = nodes.filter(node => node.alive && !node.facade.connected)
        if (paused.length > 0) await random.pick(paused).facade.reconnect()
        break
      }
      case 'kill': {
        const candidates = live()
        if (candidates.length < 2) break
        const node = random.pick(candidates)
        killed++
        node.alive = false
        node.facade.disconnect()
        for (const breakStream of [...node.streams]) breakStream()
        break
      }
      case 'time':
        await vi.advanceTimersByTimeAsync(random.pick([0, 10, 50, 200, 500, 1_500]))
        break
    }
  }
  return await checkEnd({ seed, nodes, jobs, tabs, sent, violations, killed, starts })
}
