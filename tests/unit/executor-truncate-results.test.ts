import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { truncateUtf8, utf8ByteLength } from '../../server/lib/bytes'
import { summarizeResult, truncateResults } from '../../server/lib/executor/truncate-results'
import { defineTool } from '../../server/utils/define-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel, textStep, toolStep } from '../support/step-model'

describe('truncateResults', () => {
  it('leaves results exactly at the limit untouched', () => {
    const contents = ['a'.repeat(60), 'b'.repeat(40)]
    expect(truncateResults(contents, 100)).toEqual({ contents, truncated: false })
  })

  it('cuts results one byte over the limit, with a notice to the model', () => {
    const { contents, truncated } = truncateResults(['a'.repeat(61), 'b'.repeat(40)], 100)
    expect(truncated).toBe(true)
    expect(contents[1]).toBe('b'.repeat(40))
    expect(contents[0]).toMatch(/^a{60}\n\[truncated: 1 bytes omitted .*limits\.maxResultBytes/)
  })

  it('shares the limit fairly: small results stay whole, big ones split the rest', () => {
    const { contents } = truncateResults(['s'.repeat(10), 'x'.repeat(1000), 'y'.repeat(1000)], 110)
    expect(contents[0]).toBe('s'.repeat(10))
    expect(contents.slice(1).map(content => content.split('\n')[0]!.length)).toEqual([50, 50])
  })

  it('never splits a multi-byte character', () => {
    expect(truncateUtf8('aé€😀', 1)).toBe('a')
    expect(truncateUtf8('aé€😀', 2)).toBe('a')
    expect(truncateUtf8('aé€😀', 3)).toBe('aé')
    expect(truncateUtf8('aé€😀', 9)).toBe('aé€')
    expect(truncateUtf8('aé€😀', 10)).toBe('aé€😀')
    expect(utf8ByteLength('aé€😀')).toBe(10)
  })

  it('keeps small results in events and previews big ones', () => {
    expect(summarizeResult({ a: 1 }, '{"a":1}', 100)).toEqual({ a: 1 })
    expect(summarizeResult('x'.repeat(200), JSON.stringify('x'.repeat(200)), 10)).toBe(`"xxxxxxxxx… (202 bytes in all)`)
  })
})

describe('truncation in the loop', () => {
  async function toolMessages(resultSizes: number[], maxResultBytes: number) {
    const blob = defineTool({ name: 'blob', description: 'Returns text', parameters: z.object({ size: z.number() }), execute: ({ size }) => 'z'.repeat(size) })
    const model = createStepModel([toolStep(resultSizes.map((size, index) => ({ id: `c${index}`, name: 'blob', args: { size } }))), textStep('ok')])
    const fake = createFakeRunContext({ model, tools: [blob], config: { limits: { maxResultBytes } } })
    await runAgentLoop(fake.context, { messages: [{ role: 'user', content: 'go' }] })
    return model.requests[1]!.messages.filter(message => message.role === 'tool').map(message => message.content!)
  }

  it('combined results exactly at limits.maxResultBytes reach the model whole', async () => {
    // Each JSON string result is its length plus two quotes.
    const contents = await toolMessages([48, 48], 100)
    expect(contents.map(utf8ByteLength)).toEqual([50, 50])
    expect(contents.join('')).not.toContain('[truncated')
  })

  it('one byte over is truncated with a notice', async () => {
    const contents = await toolMessages([48, 49], 100)
    expect(contents[0]).toBe(JSON.stringify('z'.repeat(48)))
    expect(contents[1]).toMatch(/^"z{49}\n\[truncated: 1 bytes omitted/)
  })
})
