/**
 * An isolated call's answer crosses from its worker to the server once. The worker posts it on the
 * pool's answer channel as soon as it has it (its turn goes on while the call's leftovers finish);
 * the value the task itself ends with must not carry the result a second time — a big result
 * (tens of MB, what a worker's heap allows) was copied into the server's thread twice.
 * The worker's task handler runs here in the test's thread, on the real answer channel.
 */
import { BroadcastChannel } from 'node:worker_threads'
import { randomUUID } from 'node:crypto'
import { afterEach, expect, it } from 'vitest'
import { z } from 'zod'
import type { IsolatedCallNews } from '../../server/lib/isolation/protocol'
import { createToolWorker } from '../../server/lib/isolation/worker-runtime'
import { defineTool } from '../../server/utils/define-tool'

const big = defineTool({ name: 'big', description: 'A big result', parameters: z.object({}), execute: () => ({ text: 'x'.repeat(1_000_000) }) })
const channels: BroadcastChannel[] = []
afterEach(() => channels.splice(0).forEach(channel => channel.close()))

it('the answer goes over the answer channel only; the task ends with a small acknowledgement', async () => {
  const answerChannel = `background-jobs:test-answers:${randomUUID()}`
  const news: IsolatedCallNews[] = []
  const listener = new BroadcastChannel(answerChannel)
  channels.push(listener)
  listener.onmessage = event => news.push((event as { data: IsolatedCallNews }).data)
  const runTask = createToolWorker([async () => ({ default: big })])
  const ended = await runTask({ file: 0, name: 'big', args: {}, context: { userId: 'u', jobId: 'j', threadId: null, step: 1 }, timeoutMs: 5_000, answerChannel, callId: 1 })
  // Besides the answer, only that the call started (no result in it).
  await expect.poll(() => news.length).toBe(2)
  expect(news[0]).toEqual({ callId: 1, started: true })
  const posted = news[1] as { callId: number, answer: { ok: true, json: string } }
  expect(posted).toMatchObject({ callId: 1, answer: { ok: true } })
  expect(posted.answer.json.length).toBeGreaterThan(1_000_000)
  // What the pool sends back for the task itself: not the million characters again.
  expect(JSON.stringify(ended).length).toBeLessThan(100)
})
