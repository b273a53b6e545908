/**
 * Retry on the /ai-sdk page, beyond a failed answer's (demo-ai-sdk-retry.test.ts). A stopped
 * answer had no Retry, where the main chat's stopped turn offers one (lib/failure-kinds.ts,
 * `turnOffersRetry`): the newest stopped answer has it now, and asks the SDK to `regenerate()` it.
 * Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it } from 'vitest'
import type { UIMessage } from 'ai'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes } from '../support/demo-client-render'
import { click } from '../support/ai-sdk-composer'
import { settle, usePage } from '../support/ai-sdk-page'

const page = usePage()

/** A chat whose newest answer ended with `metadata` (as the demo's finish metadata has it). */
function chat(metadata: unknown): UIMessage[] {
  return [
    { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] },
    { id: 'job-1', role: 'assistant', metadata, parts: [{ type: 'text', text: 'Once upon', state: 'done' }] },
  ]
}
const STOPPED = { ended: 'aborted' }

function retryButtons(root: FakeNode): FakeNode[] {
  return allNodes(root).filter(item => item.tag === 'button' && String(item.props.class ?? '').includes('retry-answer'))
}

describe('/ai-sdk page: Retry under a stopped answer', () => {
  it('is offered on the newest stopped answer, not on one a newer message follows, and asks the SDK to regenerate it', async () => {
    page.loaded = [...chat(STOPPED), { id: 'u2', role: 'user', parts: [{ type: 'text', text: 'Again' }] }, { id: 'job-2', role: 'assistant', metadata: {}, parts: [{ type: 'text', text: 'Done', state: 'done' }] }]
    const older = page.mount()
    await settle()
    expect(retryButtons(older)).toEqual([])

    page.loaded = chat(STOPPED)
    const root = page.mount()
    await settle()
    expect(retryButtons(root)).toHaveLength(1)
    click(retryButtons(root)[0]!)
    await settle()
    const posted = page.posted.at(-1) as { trigger?: string, messages: UIMessage[] }
    expect(posted.trigger).toBe('regenerate-message')
    expect(posted.messages.map(message => message.id)).toEqual(['u1'])
  })
})
