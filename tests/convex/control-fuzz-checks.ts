/**
 * The end of a control fuzz scenario (control-fuzz.ts): paused instances come back, every job
 * ends, tabs reopen; then the checks of the answers, aborts and tool starts against the stored logs.
 */
import { vi } from 'vitest'
import { isTerminalStatus } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { answeredAlike } from '../../server/lib/stored-answer'
import type { ClusterTab } from './cluster-tab'
import type { Node, Sent } from './control-fuzz'

interface Scenario {
  seed: number
  nodes: Node[]
  jobs: string[]
  tabs: ClusterTab[]
  sent: Sent[]
  violations: string[]
  killed: number
  starts: Map<string, number>
}

/** The tag of a stored answer (`n`), if it has one. */
const tagOf = (answer: unknown) => (answer as { n?: unknown } | null)?.n

/** Ends the scenario; returns its violations. */
export async function checkEnd({ seed, nodes, jobs, tabs, sent, violations, killed, starts }: Scenario): Promise<string[]> {
  for (const node of nodes) if (node.alive && !node.facade.connected) await node.facade.reconnect()
  for (let round = 0; round < 10; round++) await vi.advanceTimersByTimeAsync(5_000)
  const reader = nodes.find(node => node.alive)!
  const finalOf = new Map<string, JobState>()
  for (const jobId of jobs) {
    const stored = await reader.engine.getJob('u1', jobId).then(({ state }) => state, () => null)
    if (!stored) {
      violations.push(`job ${jobId}: no stored state`)
      continue
    }
    finalOf.set(jobId, stored)
    if (!isTerminalStatus(stored.status)) violations.push(`job ${jobId} did not end: ${stored.status} at ${stored.seq}`)
    // The tool ran at most once per call the log shows, plus once per owner lost mid-call (at least once across a takeover, docs/providers.md).
    const range = await reader.provider.readEvents(jobId, 0)
    const calls = range?.events.filter(event => event.type === 'tool-call').length ?? 0
    const ran = starts.get(jobId) ?? 0
    if (ran > calls + (stored.epoch ?? 1) - 1) violations.push(`job ${jobId}: the tool started ${ran} times, the log shows ${calls} calls at epoch ${stored.epoch ?? 1}`)
    const aborts = sent.filter(each => each.kind === 'abort' && each.jobId === jobId)
    if (stored.status === 'aborted' && aborts.length === 0) violations.push(`job ${jobId} ended aborted with no abort sent`)
    for (const abort of aborts) {
      if (abort.status !== 200) continue
      // Answered 200: the job ended aborted, or had already ended otherwise (the summary says so).
      const said = abort.detail!
      if (stored.status !== 'aborted' && !(isTerminalStatus(said as never) && said === stored.status)) violations.push(`${abort.what}: 200 (${said}), the job ended ${stored.status}`)
      if (isTerminalStatus(said as never) && said !== stored.status) violations.push(`${abort.what}: 200 says ${said}, the job ended ${stored.status}`)
    }
    for (const input of stored.answeredInputs) {
      if (input.answeredBy === 'u1' && input.kind === 'workflow-input' && (typeof input.answer !== 'object' || typeof (input.answer as { go?: unknown }).go !== 'boolean')) violations.push(`job ${jobId}: a wrong-shaped answer is stored: ${JSON.stringify(input.answer)}`)
    }
  }
  for (const answer of sent.filter(each => each.kind === 'answer')) {
    const final = finalOf.get(answer.jobId)
    if (!final || answer.status === undefined) continue
    // Under its request, or the question asked again in its place after a takeover (answer-taken.ts).
    const taken = answeredAlike(final, answer.requestId!, 'u1', answer.body)
    if (answer.status === 200 && answer.detail !== 'unconfirmed' && !taken) violations.push(`${answer.what}: 200, not in the log (${JSON.stringify(final.answeredInputs.map(input => [input.requestId, input.answeredBy, input.answer]))})`)
    if ((answer.status === 400 || answer.status === 409) && taken) violations.push(`${answer.what}: ${answer.status}, yet the log holds it (${JSON.stringify(final.answeredInputs.map(input => [input.requestId, input.answeredBy, input.answer]))})`)
    if (answer.status === 200 && !answer.valid) violations.push(`${answer.what}: a wrong shape answered 200`)
  }
  // Every answer in a log was answered 200 to some sender (or its reply never came).
  for (const [jobId, final] of finalOf) {
    for (const input of final.answeredInputs.filter(each => each.answeredBy === 'u1' && each.kind === 'workflow-input')) {
      const senders = sent.filter(each => each.kind === 'answer' && each.jobId === jobId && each.n === tagOf(input.answer))
      if (senders.length > 0 && senders.every(each => each.status === 400 || each.status === 409)) violations.push(`job ${jobId}: answer ${String(tagOf(input.answer))} is in the log, every sender was refused (${senders.map(each => each.status).join(', ')})`)
    }
  }
  for (const tab of tabs) tab.reopen()
  for (let round = 0; round < 6; round++) await vi.advanceTimersByTimeAsync(2_000)
  const strip = (state: JobState) => JSON.stringify({ ...state, updatedAt: 0 })
  for (const tab of tabs) {
    const final = finalOf.get(tab.jobId)
    if (!final) continue
    if (!tab.ended) violations.push(`${tab.name}: not ended (state ${tab.state?.status} at ${tab.state?.seq}, stored ${final.status} at ${final.seq})`)
    else if (strip(tab.state!) !== strip(final)) {
      const keys = Object.keys(final).filter(key => JSON.stringify((tab.state as never)[key]) !== JSON.stringify((final as never)[key]))
      violations.push(`${tab.name}: final state differs in ${keys.map(key => `${key}: ${JSON.stringify((tab.state as never)[key])?.slice(0, 200)} vs stored ${JSON.stringify((final as never)[key])?.slice(0, 200)}`).join('; ')}`)
    }
  }
  if (process.env.FUZZ_COVERAGE) {
    const outcomes = sent.reduce<Record<string, number>>((all, each) => ({ ...all, [`${each.kind}:${each.status ?? '-'}`]: (all[`${each.kind}:${each.status ?? '-'}`] ?? 0) + 1 }), {})
    process.stdout.write(`seed ${seed}: killed ${killed}, jobs ${[...finalOf.values()].map(state => `${state.status}@e${state.epoch ?? 1}`).join(' ')}, ${JSON.stringify(outcomes)}\n`)
  }
  for (const entry of sent) if (entry.status === undefined && entry.node.alive) violations.push(`${entry.what}: never answered`)
  for (const node of nodes.filter(each => each.alive)) {
    const stats = node.engine.stats()
    if (stats.runs || stats.viewers || stats.jobTimers || stats.pendingInputs) violations.push(`${node.name} holds ${JSON.stringify(stats)} after every job ended`)
  }
  for (const tab of tabs) tab.close()
  await Promise.all(nodes.filter(node => node.alive).map(node => node.engine.dispose()))
  return violations
}
