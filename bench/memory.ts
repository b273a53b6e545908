/**
 * P1 — memory. Drives the engine in-process (memory provider, a runner that emits text at a fast
 * pace, real timers and the real 50 ms batch window): 10,000 jobs run to completion, then the
 * clock moves past retention and cleanup runs. With forced GC, the heap after must be within
 * 2 MB of the heap before, and no timer, handle, viewer or provider entry may be left over.
 * Also measures the steady heap cost of one active job and of one attached viewer.
 *
 * Run: node --expose-gc --experimental-transform-types --import ./bench/lib/register-ts.mjs bench/memory.ts
 */
import { resolveConfig } from '../server/lib/config.ts'
import { createEngine } from '../server/lib/engine.ts'
import { createMemoryProvider } from '../server/lib/providers/memory.ts'
import type { RunContext } from '../server/lib/run-context.ts'
import type { ViewerSink } from '../server/lib/viewer.ts'
import { formatBytes, round } from './lib/stats.ts'
import { fullScale, report } from './lib/result.ts'

const TOTAL_JOBS = fullScale ? 50_000 : 10_000
const WAVE_SIZE = 500
const WARM_UP_JOBS = 500
const ACTIVE_JOBS = 1_000
const CHUNKS_PER_JOB = 20
const RETENTION_MS = 60_000
const USERS = 100
const HEAP_GROWTH_LIMIT_BYTES = 2 * 1024 * 1024

const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with --expose-gc')

/** Moves the engine's clock forward (retention) without waiting. */
let clockSkewMs = 0
const now = () => Date.now() + clockSkewMs
const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms))

/** Gates that hold "active" jobs open until released. */
let releaseActive: () => void = () => {}
let activeGate = Promise.resolve()

async function runner(context: RunContext, request: { messages: Array<{ content: string }> }) {
  const holdOpen = request.messages[0]!.content === 'hold'
  for (let index = 0; index < CHUNKS_PER_JOB; index++) {
    context.text(`chunk ${index} of some streamed text. `)
    // ~80 ms per job: each job spans two batch windows, as a streamed answer does.
    if (index % 5 === 4) await sleep(20)
  }
  if (holdOpen) {
    await new Promise<void>((resolve, reject) => {
      void activeGate.then(resolve)
      context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true })
    })
  }
}

const provider = createMemoryProvider({ maxJobs: TOTAL_JOBS + ACTIVE_JOBS + WARM_UP_JOBS })
// The runner streams by itself; the engine only needs some model configured to accept jobs.
const config = resolveConfig({ scripted: { enabled: true }, limits: { maxConcurrentJobs: 1_000_000, maxConcurrentJobsPerUser: 1_000_000, retentionMs: RETENTION_MS, cleanupIntervalMs: 3_600_000 } })
const engine = createEngine({
  provider,
  getConfig: () => config,
  now,
  createModelClient: () => ({ scripted: true, stream: () => { throw new Error('not used') } }),
  runners: { chat: runner as never },
  tools: { register() {}, get: () => undefined, list: () => [], toModelTools: () => [] },
  workflows: { get: () => undefined, list: () => [] },
})

/** A viewer sink that only counts, like a socket that drains instantly. */
function countingSink(): ViewerSink & { frames: number } {
  return { frames: 0, send() { this.frames++ }, comment() {}, close() {} }
}

async function collect(): Promise<number> {
  for (let round = 0; round < 4; round++) {
    gc!()
    await new Promise(resolve => setImmediate(resolve))
  }
  return process.memoryUsage().heapUsed
}

function resources(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1
  return counts
}

async function runJobs(count: number, content: string, viewerEvery = 4): Promise<string[]> {
  const ids: string[] = []
  for (let start = 0; start < count; start += WAVE_SIZE) {
    const wave = Math.min(WAVE_SIZE, count - start)
    const created = await Promise.all(Array.from({ length: wave }, async (_, index) => {
      const userId = `user-${(start + index) % USERS}`
      const { job } = await engine.createJob(userId, { request: { type: 'chat', messages: [{ role: 'user', content }] } })
      if ((start + index) % viewerEvery === 0) await engine.attachViewer(userId, job.id, countingSink(), null)
      return job.id
    }))
    ids.push(...created)
    if (content !== 'hold') await Promise.all(created.map(id => engine.whenSettled(id)))
  }
  return ids
}

async function expireAll(): Promise<number> {
  clockSkewMs += RETENTION_MS + 1_000
  return await engine.cleanup()
}

// Warm up: JIT, maps and the engine's cleanup interval exist before the baseline.
await runJobs(WARM_UP_JOBS, 'warm up')
await expireAll()
const heapBefore = await collect()
const resourcesBefore = resources()

const startedAt = performance.now()
await runJobs(TOTAL_JOBS, 'hello')
const runSeconds = (performance.now() - startedAt) / 1000
const heapRetained = await collect()
const statsRetained = provider.stats()
const deleted = await expireAll()
const heapAfter = await collect()
const resourcesAfter = resources()
const engineStats = engine.stats()
const providerStats = provider.stats()

// Steady overhead of an active job (20 deltas emitted, still running) and of one viewer.
const heapIdle = await collect()
activeGate = new Promise(resolve => { releaseActive = resolve })
const activeIds = await runJobs(ACTIVE_JOBS, 'hold', Number.POSITIVE_INFINITY)
await sleep(config.stream.batchWindowMs * 3)
const heapActive = await collect()
const activeStats = engine.stats()
await Promise.all(activeIds.map((id, index) => engine.attachViewer(`user-${index % USERS}`, id, countingSink(), null)))
const heapWithViewers = await collect()
releaseActive()
await Promise.all(activeIds.map(id => engine.whenSettled(id)))
await expireAll()
const heapEnd = await collect()
const endStats = engine.stats()

const growth = heapAfter - heapBefore
const leftoverResources = Object.entries(resourcesAfter)
  .map(([name, count]) => [name, count - (resourcesBefore[name] ?? 0)] as const)
  .filter(([, delta]) => delta !== 0)
const engineLeftovers = engineStats.runs + engineStats.viewers + engineStats.jobTimers + engineStats.pendingInputs + engineStats.remoteFeeds
const providerLeftovers = providerStats.jobs + providerStats.events + providerStats.listeners + providerStats.idempotencyKeys
const perActiveJob = (heapActive - heapIdle) / ACTIVE_JOBS
const perViewer = (heapWithViewers - heapActive) / ACTIVE_JOBS
const perRetainedJob = (heapRetained - heapBefore) / TOTAL_JOBS

report({
  id: 'memory',
  title: 'P1 — memory: 10,000 jobs to completion and past retention',
  tables: [
    {
      caption: `${TOTAL_JOBS.toLocaleString('en')} jobs × ${CHUNKS_PER_JOB} text deltas, 1 viewer on every 4th job, ${USERS} users, forced GC`,
      columns: ['measure', 'value'],
      rows: [
        ['jobs run (wall time)', `${TOTAL_JOBS} (${round(runSeconds, 1)} s)`],
        ['heap before (after warm-up)', formatBytes(heapBefore)],
        ['heap with all jobs finished, inside retention', `${formatBytes(heapRetained)} (${formatBytes(perRetainedJob)} per finished job)`],
        ['jobs deleted by cleanup past retention', String(deleted)],
        ['heap after cleanup', formatBytes(heapAfter)],
        ['heap growth', formatBytes(growth)],
        ['new active resources (timers, handles)', leftoverResources.length ? leftoverResources.map(([name, delta]) => `${name} ${delta > 0 ? '+' : ''}${delta}`).join(', ') : '0'],
        ['engine: runs / viewers / job timers / inputs / feeds', `${engineStats.runs} / ${engineStats.viewers} / ${engineStats.jobTimers} / ${engineStats.pendingInputs} / ${engineStats.remoteFeeds}`],
        ['engine timers (cleanup interval, heartbeat)', String(engineStats.engineTimers)],
        ['engine: notification users / sinks', `${engineStats.notificationUsers} / ${engineStats.notificationSinks}`],
        ['provider: jobs / events / listeners / keys', `${providerStats.jobs} / ${providerStats.events} / ${providerStats.listeners} / ${providerStats.idempotencyKeys}`],
      ],
    },
    {
      caption: `Steady cost of ${ACTIVE_JOBS} active jobs (each has emitted ${CHUNKS_PER_JOB} deltas, ~${CHUNKS_PER_JOB * 31} chars, and waits)`,
      columns: ['measure', 'bytes'],
      rows: [
        ['heap per active job (state, event log, run, timers)', formatBytes(perActiveJob)],
        ['heap per attached viewer', formatBytes(perViewer)],
        ['job timers while active', String(activeStats.jobTimers)],
        ['heap after they finished and expired, vs before', formatBytes(heapEnd - heapIdle)],
        ['engine runs / viewers / job timers at the end', `${endStats.runs} / ${endStats.viewers} / ${endStats.jobTimers}`],
      ],
    },
  ],
  targets: [
    { name: 'heap growth after 10,000 jobs past retention', target: '≤ 2 MB', measured: formatBytes(growth), met: growth <= HEAP_GROWTH_LIMIT_BYTES },
    { name: 'leftover timers/handles/viewers/provider entries', target: '0', measured: String(leftoverResources.reduce((sum, [, delta]) => sum + Math.max(0, delta), 0) + engineLeftovers + providerLeftovers), met: leftoverResources.every(([, delta]) => delta <= 0) && engineLeftovers === 0 && providerLeftovers === 0 },
  ],
  notes: [
    `The retained size while jobs are inside retention (${formatBytes(perRetainedJob)} per finished job with ${statsRetained.events / TOTAL_JOBS} events each) is expected: finished jobs replay until retention ends.`,
    `The engine keeps ${engineStats.engineTimers} engine-wide timer(s) (the cleanup interval, created with the first job and unref'd) — counted in the baseline, not a leak.`,
  ],
  data: { heapBefore, heapAfter, growth, perActiveJob, perViewer, perRetainedJob, engineStats, providerStats, leftoverResources, runSeconds, totalJobs: TOTAL_JOBS },
})
await engine.dispose()
