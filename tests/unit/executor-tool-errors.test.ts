import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ofetch } from 'ofetch'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { isNetworkError } from '../../server/lib/executor/tool-errors'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import type { AnyToolDefinition } from '../../server/lib/tools/types'
import { defineTool } from '../../server/utils/define-tool'
import calculate from '../../demo/server/tools/calculate'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel, textStep, toolStep } from '../support/step-model'

const user = [{ role: 'user' as const, content: 'go' }]

/** Runs one model round asking for `call`, then a text answer; returns what the model was told. */
// Every thrown message shown (`tools.errorMessages: 'all'`): these tests read what the model is told of a throw.
async function runOneCall(call: { name: string, args?: unknown }, tools: AnyToolDefinition[], config: BackgroundJobsConfigInput = { tools: { errorMessages: 'all' } }) {
  const model = createStepModel([toolStep([{ id: 'c1', ...call }]), textStep('ok')])
  const fake = createFakeRunContext({ model, tools, config })
  const result = await runAgentLoop(fake.context, { messages: user })
  const toolMessage = model.requests[1]!.messages.find(message => message.role === 'tool')!
  return { ...fake, result, told: JSON.parse(toolMessage.content!) as unknown, call: fake.state().toolCalls[0]! }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('tool faults become results the model sees', () => {
  it('unknown tool: lists the available ones', async () => {
    const { told, call, result } = await runOneCall({ name: 'launch_rockets' }, [calculate])
    expect(told).toEqual({ error: 'Model tried to call unavailable tool "launch_rockets". Available tools: calculate.' })
    expect(call).toMatchObject({ name: 'launch_rockets', status: 'error', durationMs: 0 })
    expect(result.text).toBe('ok')
  })

  it('a registered but disabled tool is refused like an unknown one', async () => {
    const { told, call } = await runOneCall({ name: 'calculate', args: { expression: '1' } }, [calculate], { tools: { disabled: 'calculate' } })
    expect(told).toEqual({ error: expect.stringContaining('unavailable tool "calculate". No tools are available.') })
    expect(call.status).toBe('error')
  })

  it('invalid arguments: lists each zod issue with its path', async () => {
    const tool = defineTool({ name: 'book', description: 'Books', parameters: z.object({ city: z.string(), nights: z.number().int().min(1) }), execute: () => 'booked' })
    const { told, call } = await runOneCall({ name: 'book', args: { nights: 0 } }, [tool])
    expect(call.status).toBe('error')
    expect((told as { error: string }).error).toMatch(/^Invalid arguments for tool "book": city: .+; nights: .*>=1/)
  })

  it('a parameters schema with an async refine: the call fails saying what to change, and the job goes on', async () => {
    const tool = defineTool({ name: 'lookup', description: 'Looks up', parameters: z.object({ id: z.string().refine(async () => true) }), execute: () => 'found' })
    const { told, call, result } = await runOneCall({ name: 'lookup', args: { id: 'a' } }, [tool])
    expect(call.status).toBe('error')
    expect((told as { error: string }).error).toBe('Tool "lookup" cannot check its arguments: its parameters schema has an async refine or transform, which this server does not run (arguments are checked synchronously); make the schema synchronous and do async checks in execute')
    expect(result.text).toBe('ok')
  })

  it('arguments that are not JSON: says so, and the event keeps the raw text', async () => {
    const { told, call } = await runOneCall({ name: 'calculate', args: '{"expression": ' }, [calculate])
    expect((told as { error: string }).error).toMatch(/arguments are not valid JSON/)
    expect(call.args).toBe('{"expression": ')
  })

  it('a tool with no arguments accepts an empty arguments string', async () => {
    const tool = defineTool({ name: 'ping', description: 'Pings', parameters: z.object({}), execute: () => 'pong' })
    const { told, call } = await runOneCall({ name: 'ping', args: '' }, [tool])
    expect(told).toBe('pong')
    expect(call).toMatchObject({ status: 'completed', args: {} })
  })

  it('a throw becomes an error result with the message', async () => {
    const tool = defineTool({ name: 'boom', description: 'Throws', parameters: z.object({}), execute: () => { throw new Error('disk full') } })
    const { told, call, metrics } = await runOneCall({ name: 'boom' }, [tool])
    expect(told).toEqual({ error: 'Tool "boom" failed: disk full' })
    expect(call).toMatchObject({ status: 'error', error: 'Tool "boom" failed: disk full' })
    expect(metrics.tool_call_count).toBe(1)
  })

  it('whatever is thrown — no prototype, a hostile Proxy, an Error whose message getter throws — is an error result, never a failed job', async () => {
    const hostile = new Proxy({}, { get() { throw new Error('trap') }, getPrototypeOf() { throw new Error('trap') } })
    const badMessage = Object.defineProperty(new Error('x'), 'message', { get() { throw new Error('getter') } })
    for (const thrown of [Object.create(null), hostile, badMessage]) {
      const tool = defineTool({ name: 'odd', description: 'Throws oddly', parameters: z.object({}), execute: () => { throw thrown } })
      const { call, result } = await runOneCall({ name: 'odd', args: {} }, [tool])
      expect(call).toMatchObject({ status: 'error', error: expect.stringMatching(/^Tool "odd" failed: /) })
      expect(result.text).toBe('ok')
    }
  })

  it('a huge error message is cut in the event and for the model, and the job goes on', async () => {
    const tool = defineTool({ name: 'verbose', description: 'Throws a long message', parameters: z.object({}), execute: () => { throw new Error('M'.repeat(5_000_000)) } })
    const { told, call, result } = await runOneCall({ name: 'verbose', args: {} }, [tool])
    expect(call.status).toBe('error')
    expect(call.error!.length).toBeLessThan(4_100)
    expect(call.error).toMatch(/more characters cut\)$/)
    expect((told as { error: string }).error).toBe(call.error)
    expect(result.text).toBe('ok')
  })

  it('a result that is not JSON becomes an error result', async () => {
    const tool = defineTool({ name: 'big', description: 'BigInt', parameters: z.object({}), execute: () => ({ value: 10n }) })
    const { told } = await runOneCall({ name: 'big' }, [tool])
    expect((told as { error: string }).error).toMatch(/not JSON-serializable/)
  })

  it('a function result becomes an error result, not a crash', async () => {
    const tool = defineTool({ name: 'fn', description: 'Function', parameters: z.object({}), execute: () => () => 1 })
    const { told, call } = await runOneCall({ name: 'fn' }, [tool])
    expect((told as { error: string }).error).toMatch(/not JSON-serializable: a function has no JSON form/)
    expect(call.status).toBe('error')
  })

  it.each([
    ['a Map', () => ({ totals: new Map([['a', 1]]) }), /a Map at result\.totals, which JSON writes as \{\} \(return Object\.fromEntries\(map\)\)/],
    ['a Set', () => [1, new Set([2])], /a Set at result\[1\], which JSON writes as \{\}/],
    ['a nested BigInt', () => ({ rows: [{ id: 10n }] }), /a BigInt at result\.rows\[0\]\.id/],
    ['a cycle', () => { const node: Record<string, unknown> = {}; node.self = node; return node }, /a cycle at result\.self/],
    // A forgotten await: its rejection must not become an unhandled one either (Vitest fails the run on those).
    ['a Promise', () => ({ data: Promise.reject(new Error('fetch failed later')) }), /a Promise at result\.data, which JSON writes as \{\} \(await it before returning\)/],
    ['an Error', () => ({ error: new Error('no rows') }), /an Error at result\.error, which JSON writes as \{\} \(throw it, or return its message\)/],
    ['a value nested 200 000 levels deep', () => { let value: unknown = 1; for (let level = 0; level < 200_000; level++) value = { value }; return value }, /a value nested more than 500 levels deep at result(\.value){10}.*… \(flatten it\)$/],
    ['a getter that throws', () => ({ get total() { throw new Error('not loaded') } }), /not JSON-serializable: not loaded$/],
    ['a toJSON that throws', () => ({ when: { toJSON() { throw new Error('bad date') } } }), /not JSON-serializable: bad date$/],
    ['a RegExp', () => ({ pattern: /a+/g }), /a RegExp at result\.pattern, which JSON writes as \{\} \(return its source\)/],
    ['an ArrayBuffer', () => ({ file: new ArrayBuffer(8) }), /an ArrayBuffer at result\.file, which JSON writes as \{\}/],
    ['a DataView', () => [new DataView(new ArrayBuffer(2))], /a DataView at result\[0\], which JSON writes as \{\}/],
    // 5 MB of bytes: JSON writes {"0":137,"1":80,…} (59 MB), and walking it pair by pair took seconds of the server's thread.
    ['a typed array', () => ({ image: new Uint8Array(5_000_000) }), /a Uint8Array at result\.image, which JSON writes as an object keyed by index \(\{"0":…\}\) \(return Array\.from\(it\), or its bytes as base64 text\)/],
    // A forgotten `.json()`, or parts of a fetch returned as they are: JSON writes each of these as {}.
    ['a fetch Response', () => new Response('{"temp":21}'), /a Response at result, which JSON writes as \{\} \(return await response\.json\(\) or \.text\(\)\)/],
    ['Headers', () => ({ status: 200, headers: new Headers({ etag: 'x' }) }), /a Headers at result\.headers, which JSON writes as \{\} \(return Object\.fromEntries\(headers\)\)/],
    ['URLSearchParams', () => ({ query: new URLSearchParams('q=1') }), /a URLSearchParams at result\.query, which JSON writes as \{\}/],
    ['a Blob', () => [new Blob(['text'])], /a Blob at result\[0\], which JSON writes as \{\}/],
    ['FormData', () => ({ form: new FormData() }), /a FormData at result\.form, which JSON writes as \{\}/],
    ['a ReadableStream', () => ({ body: new Response('x').body }), /a ReadableStream at result\.body, which JSON writes as \{\}/],
  ])('%s in a result is an error result naming where it is, not silently {} or a JSON engine message', async (_label, execute, message) => {
    const tool = defineTool({ name: 'odd', description: 'odd values', parameters: z.object({}), execute: execute as () => unknown })
    const { told, call } = await runOneCall({ name: 'odd' }, [tool])
    expect(call.status).toBe('error')
    expect((told as { error: string }).error).toMatch(/^Tool "odd" returned a result that is not JSON-serializable: /)
    expect((told as { error: string }).error).toMatch(message)
  })

  it('the depth limit is 500 levels: a result that deep is fine, one level more is refused', async () => {
    const nested = (levels: number) => { let value: unknown = 1; for (let level = 0; level < levels; level++) value = [value]; return value }
    const deep = (levels: number) => runOneCall({ name: 'deep' }, [defineTool({ name: 'deep', description: 'deep', parameters: z.object({}), execute: () => nested(levels) })])
    expect((await deep(500)).call.status).toBe('completed')
    const { told, call } = await deep(501)
    expect(call.status).toBe('error')
    expect((told as { error: string }).error).toMatch(/a value nested more than 500 levels deep at result(\[0\]){10}/)
  })

  it('a value whose toJSON gives plain data (a Date, a class with toJSON) is fine, even when it holds itself', async () => {
    class Money { constructor(readonly cents: number, readonly self = {} as unknown) {} toJSON() { return { cents: this.cents } } }
    const tool = defineTool({ name: 'money', description: 'money', parameters: z.object({}), execute: () => { const money = new Money(5); (money as { self: unknown }).self = money; return { money, at: new Date(0) } } })
    const { call } = await runOneCall({ name: 'money' }, [tool])
    expect(call.result).toEqual({ money: { cents: 5 }, at: '1970-01-01T00:00:00.000Z' })
  })

  it('a toJSON that returns its own object is written as that object, as JSON does (toJSON is called once, not 500 times)', async () => {
    let calls = 0
    const tool = defineTool({ name: 'record', description: 'record', parameters: z.object({}), execute: () => ({ row: { id: 7, toJSON() { calls++; return this } } }) })
    const { call, told } = await runOneCall({ name: 'record' }, [tool])
    expect(told).toEqual({ row: { id: 7 } })
    expect(call).toMatchObject({ status: 'completed', result: { row: { id: 7 } } })
    // Once by the check, once by JSON.stringify.
    expect(calls).toBe(2)
  })

  it('an Array subclass whose constructor takes no length (a collection class) is written as JSON writes it', async () => {
    class Rows extends Array<number> {
      constructor(items: number[]) {
        super()
        this.push(...items)
      }
    }
    const tool = defineTool({ name: 'rows', description: 'rows', parameters: z.object({}), execute: () => ({ rows: new Rows([1, 2]) }) })
    const { call } = await runOneCall({ name: 'rows' }, [tool])
    expect(call).toMatchObject({ status: 'completed', result: { rows: [1, 2] } })
  })

  it('results reach events as plain JSON data', async () => {
    const tool = defineTool({ name: 'when', description: 'Date', parameters: z.object({}), execute: () => ({ at: new Date(0) }) })
    const { call } = await runOneCall({ name: 'when' }, [tool])
    expect(call.result).toEqual({ at: '1970-01-01T00:00:00.000Z' })
  })

  it('undefined results are sent as null', async () => {
    const tool = defineTool({ name: 'void', description: 'Nothing', parameters: z.object({}), execute: () => undefined })
    const { told, call } = await runOneCall({ name: 'void' }, [tool])
    expect(told).toBeNull()
    expect(call.status).toBe('completed')
  })

  it('a timeout fires the tool signal and becomes a timeout result, even if the tool ignores it', async () => {
    vi.useFakeTimers()
    let toolSignal: AbortSignal | undefined
    const stuck = defineTool({ name: 'stuck', description: 'Never ends', parameters: z.object({}), timeoutMs: 5000, execute: (_args, { signal }) => {
      toolSignal = signal
      return new Promise(() => {})
    } })
    const fake = createFakeRunContext({ model: createStepModel([]), tools: [stuck] })
    const outcome = executeToolCall(fake.context, { id: 't', name: 'stuck', args: {}, step: 1 })
    await vi.advanceTimersByTimeAsync(4999)
    expect(fake.state().toolCalls[0]!.status).toBe('running')
    await vi.advanceTimersByTimeAsync(1)
    expect(await outcome).toMatchObject({ status: 'timeout', error: 'Tool "stuck" timed out after 5000 ms', durationMs: 5000 })
    expect(toolSignal!.aborted).toBe(true)
    expect(fake.state().toolCalls[0]).toMatchObject({ status: 'timeout', durationMs: 5000 })
    expect(fake.metrics.tool_execution_time_ms).toBe(5000)
  })

  it('the default timeout comes from limits.toolTimeoutMs', async () => {
    vi.useFakeTimers()
    const stuck = defineTool({ name: 'stuck', description: 'Never ends', parameters: z.object({}), execute: () => new Promise(() => {}) })
    const fake = createFakeRunContext({ model: createStepModel([]), tools: [stuck], config: { limits: { toolTimeoutMs: 250 } } })
    const outcome = executeToolCall(fake.context, { id: 't', name: 'stuck', args: {}, step: 1 })
    await vi.advanceTimersByTimeAsync(250)
    expect(await outcome).toMatchObject({ status: 'timeout' })
  })
})

describe('retry on network errors', () => {
  const networkError = () => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) })

  it('retries a retryable tool once on a network-type error', async () => {
    const execute = vi.fn().mockRejectedValueOnce(networkError()).mockResolvedValueOnce('second time lucky')
    const tool = defineTool({ name: 'fetcher', description: 'Fetches', parameters: z.object({}), retryable: true, execute })
    const { told } = await runOneCall({ name: 'fetcher' }, [tool])
    expect(told).toBe('second time lucky')
    expect(execute).toHaveBeenCalledTimes(2)
  })

  it('retries only once', async () => {
    const execute = vi.fn().mockRejectedValue(networkError())
    const tool = defineTool({ name: 'fetcher', description: 'Fetches', parameters: z.object({}), retryable: true, execute })
    const { call } = await runOneCall({ name: 'fetcher' }, [tool])
    expect(call.status).toBe('error')
    expect(execute).toHaveBeenCalledTimes(2)
  })

  it('does not retry other errors, nor tools that are not retryable', async () => {
    const logicError = vi.fn().mockRejectedValue(new Error('bad input'))
    await runOneCall({ name: 'a' }, [defineTool({ name: 'a', description: 'A', parameters: z.object({}), retryable: true, execute: logicError })])
    expect(logicError).toHaveBeenCalledTimes(1)
    const notRetryable = vi.fn().mockRejectedValue(networkError())
    await runOneCall({ name: 'b' }, [defineTool({ name: 'b', description: 'B', parameters: z.object({}), execute: notRetryable })])
    expect(notRetryable).toHaveBeenCalledTimes(1)
  })

  it('an HTTP error answer is not a network error: a retryable tool using $fetch (ofetch) does not send its POST again after a 500 or a 409', async () => {
    let requests = 0
    const server = createServer((request, response) => {
      requests++
      response.statusCode = request.url === '/conflict' ? 409 : 500
      response.setHeader('content-type', 'application/json')
      response.end('{"error":"not this time"}')
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const tool = defineTool({
        name: 'create_order',
        description: 'Creates an order',
        parameters: z.object({ path: z.string() }),
        retryable: true,
        execute: async ({ path }, { signal }) => await ofetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body: {}, retry: 0, signal }),
      })
      for (const path of ['/fail', '/conflict']) {
        const { call } = await runOneCall({ name: 'create_order', args: JSON.stringify({ path }) }, [tool])
        expect(call).toMatchObject({ status: 'error', error: expect.stringContaining(`Tool "create_order" failed: [POST] "http://127.0.0.1:${port}${path}": ${path === '/fail' ? 500 : 409}`) })
      }
      // One request per call: the order was not created twice.
      expect(requests).toBe(2)
    }
    finally {
      server.close()
    }
    // ofetch's error for a request that got no answer is still one (its cause is `fetch failed`).
    expect(isNetworkError(await ofetch('http://127.0.0.1:1/', { retry: 0 }).catch((error: unknown) => error))).toBe(true)
  })

  it('recognises network errors by code, through causes', () => {
    expect(isNetworkError(networkError())).toBe(true)
    expect(isNetworkError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true)
    expect(isNetworkError(new Error('ECONNRESET in the message only'))).toBe(false)
    expect(isNetworkError('ECONNRESET')).toBe(false)
  })
})
