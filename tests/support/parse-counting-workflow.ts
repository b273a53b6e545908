/**
 * A workflow `tagged` whose input schema (`{ tags: string[] }`) counts its runs, for tests that
 * prove a body was or was not checked. Shared by refused-workflow-input-rate,
 * idempotent-retry-refused-window and idempotent-retry-spent-budget.
 */
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'

/** The workflow and its schema's run count (`parses.count`, which the test may reset). */
export function parseCountingWorkflow() {
  const parses = { count: 0 }
  const tagged = defineWorkflow({
    name: 'tagged',
    description: 'keeps a list of tags',
    input: z.preprocess((value) => {
      parses.count++
      return value
    }, z.object({ tags: z.array(z.string()) })),
    nodes: { say: { kind: 'output', value: 'Tagged' } },
    edges: [],
  })
  return { tagged, parses }
}
