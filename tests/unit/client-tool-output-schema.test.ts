/**
 * A `runtime: 'client'` tool's `outputSchema` (decision 51): the output the browser posts is
 * checked with it. A good one reaches the model as the schema reads it; a bad one ends the call as
 * a tool error naming the problems (describe-issues.ts), which the model reads and the server logs,
 * and the AI SDK chat goes on (not in error). Before, `outputSchema` was refused at boot as an
 * unknown key, and the browser's output reached the model whatever it was. The registry refuses
 * it on a server tool and where JSON could never match it.
 */
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithToolCalls } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { ModelRequest } from '../../server/lib/model/types'
import { createToolRegistry, InvalidToolDefinitionError } from '../../server/lib/tools/registry'
import type { AnyToolDefinition } from '../../server/lib/tools/types'
import { defineTool } from '../../server/utils/define-tool'
import { callsThenAnswer, LOCATION_CALL } from '../support/calls-then-answer'
import { recordingLogger } from '../support/recording-logger'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const place = z.object({ lat: z.number(), lon: z.number(), label: z.string().default('here') })
const getLocation = defineTool({ name: 'get_location', description: 'Where the browser is', parameters: z.object({}), runtime: 'client', outputSchema: place })
/** Its schema refuses a point outside the map in its own code: an async check, and one that throws. */
const asyncChecked = defineTool({ name: 'get_async', description: 'Checked later', parameters: z.object({}), runtime: 'client', outputSchema: z.string().refine(async () => true) })
const throwing = defineTool({ name: 'get_throwing', description: 'Checked by a lookup', parameters: z.object({}), runtime: 'client', outputSchema: z.string().refine(() => { throw new Error('lookup down at db://secret') }) })

const requests: ModelRequest[] = []
/** What the model read as `name`'s result in its last request. */
const told = (name = LOCATION_CALL.id) => JSON.parse(String(requests.at(-1)!.messages.find(message => message.role === 'tool' && message.tool_call_id === name)!.content)) as unknown
/** Calls the tool the user message names (`get_location` by default); then says what it read. */
const model = callsThenAnswer(requests, (request) => {
  const name = /get_\w+/.exec(String(request.messages.at(-1)!.content))?.[0] ?? 'get_location'
  return [{ ...LOCATION_CALL, name }]
}, request => `Read ${String(request.messages.find(message => message.role === 'tool')!.content)}`)

const { logger, lines } = recordingLogger()
const app = useServedRoutes({ runners: { chat: runChatJob }, model, tools: createToolRegistry([getLocation, asyncChecked, throwing]), logger })

/** A chat whose `onToolCall` answers with `output` (as `addToolOutput`) and posts automatically; `text` names the tool to call. */
async function ask(chatId: string, output: unknown, text = 'Where am I?') {
  const chat: Chat<UIMessage> = new Chat<UIMessage>({
    id: chatId,
    transport: new DefaultChatTransport<UIMessage>({ api: `${app.base}/api/jobs/chat` }),
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithToolCalls,
    onToolCall: ({ toolCall }) => void chat.addToolOutput({ tool: toolCall.toolName, toolCallId: toolCall.toolCallId, output } as never),
  })
  await chat.sendMessage({ text })
  const { state } = await app.engine.getJob('user-1', chat.lastMessage!.id)
  return { chat, state, part: chat.lastMessage!.parts.find(part => 'toolCallId' in part) as { state: string, output?: unknown, errorText?: string } }
}

describe('a client tool\'s outputSchema', () => {
  it('a good output reaches the model as the schema reads it (its default filled, a key it does not know dropped)', async () => {
    const { chat, state } = await ask('chat-schema-good', { lat: 52.5, lon: 13.4, accuracy: 20 })
    expect(told()).toEqual({ lat: 52.5, lon: 13.4, label: 'here' })
    expect(state.status).toBe('completed')
    expect(chat.status).toBe('ready')
  })

  it('a bad output ends the call as a tool error naming the problems: the model reads it, the chat goes on, the server logs it', async () => {
    lines.length = 0
    const { chat, state, part } = await ask('chat-schema-bad', { lat: '52.5' })
    const error = 'Tool "get_location" ran in the user\'s browser, but its output does not match the tool\'s outputSchema, so it is not used: lat: Invalid input: expected number, received string; lon: Invalid input: expected number, received undefined'
    // Before: the registry refused `outputSchema` at boot (an unknown key); without it the model read `{ lat: '52.5' }`.
    expect(told()).toEqual({ error })
    expect(state.toolCalls[0]).toMatchObject({ status: 'error', error })
    expect(state.status).toBe('completed')
    // The job's stream ended the call as it did: the client shows the error, not the output it gave.
    expect(chat.status).toBe('ready')
    expect(chat.error).toBeUndefined()
    expect(part).toMatchObject({ state: 'output-error', errorText: error })
    expect(lines).toContainEqual({ level: 'warn', message: expect.stringMatching(/^client tool "get_location": the browser's output was not used/), fields: expect.objectContaining({ tool: 'get_location', issues: expect.stringMatching(/^lat: Invalid input/) }) })
    // The SDK posts the message back as the stream left it: the settled stream, no 4xx.
    const again = await fetch(`${app.base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'chat-schema-bad', messages: chat.messages, trigger: 'submit-message', messageId: chat.lastMessage!.id }) })
    expect(again.status).toBe(200)
  })

  it('a schema that cannot check the output (async, or throwing in its own code) ends the call as an error saying so, without the thrown text', async () => {
    await ask('chat-schema-async', 'x', 'call get_async')
    expect(told()).toEqual({ error: expect.stringMatching(/^Tool "get_async" ran in the user's browser, but its output could not be checked: its outputSchema has an async refine or transform/) })
    lines.length = 0
    await ask('chat-schema-throwing', 'x', 'call get_throwing')
    expect(told()).toEqual({ error: 'Tool "get_throwing" ran in the user\'s browser, but its output could not be checked: its outputSchema threw while checking it (the tool\'s own check, not a problem found in the output); it is not used' })
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ tool: 'get_throwing', error: expect.objectContaining({ message: expect.stringContaining('lookup down') }) }) }))
  })
})

describe('outputSchema at boot', () => {
  const location = { name: 'get_location', description: 'Where the browser is', parameters: z.object({}) }
  const boot = (definition: object) => () => createToolRegistry([definition as AnyToolDefinition], { files: ['server/tools/get-location.ts'] })

  it('is refused on a server tool, naming the key and why', () => {
    expect(boot({ ...location, execute: () => ({ lat: 0 }), outputSchema: place })).toThrow(InvalidToolDefinitionError)
    expect(boot({ ...location, execute: () => ({ lat: 0 }), outputSchema: place })).toThrow('Invalid tool "get_location" in server/tools/get-location.ts: `outputSchema` is read only on a `runtime: \'client\'` tool')
  })

  it('is refused when it is no zod 4 schema, or has a type JSON can never be', () => {
    expect(boot({ ...location, runtime: 'client', outputSchema: { type: 'object' } })).toThrow(/`outputSchema` .*zod/)
    expect(boot({ ...location, runtime: 'client', outputSchema: z.object({ at: z.date() }) })).toThrow('`outputSchema` has at: z.date(), which the output the browser posts (JSON) can never be, so every output would be refused; use z.coerce.date()')
  })

  it('is taken on a client tool, with or without its unused execute', () => {
    const registry = createToolRegistry([getLocation, { ...location, name: 'get_both', runtime: 'client', execute: () => 1, outputSchema: place } as AnyToolDefinition])
    expect(registry.get('get_location')!.outputSchema).toBe(place)
    expect(registry.get('get_both')!.outputSchema).toBe(place)
  })
})
