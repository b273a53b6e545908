/**
 * A workflow job's owner lost at a question, and the instance taking it over: for tests of what a
 * resumed run reuses and runs again (on the fake context of workflow-fake-context.ts).
 */
import type { JobState } from '../../shared/reducer'
import { reduceEvents } from '../../shared/reducer'
import type { AnyToolDefinition } from '../../server/lib/tools/types'
import { startWorkflow } from './workflow-fake-context'

/** The state a new owner reads: the question the lost owner left open voided, as the takeover does. */
export function takenOver(state: JobState): JobState {
  const open = state.pendingInputs[0]!
  return reduceEvents(state, [{ type: 'input-response', requestId: open.requestId, answer: null, answeredAt: 0, answeredBy: 'system:owner-lost', seq: state.seq + 1, at: 0 }])
}

/** Runs `definition` until its `n`th question, answering the ones before `{ ok: true }`; the state another instance resumes from. */
export async function untilQuestion(definition: { name: string }, n: number, tools: AnyToolDefinition[]): Promise<JobState> {
  const run = startWorkflow(definition, {}, { tools })
  for (let asked = 1; asked < n; asked++) {
    await run.nextInput()
    run.answer({ ok: true })
  }
  await run.nextInput()
  const state = takenOver(run.state())
  run.abort()
  await run.done
  return state
}

/** Resumes on `definition`, answering every question `{ ok: true }`, until the job ends. */
export async function resumeOn(definition: { name: string }, resumedFrom: JobState, tools: AnyToolDefinition[]) {
  const resumed = startWorkflow(definition, {}, { tools, resumedFrom, continueLog: true })
  while (await Promise.race([resumed.nextInput().then(() => true), resumed.done.then(() => false)])) resumed.answer({ ok: true })
  return resumed
}
