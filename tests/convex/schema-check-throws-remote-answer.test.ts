/**
 * An answer whose input node's schema throws in its own code (a refine whose database lookup
 * failed), sent to an instance that does not run the job: the owner judged it, and the sender got
 * the owner's `400 Invalid answer: <the thrown error's message>`; neither instance logged it. Now
 * the sender answers the public 503 (any owner 5xx, a218bcad) quoting nothing of the error, the owner logs it once with the
 * job and the schema, and the job keeps waiting.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { recordingLogger } from '../support/recording-logger'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const config = resolveConfig({ scripted: { enabled: true }, workflows: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
const lookup = { fail: null as null | (() => never) }
const review = defineWorkflow({
  name: 'review',
  description: 'asks for a reviewer',
  input: z.object({}),
  nodes: {
    ask: { kind: 'input', prompt: 'Who?', schema: z.object({ reviewer: z.string().refine((name) => {
      lookup.fail?.()
      return name.length > 0
    }) }), onTimeout: 'fail' },
    done: { kind: 'output', value: 'done' },
  },
  edges: [['ask', 'done']],
})

describe('an answer whose schema throws, sent to another instance than the owner', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
    lookup.fail = null
  })

  it('is the public 503 quoting nothing of the error (the owner\'s 500 is not passed on), logged once by the owner; the job keeps waiting', async () => {
    const backend = createBackend()
    const owner = recordingLogger()
    const sender = recordingLogger()
    const a = createEngineNode(backend, { instanceId: 'A', config, workflows: [review], logger: owner.logger })
    const b = createEngineNode(backend, { instanceId: 'B', config, workflows: [review], logger: sender.logger })
    const { job } = await a.engine.createJob('u-1', { request: { type: 'workflow', workflow: 'review', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    const [asked] = (await b.engine.getJob('u-1', job.id)).state.pendingInputs
    lookup.fail = () => {
      throw new Error('connect ECONNREFUSED 10.0.3.7:5432 (people db)')
    }
    const answered = b.engine.answerInput('u-1', job.id, { requestId: asked!.requestId, answer: { reviewer: 'ada' } })
    const settled = answered.then(() => null, (error: unknown) => error as { statusCode?: number, message: string })
    await vi.advanceTimersByTimeAsync(2_000)
    const refused = await settled
    expect(refused?.statusCode).toBe(503)
    expect(refused?.message).not.toContain('ECONNREFUSED')
    expect(refused?.message).toContain('retry shortly')
    const logged = [...owner.lines, ...sender.lines].filter(line => line.message === 'an app schema check threw')
    expect(logged).toHaveLength(1)
    expect(owner.lines).toContainEqual(expect.objectContaining({ level: 'error', message: 'an app schema check threw', fields: expect.objectContaining({ jobId: job.id, schema: 'input node "ask" answer' }) }))
    expect(String((logged[0]!.fields!.error as Error).message)).toContain('ECONNREFUSED 10.0.3.7:5432 (people db)')
    expect((await a.engine.getJob('u-1', job.id)).state.status).toBe('waiting')

    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
