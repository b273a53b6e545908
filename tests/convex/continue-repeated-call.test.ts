/**
 * `recovery.chat = continue`: the repeated-call limit (`limits.maxRepeatedCalls`) counts the calls
 * of the whole job. The run that continued a chat after a takeover counted only its own, so a
 * model going in circles got up to `maxRepeatedCalls - 1` more runs of the same call per takeover:
 * the same tool with the same arguments ran 4 times in a job that stops at the 3rd without one.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { defineTool } from '../../server/utils/define-tool'
import { createStepModel, hangingStep, textStep, toolStep } from '../support/step-model'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, recovery: { chat: 'continue' }, limits: { maxRepeatedCalls: 3 } })
/** How often the tool ran: the effect the limit bounds. */
let runs = 0
const charge = defineTool({ name: 'charge', description: 'Charges a card', parameters: z.object({ cents: z.number() }), execute: () => {
  runs++
  return 'declined'
} })
const request = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'Pay 5 euros' }] }
const chargeRound = (round: number) => toolStep([{ id: `call_${round}`, name: 'charge', args: { cents: 500 } }])

describe('recovery.chat = continue and limits.maxRepeatedCalls', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    runs = 0
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('counts the calls the lost owner made: the job stops where it would without a takeover', async () => {
    // A runs two rounds of the same call, then dies waiting for its third round.
    const backend = createBackend()
    const modelA = createStepModel([chargeRound(1), chargeRound(2), hangingStep()])
    const modelB = createStepModel([chargeRound(3), chargeRound(4), chargeRound(5), textStep('Done.')])
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: runChatJob, tools: [charge], model: modelA, wrap: provider => ({ ...provider, heartbeatLease: async () => true }) })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: runChatJob, tools: [charge], model: modelB })
    const { job } = await a.engine.createJob('u1', { request })
    await vi.advanceTimersByTimeAsync(500)
    expect(runs).toBe(2)
    await vi.advanceTimersByTimeAsync(6_000)
    await b.engine.whenSettled(job.id)
    await b.facade.settled()

    const { state } = await b.engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'failed', epoch: 2, error: { code: 'repeated-call' } })
    expect(runs).toBe(2)
    expect(modelB.requests).toHaveLength(1)
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })
})
