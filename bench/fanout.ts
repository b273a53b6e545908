/**
 * P4 — fan-out. N concurrent streams × 2 viewers, each stream relaying one paced upstream
 * response (stamped pieces at 50/s) over real HTTP. Every system reads the same upstream process
 * over the same kind of HTTP client, so they differ only in what they do between the upstream
 * and the viewers. Per system, from one run: server CPU per delivered piece (from /proc, so the
 * load generator is not charged), bytes on the wire per delivered piece, p50/p99 delivery
 * latency, lost and duplicated pieces. Systems:
 *   layer      — the built app, memory provider;
 *   bare relay — node:http, the same batching, minimal frames (bench/lib/bare-relay.ts);
 *   resumable  — vercel/resumable-stream + a real redis-server (bench/lib/resumable-server.ts).
 * With BENCH_BEFORE_APP=<path to a built server/index.mjs> an older build of the layer runs too
 * (before/after in one run).
 */
import { fileURLToPath } from 'node:url'
import type { ServerProcess } from './lib/app.ts'
import { appNodeArgs, startApp, startServerProcess, UNLIMITED_ENV } from './lib/app.ts'
import type { Measured as Driven } from './lib/fanout-drive.ts'
import { drive as measure, openViewers, verboseStampTimes, waitUntil } from './lib/fanout-drive.ts'
import { startRedis } from './lib/redis.ts'
import { fullScale, report } from './lib/result.ts'
import type { SseViewer } from './lib/sse-viewer.ts'
import { createUser, mapLimit } from './lib/sse-viewer.ts'
import type { UpstreamProcess } from './lib/upstream-process.ts'
import { startUpstreamProcess, TS_ARGS } from './lib/upstream-process.ts'
import { round } from './lib/stats.ts'

const JOB_COUNTS = process.env.BENCH_FANOUT_JOBS ? process.env.BENCH_FANOUT_JOBS.split(',').map(Number) : fullScale ? [100, 500, 1000, 2000] : [100, 500, 1000]
const VIEWERS_PER_JOB = 2
const CHUNKS_PER_SECOND = 50
const STREAM_SECONDS = Number(process.env.BENCH_FANOUT_SECONDS ?? (fullScale ? 10 : 6))
const CHUNK_COUNT = CHUNKS_PER_SECOND * STREAM_SECONDS
const BATCH_WINDOW_MS = 50
/** For profiling and quick looks: BENCH_FANOUT_SYSTEMS=layer,relay (also resumable, gzip); the ratios need layer and relay. */
const SYSTEMS = new Set((process.env.BENCH_FANOUT_SYSTEMS ?? 'layer,relay,resumable,gzip').split(','))
const SETUP_CONCURRENCY = 25
/** The size at which bytes per piece are compared (small batches: per-frame overhead dominates). */
const BYTES_AT_JOBS = JOB_COUNTS[0]!
const BYTES_RATIO_TARGET = 1.5
const P99_RATIO_TARGET = 1.2
const CPU_RATIO_TARGET = 1.0

/** One round: the shared measuring (bench/lib/fanout-drive.ts) plus the encoding the viewers asked for. */
interface Measured extends Driven {
  gzip: boolean
}

/** Waits for every viewer's snapshot and every upstream request, opens the gate, measures. */
async function drive(system: string, jobs: number, gzip: boolean, viewers: SseViewer[], latencies: number[], pids: number[], setupErrors: number, stampTimes?: number[]): Promise<Measured> {
  await waitUntil(async () => viewers.every(viewer => (viewer.counts.snapshot ?? 0) > 0) && (await upstream.waiting()) >= jobs - setupErrors, 60_000)
  const result = await measure({ system, jobs, viewers, latencies, stampTimes, pids, setupErrors, loadPids: [upstream.pid], chunkCount: CHUNK_COUNT, timeoutMs: STREAM_SECONDS * 1000 * 6 + 30_000, start: async () => { await upstream.open() } })
  await upstream.closeGate()
  const profiledSince = processStartedAtMs.get(pids[0]!)
  if (profiledSince !== undefined) console.log(`[bench] ${system}, ${jobs} streams: profile span --from=${((result.startedAtMs - profiledSince) / 1000).toFixed(1)} --to=${((result.startedAtMs - profiledSince) / 1000 + result.seconds).toFixed(1)}`)
  return { ...result, gzip }
}

async function runLayer(system: string, app: ServerProcess, jobs: number, gzip: boolean): Promise<Measured> {
  const user = await createUser(app.url)
  const latencies: number[] = []
  const stampTimes = verboseStampTimes()
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
  const viewers = await mapLimit(streams, SETUP_CONCURRENCY, url => user.stream(url, { latencies, stampTimes, gzip }))
  return await drive(system, jobs, gzip, viewers, latencies, [app.pid], setupErrors, stampTimes)
}

async function runRelay(server: ServerProcess, jobs: number, gzip: boolean): Promise<Measured> {
  const latencies: number[] = []
  const stampTimes = verboseStampTimes()
  const started = await fetch(`${server.url}/jobs?count=${jobs}&windowMs=${BATCH_WINDOW_MS}&upstream=${encodeURIComponent(upstream.url)}`, { method: 'POST' })
  const ids = await started.json() as string[]
  const streams = ids.flatMap(id => Array.from({ length: VIEWERS_PER_JOB }, () => `${server.url}/stream/${id}`))
  const { viewers, setupErrors } = await openViewers(streams, latencies, SETUP_CONCURRENCY, { gzip, stampTimes })
  return await drive('bare relay', jobs, gzip, viewers, latencies, [server.pid], setupErrors, stampTimes)
}

async function runResumable(server: ServerProcess, redisPid: number, jobs: number): Promise<Measured> {
  const latencies: number[] = []
  const prepared = await fetch(`${server.url}/prepare?jobs=${jobs}&run=${jobs}-${Date.now()}&upstream=${encodeURIComponent(upstream.url)}`, { method: 'POST' })
  const ids = await prepared.json() as string[]
  const streams = ids.flatMap(id => Array.from({ length: VIEWERS_PER_JOB }, () => `${server.url}/stream/${id}`))
  const { viewers, setupErrors } = await openViewers(streams, latencies, SETUP_CONCURRENCY)
  return await drive('resumable-stream + Redis', jobs, false, viewers, latencies, [server.pid, redisPid], setupErrors)
}

const results: Measured[] = []
/** When each profiled server process was started (its CPU profile's time zero, roughly), by pid. */
const processStartedAtMs = new Map<number, number>()
async function profiled(start: () => Promise<ServerProcess>, profiling: boolean): Promise<ServerProcess> {
  const startedAtMs = performance.now()
  const server = await start()
  if (profiling) processStartedAtMs.set(server.pid, startedAtMs)
  return server
}
const upstream = await startUpstreamProcess()
await upstream.setPace({ chunksPerSecond: CHUNKS_PER_SECOND, chunkCount: CHUNK_COUNT })
// Compression on: viewers that send Accept-Encoding: gzip get it, the others identity.
const appEnv = { NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url, NUXT_BACKGROUND_JOBS_STREAM_BATCH_WINDOW_MS: String(BATCH_WINDOW_MS) }
const app = SYSTEMS.has('layer') || SYSTEMS.has('gzip') ? await profiled(() => startApp(appEnv), appNodeArgs().length > 0) : null
const before = process.env.BENCH_BEFORE_APP ? await profiled(() => startServerProcess(process.env.BENCH_BEFORE_APP!, { ...UNLIMITED_ENV, ...appEnv }, '/api/jobs/catalog', appNodeArgs()), appNodeArgs().length > 0) : null
const relayProfile = process.env.BENCH_CPU_PROF_RELAY ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_RELAY}`] : []
const relay = await profiled(() => startServerProcess(fileURLToPath(new URL('./lib/bare-relay.ts', import.meta.url)), {}, '/health', [...TS_ARGS, ...relayProfile]), relayProfile.length > 0)
const redis = SYSTEMS.has('resumable') ? await startRedis() : null
const resumable = redis
  ? await startServerProcess(fileURLToPath(new URL('./lib/resumable-server.ts', import.meta.url)), { REDIS_URL: redis.url }, '/health', TS_ARGS)
  : null
try {
  for (const jobs of JOB_COUNTS) {
    if (app && SYSTEMS.has('layer')) results.push(await runLayer('layer', app, jobs, false))
    if (before) results.push(await runLayer('layer (before)', before, jobs, false))
    if (SYSTEMS.has('relay')) results.push(await runRelay(relay, jobs, false))
    if (resumable && redis) results.push(await runResumable(resumable, redis.pid, jobs))
    if (app && jobs === BYTES_AT_JOBS && SYSTEMS.has('gzip')) {
      results.push(await runLayer('layer', app, jobs, true))
      results.push(await runRelay(relay, jobs, true))
    }
    console.log(`[bench] fan-out ${jobs} streams done`)
  }
}
finally {
  await app?.stop()
  await before?.stop()
  await relay.stop()
  await resumable?.stop()
  await redis?.stop()
  await upstream.stop()
}

if (!SYSTEMS.has('layer') || !SYSTEMS.has('relay') || !SYSTEMS.has('gzip')) {
  for (const result of results) console.log(JSON.stringify(result))
  process.exit(0)
}

const cpuPerPiece = (result: Measured) => result.cpuSeconds * 1e6 / result.pieces
const bytesPerPiece = (result: Measured) => result.wireBytes / result.pieces
const find = (system: string, jobs: number, gzip = false) => results.find(result => result.system === system && result.jobs === jobs && result.gzip === gzip)
const ratio = (value: number) => `${round(value, 2)}×`
const layerAt = (jobs: number) => find('layer', jobs)!
const relayAt = (jobs: number) => find('bare relay', jobs)!
const largest = JOB_COUNTS.at(-1)!
const bytesRatio = bytesPerPiece(layerAt(BYTES_AT_JOBS)) / bytesPerPiece(relayAt(BYTES_AT_JOBS))
const gzipRatio = bytesPerPiece(find('layer', BYTES_AT_JOBS, true)!) / bytesPerPiece(find('bare relay', BYTES_AT_JOBS, true)!)
const p99Ratio = layerAt(largest).p99 / relayAt(largest).p99
const baselines = ['bare relay', ...(before ? ['layer (before)'] : []), ...(resumable ? ['resumable-stream + Redis'] : [])]
report({
  id: 'fanout',
  title: 'P4 — fan-out: N streams × 2 viewers at 50 pieces/s',
  tables: [
    {
      caption: `Each stream relays ${STREAM_SECONDS} s of one upstream response (${CHUNK_COUNT} pieces of ~21 chars) to ${VIEWERS_PER_JOB} viewers; CPU is the server process (+ redis-server for resumable-stream) while streaming`,
      columns: ['streams', 'system', 'encoding', 'pieces delivered', 'pieces per frame', 'bytes per piece', 'CPU µs per piece', 'latency p50 (ms)', 'p99 (ms)', 'lost', 'duplicated', 'errors', 'wall s', 'load-gen CPU s', 'machine busy'],
      rows: results.map(result => [String(result.jobs), result.system, result.gzip ? 'gzip' : 'identity', String(result.pieces), round(result.pieces / result.textFrames, 2), round(bytesPerPiece(result), 1), round(cpuPerPiece(result), 1), round(result.p50), round(result.p99), String(result.lost), String(result.duplicated), String(result.errors), round(result.seconds, 1), round(result.loadCpuSeconds, 2), `${round(100 * result.machineBusy, 0)} %`]),
    },
    {
      caption: 'Ratios (layer ÷ baseline, same run; lower is better for all three)',
      columns: ['streams', 'baseline', 'bytes per piece', 'CPU per piece', 'p99 latency'],
      rows: JOB_COUNTS.flatMap(jobs => baselines.filter(system => find(system, jobs)).map((system) => {
        const layer = layerAt(jobs)
        const other = find(system, jobs)!
        return [String(jobs), system, ratio(bytesPerPiece(layer) / bytesPerPiece(other)), ratio(cpuPerPiece(layer) / cpuPerPiece(other)), ratio(layer.p99 / other.p99)]
      })),
    },
  ],
  targets: [
    { name: `bytes per delivered piece at ${BYTES_AT_JOBS} streams vs the bare relay (identity)`, target: `≤ ${BYTES_RATIO_TARGET}×`, measured: `${ratio(bytesRatio)} (${round(bytesPerPiece(layerAt(BYTES_AT_JOBS)), 1)} vs ${round(bytesPerPiece(relayAt(BYTES_AT_JOBS)), 1)} B; gzip: ${ratio(gzipRatio)})`, met: bytesRatio <= BYTES_RATIO_TARGET, issue: 17 },
    { name: `p99 delivery latency at ${largest} streams × ${VIEWERS_PER_JOB} viewers vs the bare relay`, target: `≤ ${P99_RATIO_TARGET}×, 0 lost, 0 duplicated`, measured: `${ratio(p99Ratio)} (${round(layerAt(largest).p99)} vs ${round(relayAt(largest).p99)} ms), ${layerAt(largest).lost} lost, ${layerAt(largest).duplicated} duplicated`, met: p99Ratio <= P99_RATIO_TARGET && layerAt(largest).lost === 0 && layerAt(largest).duplicated === 0, issue: 17 },
    ...JOB_COUNTS.map((jobs) => {
      const value = cpuPerPiece(layerAt(jobs)) / cpuPerPiece(relayAt(jobs))
      return { name: `CPU per delivered piece at ${jobs} streams vs the bare relay`, target: `≤ ${CPU_RATIO_TARGET}×`, measured: `${ratio(value)} (${round(cpuPerPiece(layerAt(jobs)), 1)} vs ${round(cpuPerPiece(relayAt(jobs)), 1)} µs)`, met: value <= CPU_RATIO_TARGET, issue: 17 }
    }),
    ...JOB_COUNTS.map(jobs => ({ name: `errors at ${jobs} streams × ${VIEWERS_PER_JOB} viewers (layer)`, target: '0', measured: String(layerAt(jobs).errors), met: layerAt(jobs).errors === 0, issue: 7 })),
  ],
  notes: [
    'A piece is one upstream chunk reaching one viewer (a stream of 2 viewers delivers each chunk twice). Bytes are read from the viewers\' sockets while streaming (HTTP chunk framing included); "pieces per frame" is how many pieces one text frame carried on average.',
    'Lost and duplicated pieces are checked per viewer from the stamps: every stamp of a stream is larger than the one before, so a stamp not larger than its predecessor was delivered again (or out of order), and a viewer that got fewer distinct stamps than the upstream sent lost some.',
    'Every system reads the same upstream process over node:http; the bare relay does only what any relay must (read the upstream, parse its SSE and JSON, batch in the same 50 ms window with the same leading edge, write `id:` + the text); the layer also keeps the event log, reduces the state, writes behind to its provider and runs Nitro, routing, ownership checks and metrics.',
    'resumable-stream sends one event per piece (it has no batching), so it sends more frames; every piece costs one Redis PUBLISH per viewer. Its CPU is the Node server plus redis-server.',
    'The upstream runs in its own process and the 2 × N viewers in the benchmark process, all on the same 2 cores as the server: at the largest N, latency includes queueing in the load generator for every system alike.',
    'CPU per piece compares fairly only while both systems keep up (p50 near half a window, about 3 pieces per frame at 50 pieces/s): a system that falls behind sends bigger frames and so spends less per piece while its latency grows. Read "pieces per frame" next to it; where the two differ a lot, the machine (or the system) was saturated.',
  ],
  data: { results, streamSeconds: STREAM_SECONDS, bytesAtJobs: BYTES_AT_JOBS },
})
