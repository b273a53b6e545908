/**
 * An isolated tool that returns tens of MB of JSON: its worker built it, but the server's thread
 * received it whole and parsed it (and stringified it again for the model) — about a second with
 * every job and viewer of the instance stalled, for a result of which the model reads at most
 * `limits.maxResultBytes` and a workflow's tool node fails past 4 MiB. The worker now sends only
 * what can be used (`maxIsolatedResultBytes`) and the whole size; the model, the `tool-result`
 * event and a tool node see exactly what they see in-process, where the result is kept only as far
 * too (it was parsed back whole after it was written, then written again for the model). Real worker threads.
 */
import { afterEach, expect, it, vi } from 'vitest'
import { utf8ByteLength } from '../../server/lib/bytes'
import { resolveConfig } from '../../server/lib/config'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { checkRecordedBytes, checkRecordedSize, MAX_NODE_END_BYTES } from '../../server/lib/workflows/recorded-output'
import { createFakeRunContext } from '../support/fake-run-context'
import { useIsolationPools } from '../support/isolation-pools'
import { ISOLATION_TEST_TOOLS } from '../support/isolation-tools'
import { createStepModel, textStep, toolStep } from '../support/step-model'

const pools = useIsolationPools()
afterEach(() => vi.restoreAllMocks())
const BYTES = 6 * 1024 * 1024

/** One chat round calling `big_result`, in-process or isolated: what the model was sent next, and the events. */
async function chatRound(isolated: boolean) {
  const config = resolveConfig({ ...(isolated ? { tools: { isolated: 'big_result' } } : {}), isolation: { maxWorkers: 1, minWorkers: 1 } })
  const model = createStepModel([toolStep([{ id: 'b1', name: 'big_result', args: { bytes: BYTES } }]), textStep('Done.')])
  const run = createFakeRunContext({ model, tools: ISOLATION_TEST_TOOLS, config, ...(isolated ? { isolation: pools.pool(config) } : {}) })
  await runAgentLoop(run.context, { messages: [{ role: 'user', content: 'Go.' }] })
  const [result] = run.eventsOf('tool-result')
  return { sent: model.requests[1]!.messages.at(-1), result: { ...result, at: 0, durationMs: 0 }, stored: run.state().toolCalls[0]!.result, timers: run.context.timers.size }
}

it('a result of several MB: the server\'s thread never parses it whole, and the model and the event get what they get in-process', async () => {
  const inProcess = await chatRound(false)
  const parse = vi.spyOn(JSON, 'parse')
  const isolated = await chatRound(true)
  const parsed = parse.mock.calls.map(([text]) => (typeof text === 'string' ? utf8ByteLength(text) : 0))
  // What the server takes of it (maxIsolatedResultBytes: the larger of maxResultBytes and a tool node's limit).
  expect(Math.max(0, ...parsed)).toBeLessThanOrEqual(MAX_NODE_END_BYTES)
  expect(isolated.sent).toEqual(inProcess.sent)
  expect((isolated.sent as { content: string }).content).toContain('[truncated: ')
  expect(isolated.result).toEqual(inProcess.result)
  expect(isolated.stored).toEqual(inProcess.stored)
  expect(isolated.timers).toBe(0)
})

it('in-process too, a result of several MB is kept only as far as anything reads it: never parsed whole, nor written again for the model', async () => {
  const parse = vi.spyOn(JSON, 'parse')
  const stringify = vi.spyOn(JSON, 'stringify')
  const inProcess = await chatRound(false)
  const parsed = parse.mock.calls.map(([text]) => (typeof text === 'string' ? utf8ByteLength(text) : 0))
  expect(Math.max(0, ...parsed)).toBeLessThanOrEqual(MAX_NODE_END_BYTES)
  // Written once, as `execute` returned it (the model's message is cut from that text).
  expect(stringify.mock.calls.filter(([value]) => (value as { rows?: unknown })?.rows !== undefined)).toHaveLength(1)
  expect((inProcess.sent as { content: string }).content).toContain('[truncated: ')
  expect(inProcess.result).toMatchObject({ status: 'completed', result: expect.stringMatching(/… \(\d+ bytes in all\)$/) })
  expect(inProcess.timers).toBe(0)
})

it('a tool node fails on a result cut in its worker exactly as on the same output in-process', () => {
  const output = { rows: Array.from({ length: 5 * 1024 * 1024 / 40 }, (_, index) => ({ index, text: 'é'.repeat(12) })) }
  const inProcess = (() => {
    try {
      checkRecordedSize('fetch', output, 1_000_000)
    }
    catch (error) {
      return error
    }
  })()
  expect(inProcess).toBeInstanceOf(Error)
  expect(() => checkRecordedBytes('fetch', utf8ByteLength(JSON.stringify(output)), 1_000_000)).toThrow(inProcess as Error)
  expect(() => checkRecordedBytes('fetch', 10, 1_000_000)).not.toThrow()
})
