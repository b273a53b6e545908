/**
 * In-process micro-harness of the layer's per-piece path (issue 17): the real engine on the memory
 * provider, the real chat runner and model round, the real chat-completion parser, and two real SSE
 * sinks per job writing into sockets that discard what they get — no HTTP, no upstream process.
 * Each tick every job is handed one upstream piece (the bytes a model sends, through the parser, in
 * the call a socket's `data` would make) and the clock moves 17 ms, so a 50 ms window holds about
 * three pieces, as in the fan-out benchmark. The clock is virtual (`performance.now`, `setTimeout`
 * and `setInterval` are replaced before the layer loads; `setImmediate` and `nextTick` stay real),
 * so a run is as fast as the CPU allows and the same every time.
 *
 *   node_modules/.bin/node --experimental-transform-types --no-warnings --import ./bench/lib/register-ts.mjs bench/micro-commit.ts
 *   env JOBS=100 PIECES=300 (per job) REPEAT=5 ROOTS=<checkout>,<checkout> (default: this one): several
 *   versions of the layer in one process, their rounds alternated (A/B under the same load)
 *   add --cpu-prof --cpu-prof-dir=<dir> and summarise with bench/lib/profile-summary.mjs;
 *   env ALLOC_PROFILE=<file.heapprofile>: where the last run's bytes were allocated (V8's sampling
 *   heap profiler with the objects collected since included: the churn, not only what stays)
 *
 * Prints µs of process CPU per upstream piece and per committed event for each repetition, the
 * heap bytes allocated per piece (from the collections' heap sizes, v8.GCProfiler: far steadier
 * than CPU time on a shared machine), and their medians; the first repetition warms up and is not
 * counted.
 */
import { Writable } from 'node:stream'
import { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { resolve as resolvePath } from 'node:path'
import { pathToFileURL } from 'node:url'
import { GCProfiler, getHeapStatistics } from 'node:v8'
import { Session } from 'node:inspector/promises'
import { writeFileSync } from 'node:fs'

const JOBS = Number(process.env.JOBS ?? 100)
const PIECES = Number(process.env.PIECES ?? 300)
const REPEAT = Number(process.env.REPEAT ?? 5)
const TICK_MS = 17

// --- a virtual clock for timers and performance.now (installed before the layer loads) ---
interface VirtualTimer { id: number, at: number, callback: () => void, every: number, live: boolean }
let virtualNow = 1_000
let nextTimerId = 1
const timers: VirtualTimer[] = []
function handle(timer: VirtualTimer) {
  return { timer, unref() { return this }, ref() { return this }, hasRef: () => false, refresh() { return this }, [Symbol.toPrimitive]: () => timer.id }
}
function schedule(callback: (...args: unknown[]) => void, delay: number, every: number, args: unknown[]) {
  const timer: VirtualTimer = { id: nextTimerId++, at: virtualNow + Math.max(0, Number(delay) || 0), callback: () => callback(...args), every, live: true }
  timers.push(timer)
  return handle(timer)
}
function cancel(value: unknown) {
  const timer = (value as { timer?: VirtualTimer } | undefined)?.timer
  if (timer) timer.live = false
}
globalThis.setTimeout = ((callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => schedule(callback, delay ?? 0, 0, args)) as unknown as typeof setTimeout
globalThis.setInterval = ((callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => schedule(callback, delay ?? 0, Math.max(1, delay ?? 1), args)) as unknown as typeof setInterval
globalThis.clearTimeout = cancel as typeof clearTimeout
globalThis.clearInterval = cancel as typeof clearInterval
performance.now = () => virtualNow
/** Moves the clock on by `ms`, running every timer due on the way, in time order. */
function advance(ms: number) {
  const until = virtualNow + ms
  for (;;) {
    let due: VirtualTimer | null = null
    for (let index = timers.length - 1; index >= 0; index--) {
      const timer = timers[index]!
      if (!timer.live) {
        timers.splice(index, 1)
        continue
      }
      if (timer.at <= until && (!due || timer.at < due.at || (timer.at === due.at && timer.id < due.id))) due = timer
    }
    if (!due) break
    virtualNow = Math.max(virtualNow, due.at)
    if (due.every > 0) due.at += due.every
    else due.live = false
    due.callback()
  }
  virtualNow = until
}
const turn = () => new Promise<void>(resolve => setImmediate(resolve))

// --- the layer, from each root ---
interface Layer {
  root: string
  createEngine: any
  createMemoryProvider: any
  resolveConfig: any
  createChatCompletionParser: any
  runChatJob: any
  createSseSink: any
  useMetrics: any
}
async function loadLayer(root: string): Promise<Layer> {
  const load = (path: string) => import(pathToFileURL(resolvePath(root, path)).href)
  return {
    root,
    ...await load('server/lib/engine.ts'),
    ...await load('server/lib/providers/memory.ts'),
    ...await load('server/lib/config.ts'),
    ...await load('server/lib/model/parse-stream.ts'),
    ...await load('server/lib/executor/run-chat-job.ts'),
    ...await load('server/lib/http/sse-sink.ts'),
    ...await load('server/lib/metrics.ts'),
  }
}

/** A socket that takes every write at once and keeps nothing. */
function discardingSocket(): Socket {
  const socket = new Writable({
    write(_chunk, _encoding, callback) {
      callback()
    },
    writev(_chunks, callback) {
      callback()
    },
  }) as unknown as Socket & { readable: boolean }
  Object.assign(socket, { readable: true, remoteAddress: '127.0.0.1', setNoDelay() {}, setTimeout() {}, setKeepAlive() {}, _handle: { writeQueueSize: 0 } })
  return socket
}

/** Text frames the sinks wrote (both viewers of a job count). */
let textFrames = 0

/** An SSE sink over a response whose socket discards (the route's `onSent` counter included). */
function memorySink(layer: Layer) {
  const socket = discardingSocket()
  const request = new IncomingMessage(socket)
  request.httpVersionMajor = 1
  request.httpVersionMinor = 1
  request.method = 'GET'
  const response = new ServerResponse(request)
  response.assignSocket(socket)
  const sink = layer.createSseSink(request, response, { compression: true, maxQueueBytes: 1_048_576 })
  const counter = layer.useMetrics().labeledCounter('events_sent_total', 'event')
  sink.onSent = (event: string) => {
    if (event === 'text-delta') textFrames++
    counter(event)
  }
  return sink
}

const encoder = new TextEncoder()
const WORDS = ['The ', 'quick ', 'brown ', 'fox ', 'jumps ', 'over ', 'the ', 'lazy ', 'dog, ', 'and ', 'then ', 'it ', 'runs.\n']
const piece = (index: number) => encoder.encode(`data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'bench', choices: [{ index: 0, delta: { content: WORDS[index % WORDS.length] }, finish_reason: null }] })}\n\n`)
const PIECE_BYTES = Array.from({ length: WORDS.length }, (_, index) => piece(index))
const DONE = encoder.encode(`data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'bench', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`)

/** The upstream of one job: the test feeds its bytes through the real parser into the round's `onEvent`. */
interface Feed { data(bytes: Uint8Array): void }
const feeds: Feed[] = []
const modelOf = (layer: Layer) => ({
  stream() {
    throw new Error('the harness pushes')
  },
  consume(_request: unknown, _signal: AbortSignal, onEvent: (event: unknown) => void) {
    return new Promise<void>((resolve) => {
      const parser = layer.createChatCompletionParser()
      feeds.push({
        data(bytes) {
          const events = parser.feed(bytes)
          for (let index = 0; index < events.length; index++) onEvent(events[index])
          if (parser.done) {
            for (const event of parser.end()) onEvent(event)
            resolve()
          }
        },
      })
    })
  },
})

async function round(layer: Layer) {
  feeds.length = 0
  textFrames = 0
  const config = layer.resolveConfig({ scripted: { enabled: true }, limits: { maxRunningJobs: JOBS * 2, maxJobsPerUser: JOBS * 2, maxStreamsPerUser: JOBS * 4 } })
  const model = modelOf(layer)
  const engine = layer.createEngine({
    provider: layer.createMemoryProvider(),
    getConfig: () => config,
    createModelClient: () => model,
    runners: { chat: layer.runChatJob, workflow: async () => {} },
    tools: { register() {}, get: () => undefined, list: () => [], toModelTools: () => [] },
    workflows: { get: () => undefined, list: () => [] },
  })
  const ids: string[] = []
  for (let index = 0; index < JOBS; index++) {
    const { job } = await engine.createJob(`u${index % 10}`, { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } })
    ids.push(job.id)
    for (let viewer = 0; viewer < 2; viewer++) await engine.attachViewer(`u${index % 10}`, job.id, memorySink(layer), null)
  }
  while (feeds.length < JOBS) await turn()
  const gcProfiler = new GCProfiler()
  gcProfiler.start()
  const heapAtStart = getHeapStatistics().used_heap_size
  const started = process.cpuUsage()
  for (let tick = 0; tick < PIECES; tick++) {
    for (let job = 0; job < JOBS; job++) feeds[job]!.data(PIECE_BYTES[(tick + job) % PIECE_BYTES.length]!)
    advance(TICK_MS)
    await turn()
  }
  for (const feed of feeds) feed.data(DONE)
  for (let step = 0; step < 10; step++) {
    advance(TICK_MS)
    await turn()
  }
  await Promise.all(ids.map(id => engine.whenSettled(id)))
  const used = process.cpuUsage(started)
  const heapAtEnd = getHeapStatistics().used_heap_size
  // Allocated = what each collection found (heap before it) minus what the previous one left.
  let allocated = 0
  let after = heapAtStart
  for (const collection of gcProfiler.stop()?.statistics ?? []) {
    allocated += collection.beforeGC.heapStatistics.usedHeapSize - after
    after = collection.afterGC.heapStatistics.usedHeapSize
  }
  allocated += heapAtEnd - after
  await engine.dispose()
  return { micros: used.user + used.system, textEvents: textFrames / 2, allocated }
}

const roots = (process.env.ROOTS ?? resolvePath(new URL('..', import.meta.url).pathname)).split(',').map(root => resolvePath(root))
const layers: Layer[] = []
for (const root of roots) layers.push(await loadLayer(root))
const results = layers.map(() => [] as number[])
const allocations = layers.map(() => [] as number[])
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const allocProfile = process.env.ALLOC_PROFILE
const inspector = allocProfile ? new Session() : null
inspector?.connect()
for (let repetition = 0; repetition <= REPEAT; repetition++) {
  if (inspector && repetition === REPEAT) await inspector.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
  // Each root once per repetition, the order turned round every time (neither always goes first).
  const order = layers.map((_, index) => index)
  if (repetition % 2 === 1) order.reverse()
  for (const index of order) {
    const { micros, textEvents, allocated } = await round(layers[index]!)
    const perPiece = micros / (JOBS * PIECES)
    if (repetition > 0) results[index]!.push(perPiece)
    if (repetition > 0) allocations[index]!.push(allocated / (JOBS * PIECES))
    console.log(`[micro-commit] ${repetition === 0 ? 'warm-up' : `run ${repetition}`} ${layers[index]!.root}: ${perPiece.toFixed(2)} µs CPU per piece, ${(micros / textEvents).toFixed(2)} per text event, ${(JOBS * PIECES / textEvents).toFixed(2)} pieces per event, ${Math.round(allocated / (JOBS * PIECES))} bytes allocated per piece`)
  }
}
if (inspector) {
  const { profile } = await inspector.post('HeapProfiler.stopSampling')
  writeFileSync(allocProfile!, JSON.stringify(profile))
  console.log(`[micro-commit] the last run's allocations: ${allocProfile}`)
}
console.log(`[micro-commit] ${JOBS} jobs × ${PIECES} pieces, 2 viewers each, ${REPEAT} runs after a warm-up`)
for (const [index, layer] of layers.entries()) {
  const values = results[index]!
  console.log(`[micro-commit] ${layer.root}: median ${median(values).toFixed(2)} µs per piece (min ${Math.min(...values).toFixed(2)}, max ${Math.max(...values).toFixed(2)}), allocated per piece median ${Math.round(median(allocations[index]!))} B (${Math.round(Math.min(...allocations[index]!))}–${Math.round(Math.max(...allocations[index]!))})`)
  // Each run against the first root's run of the same repetition (adjacent in time, so under the same load).
  if (index > 0) {
    const ratios = values.map((value, run) => value / results[0]![run]!)
    console.log(`[micro-commit]   ÷ ${layers[0]!.root}, run by run: median ${median(ratios).toFixed(3)} (${[...ratios].sort((a, b) => a - b).map(ratio => ratio.toFixed(2)).join(' ')})`)
  }
}
