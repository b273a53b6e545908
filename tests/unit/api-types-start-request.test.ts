import { describe, expectTypeOf, it } from 'vitest'
import type { StartChatRequest, StartWorkflowRequest } from '../../app/lib/api-types'

// api.md: POST /api/jobs takes `messageId?` for a chat and for a workflow job alike (the demo's
// Retry of a workflow turn sends it). Checked by `tsc -p tests`.
describe('the browser\'s start request types', () => {
  it('both take the message a job answers', () => {
    expectTypeOf<StartChatRequest>().toHaveProperty('messageId').toEqualTypeOf<string | undefined>()
    expectTypeOf<StartWorkflowRequest>().toHaveProperty('messageId').toEqualTypeOf<string | undefined>()
  })
})
