/**
 * A tool call's name is the model's (or a proxy's): the stream parser bounds a line only at 16
 * MiB, and the name went whole into the job's `tool-call` event (every snapshot, replay and
 * viewer), the call's span and the AI SDK's tool part type (`tool-<name>`). A name longer than
 * any tool's can never be called, so the parser cuts it at `MAX_TOOL_CALL_NAME_BYTES` UTF-8 bytes
 * with `…` (decision 52); the call still ends as the unknown-tool error that lists the tools.
 */
import { trace } from '@opentelemetry/api'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JobEvent } from '../../shared/events'
import { createJobState } from '../../shared/reducer'
import { createUiChunkMapper } from '../../server/lib/ai-sdk/chunk-mapper'
import { partsFromChunks } from '../../server/lib/ai-sdk/ui-parts'
import { utf8ByteLength } from '../../server/lib/bytes'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { parseChatCompletionStream } from '../../server/lib/model/parse-stream'
import type { ModelEvent } from '../../server/lib/model/types'
import { TOOL_NAME_PATTERN } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { fakeRunOn, recordingUpstream, sse } from '../support/recording-upstream'
import { useTracingPerTest } from '../support/tracing'

/** The bound (tool-call-name.ts), written out: the longest name `TOOL_NAME_PATTERN` takes. */
const limit = 64

const lookup = defineTool({ name: 'lookup', description: 'Looks a city up', parameters: z.object({ city: z.string() }), execute: async ({ city }) => ({ city }) })
const ANSWER = sse([{ content: 'Done.' }], 'stop')
const callRound = (name: string) => sse([{ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name, arguments: '{"city":"Paris"}' } }] }], 'tool_calls')

/** The names of the tool calls the parser yields for a body sent in these pieces. */
async function parsedNames(...bodies: string[]): Promise<string[]> {
  const events: ModelEvent[] = []
  const bytes = (async function* () {
    for (const body of bodies) yield new TextEncoder().encode(body)
  })()
  for await (const event of parseChatCompletionStream(bytes)) events.push(event)
  return events.flatMap(event => event.type === 'tool-call' ? [event.call.name] : [])
}

const huge = `get_${'x'.repeat(1024 * 1024)}`
const cutHuge = `get_${'x'.repeat(limit - 4)}…`

describe('the bound', () => {
  it('is the longest name a tool can have, in bytes', () => {
    expect(TOOL_NAME_PATTERN.test('a'.repeat(limit))).toBe(true)
    expect(TOOL_NAME_PATTERN.test('a'.repeat(limit + 1))).toBe(false)
  })
})

describe('the parser', () => {
  it('cuts a 1 MiB name to the bound, with …', async () => {
    const [name] = await parsedNames(callRound(huge))
    expect(name).toBe(cutHuge)
    expect(utf8ByteLength(name!)).toBe(limit + 3)
  })

  it('passes a name of the bound whole, and cuts one byte more', async () => {
    expect(await parsedNames(callRound('a'.repeat(limit)))).toEqual(['a'.repeat(limit)])
    expect(await parsedNames(callRound('a'.repeat(limit + 1)))).toEqual([`${'a'.repeat(limit)}…`])
  })

  it('counts UTF-8 bytes and never cuts inside a character', async () => {
    // 40 × é is 80 bytes (40 characters); 62 a and an emoji are 66 bytes (64 code units).
    expect(await parsedNames(callRound('é'.repeat(40)))).toEqual([`${'é'.repeat(limit / 2)}…`])
    expect(await parsedNames(callRound(`${'a'.repeat(62)}😀`))).toEqual([`${'a'.repeat(62)}…`])
  })

  it('still joins a long name repeated on every fragment into one call', async () => {
    const name = 'n'.repeat(500)
    const fragment = (args: string) => ({ tool_calls: [{ index: 0, type: 'function', function: { name, arguments: args } }] })
    expect(await parsedNames(sse([fragment('{"city":'), fragment('"Paris"}')], 'tool_calls'))).toEqual([`${'n'.repeat(limit)}…`])
  })
})

describe('a chat job whose model calls a 1 MiB name', () => {
  const tracing = useTracingPerTest()

  it('stores, traces and maps the cut name; the model reads the unknown-tool error with the tools', async () => {
    const upstream = recordingUpstream([callRound(huge), ANSWER], ANSWER)
    const fake = fakeRunOn(upstream.fetch, [lookup])
    // A recording parent: the loop's spans are children of the job's (started by the engine).
    await trace.getTracer('test').startActiveSpan('job', async (span) => {
      await runChatJob(fake.context, { type: 'chat', messages: [{ role: 'user', content: 'Paris' }] })
      span.end()
    })
    const [call] = fake.eventsOf('tool-call')
    expect(call!.name).toBe(cutHuge)
    const [result] = fake.eventsOf('tool-result')
    expect(result!.error).toBe(`Model tried to call unavailable tool "${cutHuge}". Available tools: lookup.`)
    expect(fake.state().content).toBe('Done.')
    // No event of the job holds the name whole.
    expect(Math.max(...fake.events.map(event => JSON.stringify(event).length))).toBeLessThan(1000)

    expect(tracing().named('background_jobs.tool_call').map(span => span.attributes['gen_ai.tool.name'])).toEqual([cutHuge])

    const mapper = createUiChunkMapper({ messageId: 'job-1', known: createJobState({ id: 'job-1', type: 'chat', createdAt: 0 }) })
    const chunks = fake.events.flatMap((event: JobEvent) => mapper.frame({ event: event.type, id: event.seq, data: event }))
    expect(partsFromChunks(chunks).filter(part => part.type.startsWith('tool-')).map(part => part.type)).toEqual([`tool-${cutHuge}`])
  })
})
