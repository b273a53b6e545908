/**
 * `GET /api/jobs/:id` of a job another instance runs reads the job's record, then its stored state:
 * two reads, between which the other instance stores more of the job (each 50 ms window, and its
 * end). The answer gave the summary of the first read with the state of the second — in one
 * answer `job.status` `running` (`endedAt` null, `lastSeq` behind) next to `state.status`
 * `completed`: a client showing the summary's status beside the state's text said the job was
 * still running under its finished answer, and one resuming from `job.lastSeq` was sent again what
 * the state already had. The summary now takes the stored state's position when it is ahead, as a
 * job running here has its live one laid over (job-access.ts).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import type { BackgroundJobsEngine } from '../../server/lib/engine'
import type { JobRunners } from '../../server/lib/engine-types'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import type { JobProvider } from '../../server/lib/providers/types'
import type { RunContext } from '../../server/lib/run-context'
import { chatRequest, unusedModel } from '../support/engine-harness'

const engines: BackgroundJobsEngine[] = []
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.dispose()
})

function engineOver(provider: JobProvider, runners: JobRunners): BackgroundJobsEngine {
  const config = resolveConfig({ scripted: { enabled: true } })
  const engine = createEngine({
    provider,
    getConfig: () => config,
    createModelClient: () => unusedModel,
    runners,
    tools: { register() {}, get: () => undefined, list: () => [], toModelTools: () => [] },
    workflows: { get: () => undefined, list: () => [] },
  })
  engines.push(engine)
  return engine
}

describe('GET /api/jobs/:id of a job another instance runs', () => {
  it('answers a summary at the stored state it answers with, when the job moved on between the two reads', async () => {
    const store = createMemoryProvider()
    let finish = () => {}
    async function answer(context: RunContext) {
      context.text('Hello')
      await new Promise<void>((resolve) => {
        finish = resolve
      })
      context.text(', world')
    }
    const runner = engineOver(store, { chat: answer })
    // This instance runs nothing; between its read of the record and of the state, the job ends there.
    let between: (() => Promise<void>) | null = null
    const reader = engineOver({
      ...store,
      async getState(id) {
        const step = between
        between = null
        await step?.()
        return await store.getState(id)
      },
    }, { chat: async () => { throw new Error('this instance runs no job in this test') } })
    const { job } = await runner.createJob('u1', { request: chatRequest })
    await expect.poll(async () => (await reader.getJob('u1', job.id)).state.content).toBe('Hello')
    between = async () => {
      finish()
      await runner.whenSettled(job.id)
    }
    const { job: summary, state } = await reader.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'completed', content: 'Hello, world' })
    expect({ status: summary.status, lastSeq: summary.lastSeq, updatedAt: summary.updatedAt, endedAt: summary.endedAt })
      .toEqual({ status: state.status, lastSeq: state.seq, updatedAt: state.updatedAt, endedAt: state.endedAt })
  })
})
