/**
 * The type of a client tool's output flows from its `outputSchema` (decision 51): `defineTool`
 * gives the schema back with its type, so the browser's code types what it posts
 * (`z.input<typeof tool.outputSchema>`, e.g. as an AI SDK chat's tool output type) and the model
 * reads `z.output` of it. `outputSchema` on a server tool is a type error, as the registry refuses
 * it at boot. Checked by `tsc -p tests` (the expectTypeOf and @ts-expect-error lines) and by reading
 * an output with the schema.
 */
import type { UIDataTypes, UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { readClientOutput } from '../../server/lib/executor/client-tool-output'
import { defineTool } from '../../server/utils/define-tool'

const getLocation = defineTool({
  name: 'get_location',
  description: 'Where the browser is',
  parameters: z.object({ precise: z.boolean().optional() }),
  runtime: 'client',
  outputSchema: z.object({ lat: z.number(), label: z.string().default('here') }),
})

/** The browser's posted output, and what the model reads. */
type Posted = z.input<typeof getLocation.outputSchema>
type Read = z.output<typeof getLocation.outputSchema>

/** An AI SDK chat typed from the tool, as an app's page writes it. */
type LocationMessage = UIMessage<unknown, UIDataTypes, { get_location: { input: z.input<typeof getLocation.parameters>, output: Posted } }>

describe('the type of a client tool\'s output', () => {
  it('is its outputSchema\'s: the browser posts z.input of it, the model reads z.output of it', () => {
    expectTypeOf<Posted>().toEqualTypeOf<{ lat: number, label?: string | undefined }>()
    expectTypeOf<Read>().toEqualTypeOf<{ lat: number, label: string }>()
    expect(readClientOutput(getLocation, { lat: 1 } satisfies Posted)).toEqual({ lat: 1, label: 'here' } satisfies Read)
  })

  it('types the output an AI SDK chat posts for the tool', () => {
    const chat = new Chat<LocationMessage>({})
    // Never called: the lines are checked by tsc.
    const post = () => {
      void chat.addToolOutput({ tool: 'get_location', toolCallId: 'c1', output: { lat: 52.5 } })
      // @ts-expect-error lat must be a number, as the schema says
      void chat.addToolOutput({ tool: 'get_location', toolCallId: 'c1', output: { lat: '52.5' } })
    }
    expect(post).toBeTypeOf('function')
  })

  it('is undefined without an outputSchema, and a server tool cannot have one', () => {
    const free = defineTool({ name: 'get_color', description: 'A colour', parameters: z.object({}), runtime: 'client' })
    expectTypeOf(free.outputSchema).toEqualTypeOf<undefined>()
    // A client tool keeping an (unused) execute may have one.
    defineTool({ name: 'get_both', description: 'Both', parameters: z.object({}), runtime: 'client', execute: () => 1, outputSchema: z.number() })
    // @ts-expect-error outputSchema is a client tool's only (the registry refuses it at boot)
    defineTool({ name: 'get_time', description: 'The time', parameters: z.object({}), execute: () => '12:00', outputSchema: z.string() })
  })
})
