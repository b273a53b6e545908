/**
 * Telemetry overhead: the CPU the engine spends per job with no tracing SDK registered (the
 * OpenTelemetry API is then a no-op) and with one (a tracer provider with the AsyncLocalStorage
 * context manager and a batch span processor, as a Node app's SDK has, exporting to nowhere). In
 * one process: the engine on the memory provider, the real chat runner and a deterministic
 * in-process model — round 1 asks for two tools, round 2 streams 40 text deltas — so each job
 * makes 5 spans (job, 2 rounds, 2 tool calls). Modes are interleaved, REPEAT times each, after a
 * warm-up; CPU is `process.cpuUsage()` over a wave of JOBS jobs running at once.
 *
 *   node --expose-gc --experimental-transform-types --no-warnings --import ./bench/lib/register-ts.mjs bench/telemetry.ts
 *   (or `npm run bench -- telemetry`); env JOBS=400 REPEAT=5
 */
import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base'
import { z } from 'zod'
import type { BackgroundJobsConfigInput } from '../server/lib/config.ts'
import { resolveConfig } from '../server/lib/config.ts'
import { createEngine } from '../server/lib/engine.ts'
import { runChatJob } from '../server/lib/executor/run-chat-job.ts'
import type { ModelClient, ModelEvent } from '../server/lib/model/types.ts'
import { createMemoryProvider } from '../server/lib/providers/memory.ts'
import { createToolRegistry } from '../server/lib/tools/registry.ts'
import type { AnyToolDefinition } from '../server/lib/tools/types.ts'
import { withChildSpan } from '../server/lib/telemetry/child-span.ts'
import { startJobTrace } from '../server/lib/telemetry/job-trace.ts'
import { emptyMetrics } from '../shared/events.ts'
import type { JobEvent } from '../shared/events.ts'
import { fullScale, report } from './lib/result.ts'
import { round } from './lib/stats.ts'

const JOBS = Number(process.env.JOBS ?? (fullScale ? 1_000 : 400))
const REPEAT = Number(process.env.REPEAT ?? 5)
const DELTAS = 40

/** Round 1: two tool calls; round 2: DELTAS text deltas. No timers, no sockets. */
const model: ModelClient = {
  scripted: false,
  async* stream(request): AsyncIterable<ModelEvent> {
    if (!request.messages.some(message => message.role === 'tool')) {
      yield { type: 'tool-call', call: { id: 'a', name: 'add', arguments: '{"a":1,"b":2}' } }
      yield { type: 'tool-call', call: { id: 'b', name: 'echo', arguments: '{"text":"hi"}' } }
      yield { type: 'finish', finishReason: 'tool_calls' }
      return
    }
    for (let index = 0; index < DELTAS; index++) yield { type: 'text-delta', text: `word${index} ` }
    yield { type: 'usage', usage: { prompt: 40, completion: 40, total: 80 } }
    yield { type: 'finish', finishReason: 'stop' }
  },
}

const tools = createToolRegistry([
  { name: 'add', description: 'adds', parameters: z.object({ a: z.number(), b: z.number() }), execute: ({ a, b }: { a: number, b: number }) => a + b },
  { name: 'echo', description: 'echoes', parameters: z.object({ text: z.string() }), execute: ({ text }: { text: string }) => text },
] as AnyToolDefinition[])

/** Counts what would be exported, and drops it. */
let exported = 0
const exporter: SpanExporter = {
  export(spans: ReadableSpan[], done) {
    exported += spans.length
    done({ code: 0 })
  },
  shutdown: async () => {},
}

interface Mode { name: string, config: BackgroundJobsConfigInput, sdk: boolean }
const MODES: Mode[] = [
  { name: 'no SDK (API no-op)', config: {}, sdk: false },
  { name: 'SDK registered, spans recorded', config: {}, sdk: true },
  { name: 'SDK registered, telemetry.enabled = false', config: { telemetry: { enabled: false } }, sdk: true },
]

let provider: BasicTracerProvider | null = null
async function useSdk(on: boolean) {
  if (provider) {
    await provider.shutdown()
    trace.disable()
    context.disable()
    provider = null
  }
  if (!on) return
  provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 100_000, maxExportBatchSize: 512, scheduledDelayMillis: 200 })] })
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  trace.setGlobalTracerProvider(provider)
}

interface Sample { mode: string, cpuMicrosPerJob: number, spansPerJob: number }

const gc = (globalThis as { gc?: () => void }).gc

async function wave(mode: Mode): Promise<Sample> {
  await useSdk(mode.sdk)
  // A collection before each wave, so one mode does not pay for the garbage of the one before.
  gc?.()
  // The model is the in-process fake below; the engine only needs some model configured to accept jobs.
  const config = resolveConfig({ ...mode.config, scripted: { enabled: true }, stream: { batchWindowMs: 0 }, limits: { maxConcurrentJobs: 1_000_000, maxConcurrentJobsPerUser: 1_000_000 } })
  const engine = createEngine({ provider: createMemoryProvider({ maxJobs: JOBS * 2 }), getConfig: () => config, createModelClient: () => model, runners: { chat: runChatJob }, tools, workflows: { get: () => undefined, list: () => [] } })
  exported = 0
  const before = process.cpuUsage()
  const ids = await Promise.all(Array.from({ length: JOBS }, async (_, index) => (await engine.createJob(`user-${index % 50}`, { request: { type: 'chat', messages: [{ role: 'user', content: 'bench' }] } })).job.id))
  await Promise.all(ids.map(id => engine.whenSettled(id)))
  await provider?.forceFlush()
  const cpu = process.cpuUsage(before)
  const failed = (await Promise.all(ids.map(async (id, index) => (await engine.getJob(`user-${index % 50}`, id)).state.status))).filter(status => status !== 'completed')
  if (failed.length) throw new Error(`${failed.length} jobs did not complete (${failed[0]})`)
  await engine.dispose()
  return { mode: mode.name, cpuMicrosPerJob: (cpu.user + cpu.system) / JOBS, spansPerJob: exported / JOBS }
}

/**
 * The tracing calls one job makes, alone, with no SDK: start the job trace, run the runner in it,
 * 4 step wrappers (2 rounds, 2 tools), one `observe` per committed event, end. Microseconds per job.
 */
function noopPathMicros(iterations: number): number {
  const config = resolveConfig()
  const job = { id: 'job', userId: 'user', type: 'chat' as const, request: { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'bench' }] } }
  const events = Array.from({ length: DELTAS + 10 }, (_, index): JobEvent => ({ type: 'text-delta', offset: index, text: 'x', seq: index + 1, at: index }))
  const resolved = Promise.resolve(null)
  const work = () => resolved
  const attributes = () => ({})
  const before = process.cpuUsage()
  for (let iteration = 0; iteration < iterations; iteration++) {
    const jobTrace = startJobTrace(job, config)
    void jobTrace.run('model', work)
    for (let step = 0; step < 4; step++) void withChildSpan('step', attributes, work)
    for (const event of events) jobTrace.observe(event)
    jobTrace.end({ status: 'completed' }, emptyMetrics(), '')
  }
  const cpu = process.cpuUsage(before)
  return (cpu.user + cpu.system) / iterations
}

const median = (values: number[]) => [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)]!

for (const mode of MODES) await wave(mode) // warm-up
const samples: Sample[] = []
for (let repeat = 0; repeat < REPEAT; repeat++) {
  for (const mode of MODES) {
    const sample = await wave(mode)
    console.log(`[telemetry] ${mode.name}: ${sample.cpuMicrosPerJob.toFixed(0)} µs CPU per job, ${sample.spansPerJob} spans per job`)
    samples.push(sample)
  }
}
await useSdk(false)
noopPathMicros(20_000) // warm-up
const noopMicros = median(Array.from({ length: 5 }, () => noopPathMicros(100_000)))
console.log(`[telemetry] tracing calls with no SDK: ${noopMicros.toFixed(2)} µs per job`)

const rows = MODES.map(({ name }) => {
  const mine = samples.filter(sample => sample.mode === name).map(sample => sample.cpuMicrosPerJob)
  return { name, median: median(mine), min: Math.min(...mine), max: Math.max(...mine), spans: samples.find(sample => sample.mode === name)!.spansPerJob }
})
const baseline = rows[0]!.median
const traced = rows[1]!

report({
  id: 'telemetry',
  title: 'Telemetry — CPU per job with and without a tracing SDK (one process)',
  tables: [{
    caption: `${JOBS} chat jobs at once per wave (2 model rounds, 2 tool calls, ${DELTAS} text deltas each; memory provider, no viewers), ${REPEAT} waves per mode, interleaved, after a warm-up`,
    columns: ['mode', 'CPU µs/job (median)', 'min–max', 'vs no SDK', 'spans/job'],
    rows: rows.map(row => [row.name, round(row.median, 0), `${round(row.min, 0)}–${round(row.max, 0)}`, row === rows[0] ? '–' : `${row.median >= baseline ? '+' : ''}${round(100 * (row.median - baseline) / baseline, 1)} %`, round(row.spans, 1)]),
  }],
  targets: [
    { name: 'every traced job exported its 5 spans', target: '5 spans/job', measured: `${round(traced.spans, 1)} spans/job`, met: traced.spans === 5 },
    { name: 'tracing calls without an SDK', target: '< 1 % of a job\'s CPU', measured: `${round(noopMicros, 2)} µs/job (${round(100 * noopMicros / baseline, 2)} %)`, met: noopMicros < baseline / 100 },
  ],
  notes: [
    'CPU is the whole process: engine, executor, memory provider, the in-process model and tools — no network. With a real upstream, a job costs far more (see the model client and fan-out sections), so the tracing share of a real job is smaller than here.',
    '"SDK registered" includes what any Node SDK adds to every async operation (the AsyncLocalStorage context manager) and the batch span processor; exporting is a no-op here, so an OTLP exporter\'s serialisation and network cost come on top, off the job\'s path.',
  ],
  data: { rows, baseline, jobs: JOBS, noopMicros },
})
