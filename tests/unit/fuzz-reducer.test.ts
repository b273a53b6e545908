/**
 * Property tests of the reducer on random event logs: any prefix plus the rest equals the whole
 * (and reducing never mutates an earlier state); replaying what a viewer already has changes
 * nothing; merging deltas for a replay gives the same state as the raw log.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { JobEvent, JobEventPayload } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { mergeDeltas } from '../../server/lib/replay'

/** Runs per property (reported in the issue note). */
export const REDUCER_RUNS = { prefixRest: 400, replay: 300, merge: 300 } as const

const TEXT = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 })
const NODE = fc.constantFrom(undefined, 'a', 'b')

/** One step of a random job; offsets are filled in when the log is built. */
const COMMAND = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('text' as const), text: TEXT, skew: fc.integer({ min: -3, max: 1 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reasoning' as const), text: TEXT, skew: fc.constant(0) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('status' as const), status: fc.constantFrom('running' as const, 'waiting' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('step' as const), node: NODE }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tool' as const), result: fc.constantFrom('completed' as const, 'error' as const, 'timeout' as const, 'denied' as const, null) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('input' as const), answer: fc.jsonValue({ maxDepth: 1 }), answered: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('node' as const), node: fc.constantFrom('a', 'b'), status: fc.constantFrom('completed' as const, 'failed' as const, 'skipped' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('end' as const), status: fc.constantFrom('completed' as const, 'failed' as const, 'aborted' as const) }) },
)

type Command = typeof COMMAND extends fc.Arbitrary<infer T> ? T : never

/** Builds a numbered log from commands, as an engine would (plus skewed offsets: overlaps). */
function buildLog(commands: Command[]): JobEvent[] {
  const payloads: Array<JobEventPayload & { nodeId?: string }> = []
  let content = 0
  let reasoning = 0
  let counter = 0
  for (const command of commands) {
    counter++
    switch (command.kind) {
      case 'text': {
        const offset = Math.max(0, content + command.skew)
        payloads.push({ type: 'text-delta', offset, text: command.text })
        content = Math.max(content, offset + command.text.length)
        break
      }
      case 'reasoning':
        payloads.push({ type: 'reasoning-delta', offset: reasoning, text: command.text })
        reasoning += command.text.length
        break
      case 'status':
        payloads.push({ type: 'job-status', status: command.status })
        break
      case 'step':
        payloads.push({ type: 'step-start', step: counter, ...(command.node ? { nodeId: command.node } : {}) })
        payloads.push({ type: 'step-end', step: counter, finishReason: 'stop', ...(command.node ? { nodeId: command.node } : {}) })
        break
      case 'tool':
        payloads.push({ type: 'tool-call', id: `call_${counter}`, name: 'calculate', args: { n: counter }, step: 1 })
        if (command.result) payloads.push({ type: 'tool-result', id: `call_${counter}`, status: command.result, durationMs: counter })
        break
      case 'input':
        payloads.push({ type: 'input-request', requestId: `req_${counter}`, kind: 'workflow-input', prompt: 'Why?', expiresAt: 10_000, onTimeout: 'fail' })
        if (command.answered) payloads.push({ type: 'input-response', requestId: `req_${counter}`, answer: command.answer, answeredAt: counter, answeredBy: 'user' })
        break
      case 'node':
        payloads.push({ type: 'node-start', nodeId: command.node, kind: 'agent' })
        payloads.push({ type: 'node-end', nodeId: command.node, status: command.status })
        break
      case 'end':
        payloads.push({ type: 'job-end', status: command.status, metrics: emptyMetrics() })
        break
    }
  }
  return payloads.map((payload, index) => ({ ...payload, seq: index + 1, at: 1000 + index }) as JobEvent)
}

const BASE = createJobState({ id: 'job', type: 'chat', createdAt: 1000 })
const LOG = fc.array(COMMAND, { maxLength: 40 }).map(buildLog)

describe('reducer fuzzing', () => {
  it('any prefix plus the rest equals the whole, and the prefix state is never mutated', () => {
    fc.assert(fc.property(LOG, fc.nat(), (events, cut) => {
      const at = cut % (events.length + 1)
      const prefixState = reduceEvents(BASE, events.slice(0, at))
      const frozen = structuredClone(prefixState)
      expect(reduceEvents(prefixState, events.slice(at))).toEqual(reduceEvents(BASE, events))
      expect(prefixState).toEqual(frozen)
    }), { numRuns: REDUCER_RUNS.prefixRest })
  })

  it('replaying events a viewer already has (a reconnect) changes nothing', () => {
    fc.assert(fc.property(LOG, fc.nat(), (events, cut) => {
      const at = cut % (events.length + 1)
      const prefixState = reduceEvents(BASE, events.slice(0, at))
      expect(reduceEvents(prefixState, events)).toEqual(reduceEvents(BASE, events))
      expect(reduceEvents(prefixState, events.slice(0, at))).toBe(prefixState)
    }), { numRuns: REDUCER_RUNS.replay })
  })

  it('a replay with merged deltas, from any point, ends in the same state as the raw log', () => {
    fc.assert(fc.property(LOG, fc.nat(), (events, cut) => {
      const at = cut % (events.length + 1)
      const prefixState = reduceEvents(BASE, events.slice(0, at))
      expect(reduceEvents(prefixState, mergeDeltas(events.slice(at)))).toEqual(reduceEvents(BASE, events))
    }), { numRuns: REDUCER_RUNS.merge })
  })
})
