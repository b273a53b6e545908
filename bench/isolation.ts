/**
 * What isolation costs per tool call: `executeToolCall` of the same trivial tool (the fixture
 * app's `fixture_word_count`) in-process and isolated, the isolated one running from the built
 * fixture app's worker chunk in a warm pool. Sequential calls (latency, not throughput), rounds
 * alternating the modes so both see the same machine load; p50 and p99 per call.
 */
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'
import { resolveConfig } from '../server/lib/config.ts'
import { executeToolCall } from '../server/lib/executor/execute-tool.ts'
import { createToolIsolation } from '../server/lib/isolation/tool-pool.ts'
import { defineTool } from '../server/utils/define-tool.ts'
import { createFakeRunContext } from '../tests/support/fake-run-context.ts'
import { unusedModel } from '../tests/support/engine-harness.ts'
import { ensureBuiltApp } from './lib/app.ts'
import { fullScale, report } from './lib/result.ts'
import { mean, percentile, round } from './lib/stats.ts'

const CALLS_PER_ROUND = fullScale ? 1000 : 200
const ROUNDS = 5
const WARM_UP_CALLS = 100

// The fixture app's tool (tests/fixtures/basic/server/tools/fixture_word_count.ts), for the in-process side.
const wordCount = defineTool({
  name: 'fixture_word_count',
  description: 'Counts the words of a text.',
  parameters: z.object({ text: z.string().default('one two three') }),
  execute: ({ text }) => ({ words: text.split(/\s+/).filter(Boolean).length }),
})

const PAYLOADS = [
  { name: '3 words', args: { text: 'one two three' } },
  { name: '10 KB of text', args: { text: 'lorem ipsum '.repeat(850) } },
]

const entry = ensureBuiltApp()
const workerUrl = pathToFileURL(join(dirname(entry), 'chunks/background-jobs/tool-worker.mjs')).href
const workerEntry = await import(workerUrl) as { toolNames: () => Promise<Array<string | undefined>> }
const config = resolveConfig({ tools: { isolated: wordCount.name }, isolation: { maxWorkers: 1, minWorkers: 1 } })
const isolation = createToolIsolation({ workerUrl: () => workerUrl, toolFiles: await workerEntry.toolNames(), getConfig: () => config })

const MODES = [
  { name: 'in-process', context: () => createFakeRunContext({ model: unusedModel, tools: [wordCount] }).context },
  { name: 'isolated (worker)', context: () => createFakeRunContext({ model: unusedModel, tools: [wordCount], config, isolation }).context },
]

/** Milliseconds per call of `calls` sequential calls. */
async function timeCalls(mode: typeof MODES[number], args: unknown, calls: number): Promise<number[]> {
  const context = mode.context()
  const durations: number[] = []
  for (let index = 0; index < calls; index++) {
    const began = performance.now()
    const outcome = await executeToolCall(context, { id: `c${index}`, name: wordCount.name, args, step: 1 })
    durations.push(performance.now() - began)
    if (outcome.status !== 'completed') throw new Error(`${mode.name}: ${outcome.error}`)
  }
  return durations
}

const rows: Array<{ payload: string, mode: string, p50: number, p99: number, mean: number }> = []
for (const payload of PAYLOADS) {
  for (const mode of MODES) await timeCalls(mode, payload.args, WARM_UP_CALLS)
  const samples = new Map<string, number[]>(MODES.map(mode => [mode.name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of MODES) samples.get(mode.name)!.push(...await timeCalls(mode, payload.args, CALLS_PER_ROUND))
  }
  for (const mode of MODES) {
    const values = samples.get(mode.name)!
    rows.push({ payload: payload.name, mode: mode.name, p50: percentile(values, 0.5), p99: percentile(values, 0.99), mean: mean(values) })
  }
}
await isolation.dispose()

const pick = (payload: string, mode: string) => rows.find(row => row.payload === payload && row.mode === mode)!
const overhead = PAYLOADS.map(payload => ({
  payload: payload.name,
  p50: pick(payload.name, MODES[1]!.name).p50 - pick(payload.name, MODES[0]!.name).p50,
  p99: pick(payload.name, MODES[1]!.name).p99 - pick(payload.name, MODES[0]!.name).p99,
}))

report({
  id: 'isolation',
  title: 'Tool isolation — cost of a call in a worker thread',
  tables: [{
    caption: `executeToolCall of fixture_word_count, ${ROUNDS * CALLS_PER_ROUND} sequential calls per row (after ${WARM_UP_CALLS} warm-up calls; one warm worker); milliseconds per call`,
    columns: ['arguments', 'mode', 'p50 ms', 'p99 ms', 'mean ms'],
    rows: rows.map(row => [row.payload, row.mode, round(row.p50, 3), round(row.p99, 3), round(row.mean, 3)]),
  }],
  targets: [{
    name: 'isolated call overhead at p50 (warm pool)',
    target: '≤ 1 ms (our bar)',
    measured: overhead.map(entry => `${round(entry.p50, 3)} ms (${entry.payload})`).join(', '),
    met: overhead.every(entry => entry.p50 <= 1),
  }],
  notes: ['Overhead = isolated minus in-process, per call: a structured-clone message each way, the worker re-parsing the arguments with the tool\'s schema, and the result crossing as JSON text.'],
  data: { rows, overhead, calls: ROUNDS * CALLS_PER_ROUND },
})
