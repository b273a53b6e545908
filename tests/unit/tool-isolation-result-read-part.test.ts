/**
 * An isolated tool's result is cut in its worker to what the server uses of it. The limit was the
 * same for every call, a workflow tool node's 4 MiB: a model's call of a tool that returned 1 MB
 * had the whole MB received and parsed in the server's thread (and stringified again), of which the
 * model reads `limits.maxResultBytes` (50 KB), its event 4 KB and a trace `telemetry.maxContentChars`.
 * A model's call now takes only what those read; the model, the event and the trace get exactly
 * what they get in-process. Real worker threads.
 */
import { trace } from '@opentelemetry/api'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { utf8ByteLength } from '../../server/lib/bytes'
import { resolveConfig } from '../../server/lib/config'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { createFakeRunContext } from '../support/fake-run-context'
import { useIsolationPools } from '../support/isolation-pools'
import { ISOLATION_TEST_TOOLS } from '../support/isolation-tools'
import { createStepModel, textStep, toolStep } from '../support/step-model'
import type { TestTracing } from '../support/tracing'
import { useTracingPerTest } from '../support/tracing'

const pools = useIsolationPools()
const useTracing = useTracingPerTest()
let tracing: TestTracing
beforeEach(() => {
  tracing = useTracing()
})
afterEach(() => vi.restoreAllMocks())
const BYTES = 1024 * 1024

/** One chat round calling `big_result`, in-process or isolated: what the model was sent next, the event, the stored result, the span's output, and the most the server parsed. */
async function chatRound(isolated: boolean, input: BackgroundJobsConfigInput = {}) {
  const config = resolveConfig({ ...input, ...(isolated ? { tools: { isolated: 'big_result' } } : {}), isolation: { maxWorkers: 1, minWorkers: 1 } })
  const model = createStepModel([toolStep([{ id: 'b1', name: 'big_result', args: { bytes: BYTES } }]), textStep('Done.')])
  const run = createFakeRunContext({ model, tools: ISOLATION_TEST_TOOLS, config, ...(isolated ? { isolation: pools.pool(config) } : {}) })
  const parse = vi.spyOn(JSON, 'parse')
  await trace.getTracer('test').startActiveSpan('job', async (job) => {
    await runAgentLoop(run.context, { messages: [{ role: 'user', content: 'Go.' }] })
    job.end()
  })
  const parsed = Math.max(0, ...parse.mock.calls.map(([text]) => (typeof text === 'string' ? utf8ByteLength(text) : 0)))
  parse.mockRestore()
  const [result] = run.eventsOf('tool-result')
  const span = tracing.named('background_jobs.tool_call').at(-1)?.attributes['background_jobs.content.output']
  return { seen: { sent: model.requests[1]!.messages.at(-1), result: { ...result, at: 0, durationMs: 0 }, stored: run.state().toolCalls[0]!.result, span }, parsed }
}

it('a model\'s call of a 1 MB result: the server parses about what the model reads, and every reader sees what it sees in-process', async () => {
  const inProcess = await chatRound(false)
  const isolated = await chatRound(true)
  expect(isolated.seen).toEqual(inProcess.seen)
  expect((isolated.seen.sent as { content: string }).content).toContain('[truncated: ')
  expect(isolated.parsed).toBeLessThanOrEqual(resolveConfig({}).limits.maxResultBytes + 3)
})

it('with content traced, the span gets as much as in-process, and the server parses no more than that needs', async () => {
  const input = { telemetry: { recordContent: true, maxContentChars: 20_000 } }
  const inProcess = await chatRound(false, input)
  const isolated = await chatRound(true, input)
  expect(isolated.seen).toEqual(inProcess.seen)
  expect(String(isolated.seen.span)).toHaveLength(20_001)
  expect(isolated.parsed).toBeLessThanOrEqual((20_000 + 2) * 6 + 3)
})
