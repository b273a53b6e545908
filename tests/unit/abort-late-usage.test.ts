/**
 * A job stopped while its model round streams: its end is written at once, with the metrics of that
 * moment (the usage the round had reported counted as the abort came). A model client that does not
 * stop at the abort — an app's own, or the rest of a batch the built-in one was handing over when
 * the job stopped — reports the round's usage as it unwinds, after that. Before, those tokens were
 * added to the run's metrics: the stored `job-end` (what `GET /api/jobs/:id`, the job's stream, an
 * AI SDK reload and its metadata hook read) said 105 tokens, the `job ended` line 150 and
 * `model_tokens_total` 50 completion tokens where the end has 5. Now every one of them says what
 * the end stored, and one warning names the tokens left out.
 */
import { afterEach, expect, it } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { useMetrics } from '../../server/lib/metrics'
import type { ModelClient } from '../../server/lib/model/types'
import { chatRequest, createRecordingSink, createTestEngine } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'

afterEach(() => useMetrics().reset())

it('a round\'s usage reported after the abort is in none of the job\'s totals: they all say what its end stored', async () => {
  let writing = () => {}
  const wrote = new Promise<void>(resolve => (writing = resolve))
  // Writes and reports its usage so far, then keeps going past the abort and reports more.
  const model: ModelClient = {
    scripted: false,
    async* stream(_request, signal) {
      yield { type: 'text-delta', text: 'Half an ans' }
      yield { type: 'usage', usage: { prompt: 100, completion: 5, total: 105 } }
      writing()
      await new Promise(resolve => signal.addEventListener('abort', resolve, { once: true }))
      yield { type: 'text-delta', text: 'wer.' }
      yield { type: 'usage', usage: { prompt: 100, completion: 50, total: 150 } }
    },
  }
  const { logger, lines } = recordingLogger()
  const { engine } = createTestEngine({ runners: { chat: runChatJob }, model, logger })
  const { job } = await engine.createJob('u1', { request: chatRequest })
  await wrote
  expect((await engine.abortJob('u1', job.id)).status).toBe('aborted')
  await engine.whenSettled(job.id)

  const stored = { prompt: 100, completion: 5, total: 105 }
  const { state } = await engine.getJob('u1', job.id)
  expect(state.metrics?.tokens).toEqual(stored)
  expect(state.content).toBe('Half an ans')
  const viewer = createRecordingSink()
  await engine.attachViewer('u1', job.id, viewer, null)
  expect(viewer.state()?.metrics?.tokens).toEqual(stored)
  // Before: 150 and 50.
  expect(lines.find(line => line.message === 'job ended')?.fields?.usage).toEqual(stored)
  expect(useMetrics().snapshot().counters['model_tokens_total{kind="completion"}']).toBe(5)
  expect(useMetrics().snapshot().counters['model_tokens_total{kind="prompt"}']).toBe(100)
  expect(lines.filter(line => line.message.startsWith('a model round reported tokens after its job had ended'))).toEqual([
    expect.objectContaining({ level: 'warn', fields: { jobId: job.id, usage: { prompt: 0, completion: 45, total: 45 } } }),
  ])
  await engine.dispose()
})
