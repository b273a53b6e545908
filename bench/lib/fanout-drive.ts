/**
 * The measuring part of the fan-out benchmarks (bench/fanout.ts, bench/multi-instance.ts): open
 * the gate, wait for every viewer to end (bounded), and charge the CPU of the server processes
 * (and redis-server where one is used) — never the benchmark's own — to the MB delivered.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { ThreadCpu } from './proc.ts'
import { cpuSeconds, machineTicks, threadCpu, threadCpuSince } from './proc.ts'
import type { SseViewer } from './sse-viewer.ts'
import { mapLimit, openViewer } from './sse-viewer.ts'
import { percentile } from './stats.ts'

/** One measured system at one size. */
export interface Measured {
  system: string
  jobs: number
  cpuSeconds: number
  megabytes: number
  /** Bytes read from the viewers' sockets while streaming. */
  wireBytes: number
  /** Pieces (stamped chunks) the viewers received: a job with 2 viewers delivers each chunk twice. */
  pieces: number
  /** Text frames the viewers received (pieces ÷ frames: how many pieces one frame carried). */
  textFrames: number
  p50: number
  p99: number
  /** Viewers that did not get every chunk exactly once, a `job-end`, or a 200. */
  errors: number
  /** Chunks a viewer should have had and did not. */
  lost: number
  /** Chunks a viewer got more than once (a stamp not larger than the one before it). */
  duplicated: number
  /** performance.now() when the streams started (to find the round in a CPU profile). */
  startedAtMs: number
  seconds: number
  /** CPU seconds of the load generator: this process (viewers) and, for the layer, the upstream process. */
  loadCpuSeconds: number
  /** Share of the machine's CPU time that was busy while streaming (everything on the box). */
  machineBusy: number
  /** The first charged process's CPU by thread while streaming (main thread user/system, V8 helpers). */
  threads: ThreadCpu[]
}

/** What a run hands to `drive`. */
export interface DriveOptions {
  system: string
  jobs: number
  viewers: SseViewer[]
  latencies: number[]
  /** Each latency's stamp (absolute ms), at the same index (`verboseStampTimes`): with it, the latency by second of the run is printed. */
  stampTimes?: number[]
  /** Processes charged for the work: the servers under test (and their Redis). */
  pids: number[]
  /** Chunks every viewer must receive. */
  chunkCount: number
  /** Starts the streams (opens the upstream gate, or tells the baseline to start). */
  start: () => Promise<void> | void
  /** Streams that could not even be set up. */
  setupErrors?: number
  /** Load-generator processes besides this one (the upstream). */
  loadPids?: number[]
  /** Longest the streams may take before the viewers are cut. */
  timeoutMs: number
}

/** The load generator's event-loop sampling interval (its lag is what a sample came later than this). */
const LOOP_RESOLUTION_MS = 5

/** With BENCH_VERBOSE, where a run keeps each latency's stamp (for the latency by second of the run); otherwise nothing is kept. */
export const verboseStampTimes = () => (process.env.BENCH_VERBOSE ? [] as number[] : undefined)

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passed (setup only, never measured). */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition()) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20))
}

/** Opens viewers on `urls` (a bounded number at a time); counts the ones that could not connect. */
export async function openViewers(urls: string[], latencies: number[], concurrency: number, options: { gzip?: boolean, stampTimes?: number[] } = {}): Promise<{ viewers: SseViewer[], setupErrors: number }> {
  let setupErrors = 0
  const opened = await mapLimit(urls, concurrency, async (url) => {
    try {
      return await openViewer(url, { latencies, gzip: options.gzip, stampTimes: options.stampTimes })
    }
    catch {
      setupErrors++
      return null
    }
  })
  return { viewers: opened.filter((viewer): viewer is SseViewer => viewer !== null), setupErrors }
}

/** Opens the gate, waits for every viewer to end (bounded), and measures. */
export async function drive(options: DriveOptions): Promise<Measured> {
  const { viewers, latencies, pids, chunkCount } = options
  const loadPids = [process.pid, ...(options.loadPids ?? [])]
  const wireBefore = viewers.reduce((sum, viewer) => sum + viewer.wireBytes(), 0)
  const cpuBeforeByPid = pids.map(pid => cpuSeconds(pid))
  const cpuBefore = cpuBeforeByPid.reduce((sum, value) => sum + value, 0)
  const loadBefore = loadPids.reduce((sum, pid) => sum + cpuSeconds(pid), 0)
  const machineBefore = machineTicks()
  const threadsBefore = threadCpu(pids[0]!)
  // With BENCH_VERBOSE, the load generator's own event loop (the viewers): where it stalls, every system's latency grows alike.
  const loadLoop = process.env.BENCH_VERBOSE ? monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS }) : null
  loadLoop?.enable()
  const startedAtMs = performance.now()
  await options.start()
  await Promise.race([Promise.all(viewers.map(viewer => viewer.ended)), new Promise(resolve => setTimeout(resolve, options.timeoutMs))])
  const seconds = (performance.now() - startedAtMs) / 1000
  if (loadLoop) {
    loadLoop.disable()
    const lagMs = (nanoseconds: number) => Math.max(0, nanoseconds / 1e6 - LOOP_RESOLUTION_MS).toFixed(1)
    console.log(`[bench] ${options.system} ${options.jobs}: load generator's event-loop lag p50 ${lagMs(loadLoop.percentile(50))} ms, p99 ${lagMs(loadLoop.percentile(99))} ms, max ${lagMs(loadLoop.max)} ms`)
  }
  if (options.stampTimes?.length) console.log(`[bench] ${options.system} ${options.jobs}: latency p50/p99 ms by second sent, ${latencyBySecond(latencies, options.stampTimes)}`)
  const cpuByPid = pids.map((pid, index) => cpuSeconds(pid) - cpuBeforeByPid[index]!)
  const cpu = cpuByPid.reduce((sum, value) => sum + value, 0)
  if (process.env.BENCH_VERBOSE) console.log(`[bench] ${options.system} ${options.jobs}: CPU s by process ${cpuByPid.map(value => value.toFixed(2)).join(' + ')}, load generator ${(loadPids.reduce((sum, pid) => sum + cpuSeconds(pid), 0) - loadBefore).toFixed(2)}`)
  const bytes = viewers.reduce((sum, viewer) => sum + viewer.wireBytes(), 0) - wireBefore
  const loadCpuSeconds = loadPids.reduce((sum, pid) => sum + cpuSeconds(pid), 0) - loadBefore
  const machineAfter = machineTicks()
  const threads = threadCpuSince(threadsBefore, threadCpu(pids[0]!))
  if (process.env.BENCH_VERBOSE) console.log(`[bench] ${options.system} ${options.jobs}: first process by thread ${[...threads.values()].map(thread => `${thread.name} ${thread.userSeconds.toFixed(2)}u+${thread.systemSeconds.toFixed(2)}s ${thread.wakeUps} wake-ups ${thread.preempted} preempted`).join(', ')}`)
  const machineBusy = (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total)
  const errors = (options.setupErrors ?? 0) + viewers.filter(viewer => viewer.error || viewer.status !== 200 || viewer.stamps !== chunkCount || viewer.repeatedStamps > 0 || (viewer.counts['job-end'] ?? 0) !== 1).length
  // The stamps of a stream strictly increase (bench/lib/pacer.ts): one not above its predecessor was
  // repeated, and a viewer with fewer distinct stamps than were sent lost the rest.
  const duplicated = viewers.reduce((sum, viewer) => sum + viewer.repeatedStamps, 0)
  const lost = viewers.reduce((sum, viewer) => sum + Math.max(0, chunkCount - (viewer.stamps - viewer.repeatedStamps)), 0)
  const pieces = viewers.reduce((sum, viewer) => sum + viewer.stamps, 0)
  const textFrames = viewers.reduce((sum, viewer) => sum + viewer.textFrameTimesMs.length, 0)
  for (const viewer of viewers) viewer.close()
  return { system: options.system, jobs: options.jobs, cpuSeconds: cpu, megabytes: bytes / 1e6, wireBytes: bytes, pieces, textFrames, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), errors, lost, duplicated, startedAtMs, seconds, loadCpuSeconds, machineBusy, threads }
}

/** Latency p50/p99 of the pieces sent in each second of the run (where in the run a tail is made). */
function latencyBySecond(latencies: number[], stampTimes: number[]): string {
  const firstMs = stampTimes.reduce((first, stampMs) => Math.min(first, stampMs), Number.POSITIVE_INFINITY)
  const buckets: number[][] = []
  for (let index = 0; index < latencies.length; index++) (buckets[Math.floor((stampTimes[index]! - firstMs) / 1000)] ??= []).push(latencies[index]!)
  return buckets.map((bucket, second) => `${second}: ${Math.round(percentile(bucket, 0.5))}/${Math.round(percentile(bucket, 0.99))}`).join(', ')
}

/** Server CPU seconds per MB delivered. */
export const cpuPerMegabyte = (result: Measured) => result.cpuSeconds / result.megabytes
