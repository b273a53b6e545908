/**
 * One cluster fuzz scenario: three engines on one convex-test backend (fake timers), chats on the
 * real executor (a seeded model, tools) and workflows with input, `recovery.chat` 'fail' or
 * 'continue'; instances paused (their store calls wait) or killed (never heard from again, their
 * streams broken); tabs (cluster-tab.ts) that open, close and reopen on random instances; aborts
 * and answers sent to random instances. Checks: every open tab ends with the stored state, a tab
 * on the stored log's final epoch never holds text that log does not have, every control answers,
 * and the live engines hold nothing once every job ended. Returns the violations.
 */
import { vi } from 'vitest'
import { z } from 'zod'
import { isTerminalStatus } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { resolveConfig } from '../../server/lib/config'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { JobNotFoundError } from '../../server/lib/errors'
import type { ModelClient, ModelEvent } from '../../server/lib/model/types'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { fuzzTools } from '../support/fuzz-world'
import { pause } from '../support/fuzz-model'
import type { Random } from '../support/fuzz-random'
import { createRandom, randomText } from '../support/fuzz-random'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import type { FaultyFacade } from './fault-facade'
import { createFaultyFacade } from './fault-facade'
import type { ClusterTab, TabInstance } from './cluster-tab'
import { openTab } from './cluster-tab'

const topicWorkflow = defineWorkflow({
  name: 'topic',
  description: 'asks, then answers with the input',
  input: z.object({ topic: z.string() }),
  nodes: {
    ask: { kind: 'input', prompt: 'Go on with {{input.topic}}?', schema: z.object({ go: z.boolean() }), onTimeout: 'default', timeoutAnswer: { go: false }, timeoutMs: 5_000 },
    done: { kind: 'output', value: 'Done with {{input.topic}}: {{outputs.ask.go}}' },
  },
  edges: [['ask', 'done']],
})

/** A model whose every round is drawn from the seed: text, pauses, then a tool call or the end. */
export function seededModel(random: Random): ModelClient {
  let calls = 0
  return {
    scripted: false,
    async* stream(request, signal) {
      const items: Array<ModelEvent | { type: 'pause', ms: number }> = []
      for (let index = random.int(0, 5); index > 0; index--) {
        items.push(random.chance(0.6) ? { type: 'text-delta', text: randomText(random) } : { type: 'pause', ms: random.pick([10, 50, 200, 700, 2_000]) })
      }
      const rounds = request.messages.filter(message => message.role === 'assistant').length
      if (rounds < 2 && random.chance(0.5)) items.push({ type: 'tool-call', call: { id: `c${++calls}_${random.int(0, 1e6)}`, name: random.pick(['echo', 'guarded']), arguments: JSON.stringify({ ms: random.pick([0, 300]) }) } })
      items.push({ type: 'usage', usage: { prompt: 1, completion: 1, total: 2 } })
      items.push({ type: 'finish', finishReason: items.some(item => item.type === 'tool-call') ? 'tool_calls' : 'stop' })
      for (const item of items) {
        if (signal.aborted) throw signal.reason
        if (item.type === 'pause') await pause(item.ms, signal)
        else yield item
      }
    },
  }
}

interface Node extends TabInstance {
  facade: FaultyFacade
  engine: ReturnType<typeof createEngineNode>['engine']
}

/** Runs the scenario of `seed`. */
export async function runClusterFuzz(seed: number, steps: number): Promise<string[]> {
  const random = createRandom(seed)
  const violations: string[] = []
  const backend = createBackend()
  const recovery = random.pick(['fail', 'continue'] as const)
  const config = resolveConfig({
    scripted: { enabled: true },
    lease: { durationMs: 3_000, heartbeatMs: 1_000 },
    recovery: { chat: recovery },
    stream: { batchWindowMs: random.pick([0, 50]) },
    limits: { jobTimeoutMs: 30_000, inputTimeoutMs: 5_000, maxConcurrentJobsPerUser: 100, maxConcurrentJobs: 100 },
  })
  const model = seededModel(random)
  const nodes: Node[] = ['A', 'B', 'C'].map((name) => {
    let facade!: FaultyFacade
    const node = createEngineNode(backend, { instanceId: name, config, chat: runChatJob, tools: fuzzTools, workflows: [topicWorkflow], model, wrapFacade: (inner) => {
      facade = createFaultyFacade(inner)
      return facade
    } })
    return { name, alive: true, engine: node.engine, facade, streams: new Set() }
  })
  const live = () => nodes.filter(node => node.alive && node.facade.connected)
  // A load balancer sends some requests to an instance whose store connection is down (paused).
  const pick = () => random.pick(live().length > 0 && random.chance(0.8) ? live() : nodes.filter(node => node.alive))
  const jobs: Array<{ id: string }> = []
  const tabs: ClusterTab[] = []
  const controls: Array<{ node: Node, what: string, settled: boolean }> = []
  const finalOf = new Map<string, JobState>()
  let killed = 0

  function control(node: Node, what: string, promise: Promise<unknown>) {
    const entry = { node, what, settled: false }
    controls.push(entry)
    void promise.then(() => { entry.settled = true }, (error: unknown) => {
      entry.settled = true
      // A refusal (4xx, forwarded from the owner too) or "unreachable, retry" (503/504) is a definite answer.
      const status = (error as { statusCode?: number }).statusCode ?? 500
      if (status >= 500 && status !== 503 && status !== 504) violations.push(`${what} threw ${(error as Error).name}: ${(error as Error).message}`)
    })
  }

  /** Every (epoch, content) each tab held, checked against the stored log at the end. */
  const held = new Map<ClusterTab, JobState[]>()
  const onApplied = (tab: ClusterTab) => {
    if (tab.state) held.set(tab, [...held.get(tab) ?? [], tab.state])
  }

  for (let step = 0; step < steps; step++) {
    const operation = jobs.length === 0 ? 'create' : random.weighted({ create: 1.5, tab: 3, close: 1, reopen: 2, abort: 0.5, answer: 2, pause: 1, resume: 0.7, kill: killed < 2 ? 1 : 0, time: 6 })
    switch (operation) {
      case 'create': {
        const node = pick()
        const request = random.chance(0.6)
          ? { type: 'chat' as const, messages: [{ role: 'user' as const, content: `job ${jobs.length}` }], ...(random.chance(0.5) ? { tools: ['echo', 'guarded'] } : {}) }
          : { type: 'workflow' as const, workflow: 'topic', input: { topic: `t${step}` } }
        const created = node.engine.createJob('u1', { request }).then(({ job }) => {
          jobs.push({ id: job.id })
        })
        control(node, `create on ${node.name}`, created)
        await vi.advanceTimersByTimeAsync(0)
        break
      }
      case 'tab': {
        const job = random.pick(jobs)
        // A page restored with a state another tab held earlier (maybe one a lost owner streamed).
        const earlier = tabs.filter(each => each.jobId === job.id).flatMap(each => held.get(each) ?? [])
        const restored = earlier.length > 0 && random.chance(0.4) ? random.pick(earlier) : null
        const tab = openTab(`tab${tabs.length}(${job.id}${restored ? ` from ${restored.epoch ?? 1}:${restored.seq}` : ''})`, 'u1', job.id, pick, restored)
        tab.onApplied = onApplied
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
        const job = random.pick(jobs)
        const node = pick()
        control(node, `abort of ${job.id} on ${node.name}`, node.engine.abortJob('u1', job.id))
        break
      }
      case 'answer': {
        const job = random.pick(jobs)
        const node = pick()
        const state = await random.pick(live().length > 0 ? live() : [node]).engine.getJob('u1', job.id).then(({ state }) => state, () => null)
        const input = state?.pendingInputs[0]
        if (!input) break
        const answer = input.kind === 'tool-approval' ? random.pick(['approve', 'deny']) : { go: random.chance(0.5) }
        control(node, `answer ${input.requestId} on ${node.name}`, node.engine.answerInput('u1', job.id, { requestId: input.requestId, answer }))
        break
      }
      case 'pause': {
        const node = random.pick(live())
        if (live().length > 1) node.facade.disconnect()
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

  // The end: paused instances come back, every job ends (its time limit at the latest).
  for (const node of nodes) if (node.alive && !node.facade.connected) await node.facade.reconnect()
  for (let round = 0; round < 10; round++) await vi.advanceTimersByTimeAsync(5_000)
  const reader = nodes.find(node => node.alive)!
  for (const job of jobs) {
    const stored = await reader.engine.getJob('u1', job.id).then(({ state }) => state, () => null)
    if (!stored) continue
    finalOf.set(job.id, stored)
    if (!isTerminalStatus(stored.status)) violations.push(`job ${job.id} did not end: ${stored.status} at ${stored.seq}`)
  }
  // Tabs still open, and those closed then reopened, reach the end.
  for (const tab of tabs) tab.reopen()
  for (let round = 0; round < 6; round++) await vi.advanceTimersByTimeAsync(2_000)
  const strip = (state: JobState) => JSON.stringify({ ...state, updatedAt: 0 })
  for (const tab of tabs) {
    const final = finalOf.get(tab.jobId)
    if (!final) continue
    for (const each of held.get(tab) ?? []) {
      if ((each.epoch ?? 1) === (final.epoch ?? 1) && !final.content.startsWith(each.content)) {
        violations.push(`${tab.name}: held ${JSON.stringify(each.content)} at epoch ${each.epoch ?? 1}, the stored log has ${JSON.stringify(final.content)}`)
        break
      }
    }
    if (!tab.ended) violations.push(`${tab.name}: not ended (state ${tab.state?.status} at ${tab.state?.seq}, stored ${final.status} at ${final.seq})`)
    else if (strip(tab.state!) !== strip(final)) {
      const keys = Object.keys(final).filter(key => JSON.stringify((tab.state as never)[key]) !== JSON.stringify((final as never)[key]))
      violations.push(`${tab.name}: final state differs in ${keys.map(key => `${key}: ${JSON.stringify((tab.state as never)[key])?.slice(0, 200)} vs stored ${JSON.stringify((final as never)[key])?.slice(0, 200)}`).join('; ')}`)
    }
  }
  if (process.env.FUZZ_COVERAGE) process.stdout.write(`seed ${seed} ${recovery}: killed ${killed}, jobs ${[...finalOf.values()].map(state => `${state.type}:${state.status}@e${state.epoch ?? 1}/${state.seq}`).join(' ')}, tabs ${tabs.length} ended ${tabs.filter(tab => tab.ended).length}\n`)
  // A killed instance never answers the requests it had (its clients see the connection reset).
  for (const entry of controls) if (!entry.settled && entry.node.alive) violations.push(`${entry.what}: never answered`)
  for (const node of nodes.filter(each => each.alive)) {
    const stats = node.engine.stats()
    if (stats.runs || stats.viewers || stats.jobTimers || stats.pendingInputs) violations.push(`${node.name} holds ${JSON.stringify(stats)} after every job ended`)
  }
  for (const tab of tabs) tab.close()
  await Promise.all(nodes.filter(node => node.alive).map(node => node.engine.dispose()))
  return violations
}
