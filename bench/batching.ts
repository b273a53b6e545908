/**
 * P2/P3 — batching. One job streams at 100 and at 200 chunks/s to 3 viewers over real HTTP
 * (the built app, a paced local upstream). Measured per viewer: SSE text events per second and
 * the delivery latency of every chunk (upstream write → viewer parsed the frame), p50/p99.
 * Baseline in the same run: a second server with batching off (one event per chunk).
 */
import type { ServerProcess } from './lib/app.ts'
import { startApp } from './lib/app.ts'
import { startPacedUpstream } from './lib/paced-upstream.ts'
import { cpuSeconds } from './lib/proc.ts'
import { fullScale, report } from './lib/result.ts'
import type { SseViewer } from './lib/sse-viewer.ts'
import { createUser } from './lib/sse-viewer.ts'
import { mean, percentile, round } from './lib/stats.ts'

const RATES = [100, 200]
const STREAM_SECONDS = fullScale ? 15 : 5
const VIEWERS = 3
const EVENTS_PER_SECOND_TARGET = 20
const ADDED_P99_TARGET_MS = 60

/** The most text events any viewer got in one sliding second. */
function maxEventsInOneSecond(timesMs: number[]): number {
  let best = 0
  let start = 0
  for (let end = 0; end < timesMs.length; end++) {
    while (timesMs[end]! - timesMs[start]! >= 1000) start++
    best = Math.max(best, end - start + 1)
  }
  return best
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

interface RoundResult {
  mode: string
  rate: number
  eventsPerSecond: number
  maxEventsInSecond: number
  p50: number
  p99: number
  max: number
  complete: boolean
  cpuMsPerSecond: number
}

async function measure(app: ServerProcess, upstream: Awaited<ReturnType<typeof startPacedUpstream>>, mode: string, rate: number): Promise<RoundResult> {
  const chunkCount = rate * STREAM_SECONDS
  upstream.setPace({ chunksPerSecond: rate, chunkCount })
  upstream.closeGate()
  const user = await createUser(app.url)
  const job = await user.createJob()
  const latencies: number[] = []
  const viewers: SseViewer[] = []
  for (let index = 0; index < VIEWERS; index++) viewers.push(await user.stream(job.streamUrl, { latencies }))
  await waitUntil(() => viewers.every(viewer => (viewer.counts.snapshot ?? 0) > 0) && upstream.waiting > 0, 'snapshots', 30_000)
  const cpuBefore = cpuSeconds(app.pid)
  const startedAtMs = performance.now()
  upstream.open()
  await Promise.race([Promise.all(viewers.map(viewer => viewer.ended)), new Promise(resolve => setTimeout(resolve, STREAM_SECONDS * 4000 + 10_000))])
  const elapsedSeconds = (performance.now() - startedAtMs) / 1000
  const cpuMsPerSecond = (cpuSeconds(app.pid) - cpuBefore) * 1000 / elapsedSeconds
  for (const viewer of viewers) viewer.close()
  const rates = viewers.map(viewer => viewer.textFrameTimesMs.length / Math.max(0.001, (viewer.textFrameTimesMs.at(-1)! - viewer.textFrameTimesMs[0]!) / 1000))
  return {
    mode,
    rate,
    eventsPerSecond: mean(rates),
    maxEventsInSecond: Math.max(...viewers.map(viewer => maxEventsInOneSecond(viewer.textFrameTimesMs))),
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: percentile(latencies, 1),
    complete: viewers.every(viewer => viewer.stamps === chunkCount && (viewer.counts['job-end'] ?? 0) === 1),
    cpuMsPerSecond,
  }
}

const upstream = await startPacedUpstream({ chunksPerSecond: 100, chunkCount: 1 })
const results: RoundResult[] = []
for (const [mode, windowMs] of [['batching on (50 ms)', '50'], ['batching off', '0']] as const) {
  const app = await startApp({ NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url, NUXT_BACKGROUND_JOBS_STREAM_BATCH_WINDOW_MS: windowMs, NUXT_BACKGROUND_JOBS_STREAM_COMPRESSION: 'false' })
  try {
    for (const rate of RATES) results.push(await measure(app, upstream, mode, rate))
  }
  finally {
    await app.stop()
  }
}
await upstream.stop()

const on = (rate: number) => results.find(result => result.rate === rate && result.mode.startsWith('batching on'))!
const off = (rate: number) => results.find(result => result.rate === rate && result.mode === 'batching off')!
report({
  id: 'batching',
  title: 'P2/P3 — batching: one job, 3 viewers, over HTTP',
  tables: [
    {
      caption: `One job streaming ${STREAM_SECONDS} s at each rate to ${VIEWERS} viewers; latency = upstream chunk written → viewer parsed the frame`,
      columns: ['mode', 'chunks/s', 'text events/s per viewer (mean)', 'max in any 1 s', 'latency p50 (ms)', 'p99 (ms)', 'max (ms)', 'all chunks, once', 'server CPU ms/s'],
      rows: results.map(result => [result.mode, String(result.rate), round(result.eventsPerSecond), String(result.maxEventsInSecond), round(result.p50), round(result.p99), round(result.max), result.complete ? 'yes' : 'NO', round(result.cpuMsPerSecond, 0)]),
    },
    {
      caption: 'Added by batching (batching on minus batching off, same run)',
      columns: ['chunks/s', 'events/s reduction', 'added p50 (ms)', 'added p99 (ms)', 'server CPU saved'],
      rows: RATES.map(rate => [String(rate), `${round(off(rate).eventsPerSecond / on(rate).eventsPerSecond, 1)}×`, round(on(rate).p50 - off(rate).p50), round(on(rate).p99 - off(rate).p99), `${round(100 * (1 - on(rate).cpuMsPerSecond / off(rate).cpuMsPerSecond), 0)} %`]),
    },
  ],
  targets: RATES.flatMap(rate => [
    { name: `text events per viewer per second at ${rate} chunks/s`, target: `≤ ${EVENTS_PER_SECOND_TARGET}`, measured: `${round(on(rate).eventsPerSecond)} (max ${on(rate).maxEventsInSecond} in any second)`, met: on(rate).maxEventsInSecond <= EVENTS_PER_SECOND_TARGET },
    { name: `p99 delivery latency with batching at ${rate} chunks/s`, target: `≤ ${ADDED_P99_TARGET_MS} ms`, measured: `${round(on(rate).p99)} ms (added vs off: ${round(on(rate).p99 - off(rate).p99)} ms)`, met: on(rate).p99 <= ADDED_P99_TARGET_MS },
  ]),
  notes: [
    'One job costs the server only a few tens of CPU milliseconds per second, so the CPU column is noisy on a shared machine; the fan-out benchmark measures CPU at scale.',
    'Latency is end to end (upstream socket write → server parses the upstream SSE → engine → SSE → viewer parses the frame), so it is an upper bound for what batching adds; the second table isolates the part batching adds.',
  ],
  data: { results },
})
