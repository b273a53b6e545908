/**
 * A workflow that asks two questions in a row (first → second → done), and the config its
 * cross-instance tests run with (3 s leases), shared by the tests of forwarded answers.
 */
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { defineWorkflow } from '../../server/utils/define-workflow'

export const askTwiceConfig = resolveConfig({ scripted: { enabled: true }, workflows: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

export const askTwice = defineWorkflow({
  name: 'ask-twice',
  description: 'first → second → done',
  input: z.object({}),
  nodes: {
    first: { kind: 'input', prompt: 'First?', schema: z.object({ go: z.boolean() }), onTimeout: 'fail' },
    second: { kind: 'input', prompt: 'Second?', schema: z.object({ go: z.boolean() }), onTimeout: 'fail' },
    done: { kind: 'output', value: 'done' },
  },
  edges: [['first', 'second'], ['second', 'done']],
})
