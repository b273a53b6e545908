/**
 * A chat job that fails on `error`, run on the test engine with fake timers on: the job's error as
 * its state has it and as its stored `job-end` event has it. Thrown by the first model round, or
 * by the chat runner itself (`fromRunner`). The tests of what a job's error carries from the model
 * endpoint (its status, its name for the failure) use it.
 */
import { vi } from 'vitest'
import type { JobError, JobEvent } from '../../shared/events'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { chatRequest, createTestEngine } from './engine-harness'
import { createStepModel } from './step-model'

export async function failChatWith(error: Error, fromRunner = false): Promise<{ error: JobError | null, endError: JobError | undefined }> {
  const { engine, provider } = createTestEngine({
    runners: fromRunner ? { chat: async () => { throw error } } : { chat: runChatJob },
    model: createStepModel([error]),
  })
  const { job } = await engine.createJob('u1', { request: chatRequest })
  await vi.advanceTimersByTimeAsync(100)
  await engine.whenSettled(job.id)
  const { state } = await engine.getJob('u1', job.id)
  const end = (await provider.readEvents(job.id, 0))!.events.find((event): event is Extract<JobEvent, { type: 'job-end' }> => event.type === 'job-end')
  await engine.dispose()
  return { error: state.error, endError: end?.error }
}
