/**
 * Random job event logs for property tests of the shared code (reducer, wire, snapshots): every
 * event type, workflow nodes that start again while live (a takeover), parallel branches, input
 * requests for tool calls and nodes, overlapping deltas and awkward text.
 */
import fc from 'fast-check'
import type { JobEvent, JobEventPayload } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'

/** Text a stream may carry: surrogate pairs, CRLF, line/paragraph separators, NUL, quotes, a lone surrogate. */
export const AWKWARD_TEXT = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.constantFrom('😀', '👩‍👩‍👧', '\r\n', '\r', '\u2028', '\u2029', '\0', 'data: x\n\n', '"\\', '\uD83D', '\uDE00', 'é', '\uFEFF', ' '),
)

const NODE = fc.constantFrom('a', 'b', 'c')

const COMMAND = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('text' as const), text: fc.array(AWKWARD_TEXT, { minLength: 1, maxLength: 3 }).map(parts => parts.join('')), skew: fc.integer({ min: -3, max: 0 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reasoning' as const), text: AWKWARD_TEXT }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('status' as const), status: fc.constantFrom('running' as const, 'waiting' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('step-start' as const), node: fc.option(NODE, { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('step-end' as const), node: fc.option(NODE, { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tool-call' as const), node: fc.option(NODE, { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tool-result' as const), status: fc.constantFrom('completed' as const, 'error' as const, 'denied' as const, 'timeout' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('input-request' as const), node: fc.option(NODE, { nil: undefined }), forTool: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('input-response' as const), answer: fc.jsonValue({ maxDepth: 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('node-start' as const), node: NODE }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('node-end' as const), node: NODE, status: fc.constantFrom('completed' as const, 'failed' as const, 'skipped' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('end' as const), status: fc.constantFrom('completed' as const, 'failed' as const, 'aborted' as const) }) },
)

type Command = typeof COMMAND extends fc.Arbitrary<infer T> ? T : never

/** Numbers payloads into a log written in `epoch` (absent for 1), from seq `first`. */
export function numberLog(payloads: readonly JobEventPayload[], first = 1, epoch = 1): JobEvent[] {
  return payloads.map((payload, index) => ({ ...payload, seq: first + index, at: 1_000 + first + index, ...(epoch > 1 ? { epoch } : {}) }) as JobEvent)
}

/** Builds the payloads an engine could write for the commands (offsets kept consistent, with overlaps). */
export function buildPayloads(commands: readonly Command[]): JobEventPayload[] {
  const payloads: JobEventPayload[] = []
  const lengths = { content: 0, reasoning: 0 }
  const calls: string[] = []
  const requests: string[] = []
  let counter = 0
  for (const command of commands) {
    counter++
    const node = 'node' in command && command.node ? { nodeId: command.node } : {}
    switch (command.kind) {
      case 'text': {
        const offset = Math.max(0, lengths.content + command.skew)
        payloads.push({ type: 'text-delta', offset, text: command.text })
        lengths.content = Math.max(lengths.content, offset + command.text.length)
        break
      }
      case 'reasoning':
        payloads.push({ type: 'reasoning-delta', offset: lengths.reasoning, text: command.text })
        lengths.reasoning += command.text.length
        break
      case 'status':
        payloads.push({ type: 'job-status', status: command.status })
        break
      case 'step-start':
        payloads.push({ type: 'step-start', step: counter % 3, ...node })
        break
      case 'step-end':
        payloads.push({ type: 'step-end', step: counter % 3, finishReason: 'stop', usage: { prompt: 1, completion: 2, total: 3 }, ...node })
        break
      case 'tool-call':
        calls.push(`call_${counter}`)
        payloads.push({ type: 'tool-call', id: `call_${counter}`, name: 'echo', args: { n: counter }, step: 1, ...node })
        break
      case 'tool-result':
        if (calls.length > 0) payloads.push({ type: 'tool-result', id: calls.shift()!, status: command.status, result: { ok: true }, durationMs: counter })
        break
      case 'input-request':
        requests.push(`req_${counter}`)
        payloads.push({
          type: 'input-request',
          requestId: `req_${counter}`,
          kind: command.forTool ? 'tool-approval' : 'workflow-input',
          prompt: 'Why?',
          expiresAt: 10_000,
          onTimeout: 'deny',
          ...(command.forTool && calls.length > 0 ? { toolCallId: calls[0], tool: 'echo' } : {}),
          ...node,
        } as JobEventPayload)
        break
      case 'input-response':
        if (requests.length > 0) payloads.push({ type: 'input-response', requestId: requests.shift()!, answer: command.answer, answeredAt: counter, answeredBy: 'user' })
        break
      case 'node-start':
        payloads.push({ type: 'node-start', nodeId: command.node, kind: 'agent' })
        break
      case 'node-end':
        payloads.push({ type: 'node-end', nodeId: command.node, status: command.status, output: { v: counter }, ...(command.status === 'failed' ? { error: 'boom' } : {}) })
        break
      case 'end':
        payloads.push({ type: 'job-end', status: command.status, metrics: emptyMetrics(), ...(command.status === 'failed' ? { error: { code: 'timeout', message: 'took too long' } } : {}) })
        break
    }
  }
  return payloads
}

/** Random payload lists. */
export const PAYLOADS = fc.array(COMMAND, { maxLength: 40 }).map(buildPayloads)

/** Random numbered logs (epoch 1). */
export const LOG = PAYLOADS.map(payloads => numberLog(payloads))
