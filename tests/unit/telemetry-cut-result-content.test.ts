/**
 * An isolated tool's result too large to be used whole is cut in its worker (`ToolCallOutcome.cut`:
 * the first bytes of its JSON). Its tool span's content came from that JSON as it is, so a string
 * result read `"line one\nline two…` — quoted and escaped — where the same result in-process reads
 * as its text (`contentValue` does not quote a string). The span now shows the same either way.
 */
import { trace } from '@opentelemetry/api'
import { beforeEach, expect, it } from 'vitest'
import { truncateUtf8 } from '../../server/lib/bytes'
import type { ToolCallOutcome } from '../../server/lib/executor/execute-tool'
import { traceToolCall } from '../../server/lib/telemetry/step-spans'
import { MAX_NODE_END_BYTES } from '../../server/lib/workflows/recorded-output'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel } from '../support/step-model'
import { useTracingPerTest } from '../support/tracing'
import type { TestTracing } from '../support/tracing'

const useTracing = useTracingPerTest()
let tracing: TestTracing
beforeEach(() => {
  tracing = useTracing()
})

/** The tool span's content for `outcome` (a completed call of `read_file`). */
async function spanContent(outcome: Omit<ToolCallOutcome, 'id' | 'name' | 'status' | 'durationMs'>) {
  const run = createFakeRunContext({ model: createStepModel([]), config: { telemetry: { recordContent: true, maxContentChars: 100 } } })
  const call = { id: 'c1', name: 'read_file', args: {}, step: 1 }
  // A tool span is a child of its job's.
  await trace.getTracer('test').startActiveSpan('job', async (job) => {
    await traceToolCall(run.context, call, async () => ({ id: 'c1', name: 'read_file', status: 'completed', durationMs: 1, ...outcome }))
    job.end()
  })
  return tracing.named('background_jobs.tool_call').at(-1)!.attributes['background_jobs.content.output']
}

/** What the worker sends for a result over the server's limit (worker-runtime.ts `resultAnswer`). */
function cutInWorker(result: unknown) {
  const json = JSON.stringify(result)
  return { json: truncateUtf8(json, MAX_NODE_END_BYTES), bytes: Buffer.byteLength(json) }
}

it('a string result cut in its worker reads on its span as the same string in-process: its text, not its JSON', async () => {
  const text = `line one\n"quoted" é \u{1F600} ${'x'.repeat(5 * 1024 * 1024)}`
  const inProcess = await spanContent({ result: text })
  expect(inProcess).toBe(`${text.slice(0, 100)}…`)
  expect(await spanContent({ result: null, cut: cutInWorker(text) })).toBe(inProcess)
})

it('any other result cut in its worker reads as in-process too (its JSON)', async () => {
  const rows = { rows: Array.from({ length: 200_000 }, (_, index) => ({ index, text: 'é'.repeat(12) })) }
  expect(await spanContent({ result: null, cut: cutInWorker(rows) })).toBe(await spanContent({ result: rows }))
})
