/**
 * On Convex, the id of the request that created a job (`X-Request-Id`) is stored with it, so the
 * instance that takes it over from a dead owner names that request on the run's lines (`resuming …`,
 * `job ended`) and shows it in the owner's summary, its listed form too
 * (tests/unit/takeover-request-id.test.ts is the memory provider's case).
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobProvider } from '../../server/lib/providers/types'
import { runInRequestScope } from '../../server/lib/request-scope'
import { recordingLogger } from '../support/recording-logger'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, workflows: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
/** An owner that died: its lease is no longer renewed in the store, and it hears no control. */
const dead = (provider: JobProvider): JobProvider => ({ ...provider, heartbeatLease: async () => true, subscribeControls: () => () => {} })

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

it('is on the lines of the run that took the job over, and in the owner\'s summary there', async () => {
  const backend = createBackend()
  const { logger, lines } = recordingLogger()
  const a = createEngineNode(backend, { instanceId: 'A', config, wrap: dead })
  const b = createEngineNode(backend, { instanceId: 'B', config, logger })
  const { job } = await runInRequestScope('create-1', () => a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } }))
  for (let step = 0; step < 100 && !lines.some(line => line.message === 'resuming a job whose owner was lost'); step++) await vi.advanceTimersByTimeAsync(500)
  const { job: summary, state } = await b.engine.getJob('u1', job.id)
  expect(summary.requestId).toBe('create-1')
  expect((await b.engine.listJobs('u1')).find(listed => listed.id === job.id)?.requestId).toBe('create-1')
  const answering = runInRequestScope('answer-2', () => b.engine.answerInput('u1', job.id, { requestId: state.pendingInputs[0]!.requestId, answer: { go: true } }))
  await vi.advanceTimersByTimeAsync(2_000)
  await answering
  expect(lines.find(line => line.message === 'resuming a job whose owner was lost')?.fields).toMatchObject({ jobId: job.id, requestId: 'create-1' })
  expect(lines.find(line => line.message === 'job ended')?.fields).toMatchObject({ jobId: job.id, status: 'completed', requestId: 'create-1' })
  const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
  await vi.advanceTimersByTimeAsync(10_000)
  await disposed
})
