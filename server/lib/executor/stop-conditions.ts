/**
 * When the tool loop must stop: tiny named predicates, checked after a model round that asked
 * for tools and before any of those tools run. A predicate returns why to stop, or nothing.
 * A stop fails the job with a clear message (partial content is kept by the engine).
 */
import type { BackgroundJobsConfig } from '../config'
import { sortedKeysJson } from '../sorted-keys-json'
import { boundedToolName, shownToolName, toolNameList } from '../tool-name-list'

/** A tool call the model asked for in this round. */
export interface PlannedCall {
  name: string
  /** A stable key of the call's arguments (see `callKey`). */
  key: string
}

/** What the predicates look at. */
export interface LoopProgress {
  /** The round that just ended (1-based). */
  step: number
  /** The calls that round asked for. */
  calls: readonly PlannedCall[]
  /** How often each `callKey` ran in earlier rounds. */
  previousCalls: ReadonlyMap<string, number>
  /** Milliseconds since the loop started. */
  elapsedMs: number
}

/**
 * Why the loop stops. The names come from the model (no tool need have them): the message shows
 * them as `shownToolName` does, `toolName` as `boundedToolName` (tool-name-list.ts).
 */
export interface StopReason {
  /** The job's error code. */
  code: 'max-steps' | 'max-calls-per-step' | 'repeated-call' | 'time-budget'
  message: string
  toolName?: string
}

/** A stop condition. */
export type StopCondition = (progress: LoopProgress) => StopReason | undefined

/** A key that is equal for the same tool with the same arguments (object keys sorted). */
export function callKey(name: string, args: unknown): string {
  return `${name}:${sortedKeysJson(args)}`
}

/**
 * The model still wants tools after `limit` rounds: another round would exceed the limit.
 * `setting` names where the limit comes from (a workflow node's own `maxSteps` is not `limits.maxSteps`).
 */
export function maxSteps(limit: number, setting = 'limits.maxSteps'): StopCondition {
  return ({ step, calls }) => step >= limit
    ? { code: 'max-steps', message: `The model was still calling tools after ${limit} steps (${setting}); the answer is incomplete`, toolName: firstName(calls) }
    : undefined
}

/** More calls in one round than `limit`: a runaway model, not a plan. */
export function maxCallsPerStep(limit: number): StopCondition {
  return ({ step, calls }) => calls.length > limit
    ? { code: 'max-calls-per-step', message: `The model asked for ${calls.length} tool calls in step ${step}; at most ${limit} are allowed (limits.maxCallsPerStep)`, toolName: mostFrequentName(calls) }
    : undefined
}

/** The same tool with the same arguments `limit` times in the job: the model is going in circles. 0 turns the check off. */
export function repeatedCall(limit: number): StopCondition {
  return ({ calls, previousCalls }) => {
    // 0 passes the config check as "off"; counted as a limit it would stop the first call of every job.
    if (limit <= 0) return undefined
    const counts = new Map(previousCalls)
    for (const call of calls) {
      const count = (counts.get(call.key) ?? 0) + 1
      counts.set(call.key, count)
      if (count >= limit) {
        return { code: 'repeated-call', message: `The model called tool ${shownToolName(call.name)} with the same arguments ${count} times (limits.maxRepeatedCalls); stopped to avoid a loop`, toolName: boundedToolName(call.name) }
      }
    }
    return undefined
  }
}

/**
 * The loop has run longer than `budgetMs`: do not start more tools or rounds. The message names the
 * tools the model asked for next (names only, as the job's time limit names those running).
 */
export function wallClockBudget(budgetMs: number): StopCondition {
  return ({ elapsedMs, calls }) => {
    if (elapsedMs < budgetMs) return undefined
    const names = [...new Set(calls.map(call => call.name))]
    const notRun = names.length ? `: ${toolNameList(names)}, which the model asked for next, ${names.length === 1 ? 'was' : 'were'} not run` : ''
    return { code: 'time-budget', message: `The tool loop used its time budget of ${budgetMs} ms before finishing${notRun}`, toolName: firstName(calls) }
  }
}

/**
 * The default conditions, from `limits` (a workflow node may pass its own steps and budget;
 * `maxStepsSetting` names its steps in the message).
 */
export function defaultStopConditions(limits: BackgroundJobsConfig['limits'], overrides: { maxSteps?: number, maxStepsSetting?: string, budgetMs?: number } = {}): StopCondition[] {
  return [
    wallClockBudget(overrides.budgetMs ?? limits.jobTimeoutMs),
    overrides.maxSteps === undefined ? maxSteps(limits.maxSteps) : maxSteps(overrides.maxSteps, overrides.maxStepsSetting ?? 'maxSteps'),
    maxCallsPerStep(limits.maxCallsPerStep),
    repeatedCall(limits.maxRepeatedCalls),
  ]
}

/** The first condition that says stop, or undefined. */
export function checkStopConditions(conditions: readonly StopCondition[], progress: LoopProgress): StopReason | undefined {
  for (const condition of conditions) {
    const reason = condition(progress)
    if (reason) return reason
  }
  return undefined
}

function mostFrequentName(calls: readonly PlannedCall[]): string | undefined {
  const counts = new Map<string, number>()
  for (const call of calls) counts.set(call.name, (counts.get(call.name) ?? 0) + 1)
  const name = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0]
  return name === undefined ? undefined : boundedToolName(name)
}

function firstName(calls: readonly PlannedCall[]): string | undefined {
  return calls[0] ? boundedToolName(calls[0].name) : undefined
}
