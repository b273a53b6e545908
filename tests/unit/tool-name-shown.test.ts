import { describe, expect, it } from 'vitest'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { interruptedCallError } from '../../server/lib/executor/continuation'
import { maxCallsPerStep, maxSteps, repeatedCall, wallClockBudget } from '../../server/lib/executor/stop-conditions'
import type { LoopProgress } from '../../server/lib/executor/stop-conditions'
import { NoSuchToolError } from '../../server/lib/executor/tool-errors'
import { toolRoundMessages } from '../../server/lib/http/earlier-tool-outcomes'
import { JobFailure } from '../../server/lib/run-context'
import * as toolNameList from '../../server/lib/tool-name-list'
import * as runWorkflowJob from '../../server/lib/workflows/run-workflow-job'
import { createJobState, reduceEvents } from '../../shared/reducer'
import calculate from '../../demo/server/tools/calculate'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel, textStep, toolStep } from '../support/step-model'

// A tool name is the model's (or a proxy's): any length, any characters. What a user reads of it
// is bounded and escaped (tool-name-list.ts). Read through the namespace: before the fix the
// module had no `shownToolName`, and these tests failed on their assertions, not on an import.
const { MAX_SHOWN_TOOL_NAME_CHARS, boundedToolName, shownToolName } = toolNameList as Partial<typeof toolNameList>
const limit = MAX_SHOWN_TOOL_NAME_CHARS ?? 100
const { interruptedNodeCallError } = runWorkflowJob as Partial<typeof runWorkflowJob>

const huge = `get_${'x'.repeat(10 * 1024)}`
const controls = 'get\nweather\u0000\r\u001B[31m'

/** True when `text` holds a character a reader should not get raw (a control, a separator, a bidi override). */
const hasRawControl = (text: string) => /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/.test(text)

const progress = (names: string[], extra: Partial<LoopProgress> = {}): LoopProgress =>
  ({ step: 1, calls: names.map(name => ({ name, key: `${name}:{}` })), previousCalls: new Map(), elapsedMs: 0, ...extra })

describe('shownToolName', () => {
  it('shows a registered name quoted, as before', () => {
    expect(shownToolName?.('get_weather')).toBe('"get_weather"')
  })

  it('cuts a 10 KB name to MAX_SHOWN_TOOL_NAME_CHARS with an ellipsis', () => {
    expect(limit).toBe(100)
    expect(shownToolName?.(huge)).toBe(`"get_${'x'.repeat(limit - 4)}…"`)
    expect(boundedToolName?.(huge)).toBe(`get_${'x'.repeat(limit - 4)}…`)
    expect(boundedToolName?.('calculate')).toBe('calculate')
  })

  it('escapes control characters, quotes, separators and bidi overrides', () => {
    expect(shownToolName?.(controls)).toBe('"get\\nweather\\u0000\\r\\u001b[31m"')
    expect(shownToolName?.('a"b\\c\u2028\u202Ed\u0085')).toBe('"a\\"b\\\\c\\u2028\\u202ed\\u0085"')
  })

  it('never cuts between the halves of an emoji', () => {
    const shown = shownToolName?.(`${'a'.repeat(limit - 1)}😀`) ?? ''
    expect(shown).toBe(`"${'a'.repeat(limit - 1)}…"`)
  })
})

describe('tool names the model sent, in what a user reads', () => {
  for (const [label, name] of [['a 10 KB name', huge], ['a name with \\n and \\u0000', controls]] as const) {
    it(`${label}: every stop condition's message and toolName are bounded and escaped`, () => {
      const reasons = [
        maxSteps(1)(progress([name])),
        maxCallsPerStep(1)(progress([name, name])),
        repeatedCall(1)(progress([name])),
        wallClockBudget(10)(progress([name], { elapsedMs: 10 })),
      ]
      for (const reason of reasons) {
        expect(reason).toBeDefined()
        expect(reason!.message.length).toBeLessThan(400)
        expect(hasRawControl(reason!.message)).toBe(false)
        expect(reason!.toolName!.length).toBeLessThanOrEqual(limit + 1)
      }
      expect(reasons[2]!.message).toContain(`called tool "${name.slice(0, 3)}`)
    })

    it(`${label}: an unknown tool's error keeps the list of available tools, and a lost call's error is bounded`, () => {
      const error = new NoSuchToolError(name, ['calculate', 'search'])
      expect(error.message).toMatch(/Available tools: calculate, search\.$/)
      expect(error.message.length).toBeLessThan(300)
      expect(hasRawControl(error.message)).toBe(false)
      const lost = interruptedCallError({ id: 'c1', name, status: 'running' })
      expect(lost.length).toBeLessThan(400)
      expect(hasRawControl(lost)).toBe(false)
    })
  }

  it('a model that calls a 10 KB name with \\n again and again: the tool results and the job error are bounded', async () => {
    const name = `${huge}\n\u0000`
    const model = createStepModel([1, 2, 3].map(n => toolStep([{ id: `c${n}`, name, args: {} }])).concat([textStep('never')]))
    const fake = createFakeRunContext({ model, tools: [calculate] })
    const failure = await runAgentLoop(fake.context, { messages: [{ role: 'user', content: 'go' }] }).then(() => null, (error: unknown) => error)
    expect(failure).toBeInstanceOf(JobFailure)
    const { code, message, details } = failure as JobFailure
    expect(code).toBe('repeated-call')
    expect(message.length).toBeLessThan(400)
    expect(hasRawControl(message)).toBe(false)
    expect(details.toolName).toBe(`get_${'x'.repeat(limit - 4)}…`)
    const results = fake.state().toolCalls.map(call => call.error ?? '')
    expect(results).toHaveLength(2)
    for (const error of results) {
      expect(error).toMatch(/^Model tried to call unavailable tool "get_x+…"\. Available tools: calculate\.$/)
    }
  })
})

describe('a stored call of a name the model sent, that got no result', () => {
  const name = `${huge}\n\u0000`
  const state = reduceEvents(createJobState({ id: 'job-1', type: 'chat', createdAt: 0 }), [
    { seq: 1, at: 0, type: 'tool-call', id: 'c1', name, args: {}, step: 1 },
  ])

  it('a later turn tells the model so with the name bounded and escaped', () => {
    const told = toolRoundMessages(state, { maxResultBytes: 51_200, maxMessageChars: 1_000_000 }, false).find(message => message.role === 'tool')!
    const { error } = JSON.parse(told.content!) as { error: string }
    expect(error).toMatch(/^The tool "get_x+…" got no result: the job ended before it answered$/)
  })

  it('a workflow node\'s call cut off by a takeover ends with the name bounded and escaped', () => {
    for (const status of ['running', 'waiting-approval'] as const) {
      const error = interruptedNodeCallError?.({ name, status, nodeId: 'research' }) ?? ''
      expect(error).toMatch(/^The tool "get_x+…" (was interrupted|was not run): .*; node "research" runs again$/)
    }
  })
})
