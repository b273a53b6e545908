/**
 * A tool (or a library it calls) that throws a plain object instead of an Error — `throw await
 * response.json()`, a client's `{ code, message }` error — must tell the model what went wrong,
 * in-process and across the isolation boundary alike.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { describeThrown } from '../../server/lib/executor/tool-errors'
import { serializeError } from '../../server/lib/isolation/protocol'
import { defineTool } from '../../server/utils/define-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel, textStep, toolStep } from '../support/step-model'

async function toolError(thrown: unknown) {
  const tool = defineTool({ name: 'lookup', description: 'Looks up', parameters: z.object({}), execute: () => { throw thrown } })
  const model = createStepModel([toolStep([{ id: 'c1', name: 'lookup' }]), textStep('ok')])
  // Every thrown message shown: the test reads what the model is told of one.
  const fake = createFakeRunContext({ model, tools: [tool], config: { tools: { errorMessages: 'all' } } })
  await runAgentLoop(fake.context, { messages: [{ role: 'user', content: 'go' }] })
  return fake.state().toolCalls[0]!.error
}

describe('a thrown plain object', () => {
  it('with a message: the model reads the message, not [object Object]', async () => {
    expect(await toolError({ code: 'PGRST116', message: 'no row matched id 7' })).toBe('Tool "lookup" failed: no row matched id 7')
  })

  it('without one (an error body thrown as it is): the model reads it as JSON', async () => {
    expect(await toolError({ error: { status: 404, detail: 'city not found' } })).toBe('Tool "lookup" failed: {"error":{"status":404,"detail":"city not found"}}')
  })

  it('one holding itself (an HTTP client\'s response, whose request holds it): the model reads its JSON with the cycle marked, not [object Object]', async () => {
    const response: Record<string, unknown> = { status: 503, statusText: 'Service Unavailable', data: { error: 'overloaded' } }
    response.request = { method: 'GET', path: '/weather', res: response }
    expect(await toolError(response)).toBe('Tool "lookup" failed: {"status":503,"statusText":"Service Unavailable","data":{"error":"overloaded"},"request":{"method":"GET","path":"/weather","res":"[Circular]"}}')
    // One met twice, not inside itself, is no cycle: written both times.
    const shared = { region: 'eu' }
    expect(describeThrown({ from: shared, to: shared })).toBe('{"from":{"region":"eu"},"to":{"region":"eu"}}')
    expect(serializeError(response).message).toBe(describeThrown(response))
  })

  it('the isolation boundary carries the same text', () => {
    expect(serializeError({ code: 'E1', message: 'quota used up' }).message).toBe('quota used up')
    expect(serializeError({ reason: 'busy' }).message).toBe('{"reason":"busy"}')
  })

  it('one JSON cannot write, or a huge one, still gives bounded text; strings, null and Errors are as before', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(describeThrown(cyclic)).toBe('{"self":"[Circular]"}')
    expect(describeThrown({ id: 1n })).toBe('an object with no message and no text or JSON form (keys: id)')
    expect(describeThrown({ rows: 'x'.repeat(100_000) }).length).toBeLessThan(5_000)
    expect(describeThrown(Object.create(null))).toBe('{}')
    expect(describeThrown('a string')).toBe('a string')
    expect(describeThrown(null)).toBe('null')
    expect(describeThrown(new Error('disk full'))).toBe('disk full')
    expect(describeThrown({ toString: () => 'custom text' })).toBe('custom text')
  })

  // Its toString threw, and the whole value was told as `[object Object]`, though its JSON or
  // its keys said what went wrong (an SDK's error object whose toString reads a field it lacks).
  it('one whose toString throws: its JSON, else its keys; never [object Object]', async () => {
    const throwing = () => { throw new TypeError('cannot read properties of undefined') }
    expect(await toolError({ code: 'E_QUOTA', retryAfter: 30, toString: throwing })).toBe('Tool "lookup" failed: {"code":"E_QUOTA","retryAfter":30}')
    expect(describeThrown({ id: 1n, toString: throwing })).toBe('an object with no message and no text or JSON form (keys: id, toString)')
    // A message getter that throws, or a Proxy whose prototype lookup throws, leaves the rest to tell it.
    expect(describeThrown({ get message() { return throwing() }, toString: throwing, code: 'E1' })).toBe('an object with no message and no text or JSON form (keys: message, toString, code)')
    expect(describeThrown(new Proxy({ code: 'E2' }, { getPrototypeOf: throwing }))).toBe('{"code":"E2"}')
    expect(serializeError({ code: 'E_QUOTA', toString: throwing }).message).toBe('{"code":"E_QUOTA"}')
  })
})

// An Error whose message getter throws was told as `[object Error]`, which says nothing the
// reader did not know; its name (or its class's) says which error it was.
describe('a thrown Error whose message cannot be read', () => {
  const unreadable = <T extends Error>(error: T): T => Object.defineProperty(error, 'message', { get() { throw new Error('message getter') } })
  class QuotaError extends Error {}

  it('is told by its name, else its class name, saying its message could not be read', async () => {
    expect(await toolError(unreadable(new TypeError('x')))).toBe('Tool "lookup" failed: TypeError (its message could not be read)')
    expect(describeThrown(unreadable(new QuotaError('x')))).toBe('QuotaError (its message could not be read)')
    // A message that is not text and cannot become it is no better.
    expect(describeThrown(Object.assign(new RangeError(), { message: { toString: () => { throw new Error('no') } } }))).toBe('RangeError (its message could not be read)')
    // Across the isolation boundary alike.
    expect(serializeError(unreadable(new TypeError('x'))).message).toBe('TypeError (its message could not be read)')
  })

  it('one whose every read throws is still an Error, and a long name is cut', () => {
    const hostile = new Proxy(new Error('x'), { get() { throw new Error('trap') } })
    expect(describeThrown(hostile)).toBe('Error (its message could not be read)')
    const long = unreadable(Object.assign(new Error('x'), { name: 'N'.repeat(1_000) }))
    expect(describeThrown(long)).toBe(`${'N'.repeat(100)}… (its message could not be read)`)
  })
})
