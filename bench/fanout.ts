/**
 * P4 — fan-out. N concurrent jobs × 2 viewers, each job streaming stamped chunks at 50/s, over
 * real HTTP. Per system: server CPU seconds per MB delivered to viewers (from /proc, so the
 * benchmark's own work is not charged), p99 delivery latency, errors. Systems, same run:
 *   layer      — the built app, memory provider, a paced local upstream;
 *   bare http  — node:http writing the same frames to the same number of sockets (bench/lib/bare-server.ts);
 *   resumable  — vercel/resumable-stream + a real redis-server (bench/lib/resumable-server.ts).
 */
import { fileURLToPath } from 'node:url'
import type { ServerProcess } from './lib/app.ts'
import { startApp, startServerProcess } from './lib/app.ts'
import type { Measured } from './lib/fanout-drive.ts'
import { cpuPerMegabyte as perMegabyte, drive as measure, openViewers, waitUntil } from './lib/fanout-drive.ts'
import { startRedis } from './lib/redis.ts'
import { fullScale, report } from './lib/result.ts'
import type { SseViewer } from './lib/sse-viewer.ts'
import { createUser, mapLimit, openViewer } from './lib/sse-viewer.ts'
import type { UpstreamProcess } from './lib/upstream-process.ts'
import { startUpstreamProcess, TS_ARGS } from './lib/upstream-process.ts'
import { round } from './lib/stats.ts'

const JOB_COUNTS = fullScale ? [100, 500, 1000, 2000] : [100, 500, 1000]
const VIEWERS_PER_JOB = 2
const CHUNKS_PER_SECOND = 50
const STREAM_SECONDS = fullScale ? 10 : 4
const CHUNK_COUNT = CHUNKS_PER_SECOND * STREAM_SECONDS
const BATCH_WINDOW_MS = 50
const SETUP_CONCURRENCY = 25

async function runLayer(app: ServerProcess, upstream: UpstreamProcess, jobs: number): Promise<Measured> {
  await upstream.closeGate()
  await upstream.setPace({ chunksPerSecond: CHUNKS_PER_SECOND, chunkCount: CHUNK_COUNT })
  const user = await createUser(app.url)
  const latencies: number[] = []
  let setupErrors = 0
  const created = await mapLimit(Array.from({ length: jobs }), SETUP_CONCURRENCY, async () => {
    try {
      return await user.createJob()
    }
    catch {
      setupErrors++
      return null
    }
  })
  const streams = created.flatMap(job => (job ? Array.from({ length: VIEWERS_PER_JOB }, () => job.streamUrl) : []))
  const viewers = await mapLimit(streams, SETUP_CONCURRENCY, url => user.stream(url, { latencies }))
  await waitUntil(async () => viewers.every(viewer => (viewer.counts.snapshot ?? 0) > 0) && (await upstream.waiting()) >= jobs - setupErrors, 60_000)
  return await drive('layer', jobs, viewers, latencies, [app.pid], async () => { await upstream.open() }, setupErrors, [upstream.pid])
}

/** The shared measuring with this benchmark's chunk count and time bound. */
function drive(system: string, jobs: number, viewers: SseViewer[], latencies: number[], pids: number[], start: () => Promise<void> | void, setupErrors: number, loadPids: number[] = []): Promise<Measured> {
  return measure({ system, jobs, viewers, latencies, pids, start, setupErrors, loadPids, chunkCount: CHUNK_COUNT, timeoutMs: STREAM_SECONDS * 1000 * 6 + 30_000 })
}

async function runBare(server: ServerProcess, jobs: number): Promise<Measured> {
  const latencies: number[] = []
  const streams = Array.from({ length: jobs * VIEWERS_PER_JOB }, (_, index) => `${server.url}/stream/job-${Math.floor(index / VIEWERS_PER_JOB)}`)
  const viewers = await mapLimit(streams, SETUP_CONCURRENCY, url => openViewer(url, { latencies }))
  await waitUntil(() => viewers.every(viewer => (viewer.counts.snapshot ?? 0) > 0), 60_000)
  return await drive('bare node:http', jobs, viewers, latencies, [server.pid], async () => {
    await fetch(`${server.url}/start?rate=${CHUNKS_PER_SECOND}&count=${CHUNK_COUNT}&windowMs=${BATCH_WINDOW_MS}`, { method: 'POST' })
  }, 0)
}

async function runResumable(server: ServerProcess, redisPid: number, jobs: number): Promise<Measured> {
  const latencies: number[] = []
  const prepared = await fetch(`${server.url}/prepare?jobs=${jobs}&run=${jobs}-${Date.now()}`, { method: 'POST' })
  const ids = await prepared.json() as string[]
  const streams = ids.flatMap(id => Array.from({ length: VIEWERS_PER_JOB }, () => `${server.url}/stream/${id}`))
  const { viewers, setupErrors } = await openViewers(streams, latencies, SETUP_CONCURRENCY)
  await waitUntil(() => viewers.every(viewer => (viewer.counts.snapshot ?? 0) > 0), 60_000)
  return await drive('resumable-stream + Redis', jobs, viewers, latencies, [server.pid, redisPid], async () => {
    await fetch(`${server.url}/start?rate=${CHUNKS_PER_SECOND}&count=${CHUNK_COUNT}`, { method: 'POST' })
  }, setupErrors)
}

const results: Measured[] = []
const upstream = await startUpstreamProcess()
const app = await startApp({ NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url, NUXT_BACKGROUND_JOBS_STREAM_COMPRESSION: 'false' })
const bare = await startServerProcess(fileURLToPath(new URL('./lib/bare-server.ts', import.meta.url)), {}, '/health', TS_ARGS)
const redis = await startRedis()
const resumable = redis
  ? await startServerProcess(fileURLToPath(new URL('./lib/resumable-server.ts', import.meta.url)), { REDIS_URL: redis.url }, '/health', TS_ARGS)
  : null
try {
  for (const jobs of JOB_COUNTS) {
    results.push(await runLayer(app, upstream, jobs))
    results.push(await runBare(bare, jobs))
    if (resumable && redis) results.push(await runResumable(resumable, redis.pid, jobs))
    console.log(`[bench] fan-out ${jobs} jobs done`)
  }
}
finally {
  await app.stop()
  await bare.stop()
  await resumable?.stop()
  await redis?.stop()
  await upstream.stop()
}

const find = (system: string, jobs: number) => results.find(result => result.system.startsWith(system) && result.jobs === jobs)
report({
  id: 'fanout',
  title: 'P4 — fan-out: N jobs × 2 viewers at 50 chunks/s',
  tables: [
    {
      caption: `Each job streams ${STREAM_SECONDS} s (${CHUNK_COUNT} chunks of ~22 chars) to ${VIEWERS_PER_JOB} viewers; CPU is the server process (+ redis-server for resumable-stream) while streaming`,
      columns: ['jobs', 'system', 'MB delivered', 'server CPU s', 'CPU s per MB', 'latency p50 (ms)', 'p99 (ms)', 'errors', 'wall s', 'load-gen CPU s', 'machine busy'],
      rows: results.map(result => [String(result.jobs), result.system, round(result.megabytes, 2), round(result.cpuSeconds, 2), round(perMegabyte(result), 3), round(result.p50), round(result.p99), String(result.errors), round(result.seconds, 1), round(result.loadCpuSeconds, 2), `${round(100 * result.machineBusy, 0)} %`]),
    },
    {
      caption: 'Ratios (layer ÷ baseline; CPU per MB lower is better, so a ratio above 1 means the layer costs more)',
      columns: ['jobs', 'CPU/MB vs bare', 'p99 vs bare', 'CPU/MB vs resumable-stream', 'p99 vs resumable-stream'],
      rows: JOB_COUNTS.map((jobs) => {
        const layer = find('layer', jobs)!
        const bareResult = find('bare', jobs)!
        const resumableResult = find('resumable', jobs)
        return [String(jobs), `${round(perMegabyte(layer) / perMegabyte(bareResult), 2)}×`, `${round(layer.p99 / bareResult.p99, 2)}×`, resumableResult ? `${round(perMegabyte(layer) / perMegabyte(resumableResult), 2)}×` : 'skipped (no redis-server)', resumableResult ? `${round(layer.p99 / resumableResult.p99, 2)}×` : '–']
      }),
    },
  ],
  targets: JOB_COUNTS.map(jobs => ({ name: `errors at ${jobs} jobs × ${VIEWERS_PER_JOB} viewers (layer)`, target: '0', measured: String(find('layer', jobs)!.errors), met: find('layer', jobs)!.errors === 0 })),
  notes: [
    'MB delivered counts bytes read from the viewers\' sockets while streaming (no gzip: the viewers do not send Accept-Encoding).',
    'The layer\'s CPU includes parsing the upstream SSE, the event log, the reducer and Nitro; the bare server does none of that (it generates the chunks itself), so its CPU/MB is the floor.',
    'resumable-stream sends one event per chunk (it has no batching), so it delivers more bytes per chunk; CPU per MB normalises that. Its CPU is the Node server plus redis-server.',
    'The paced upstream runs in its own process and the 2 × N viewers in the benchmark process, all on the same 2 cores as the server: at the largest N, latency includes queueing in the load generator for every system alike.',
  ],
  data: { results, streamSeconds: STREAM_SECONDS },
})
