/**
 * Right-to-left text on the /ai-sdk page: the box and the user's messages take their direction
 * from what is written (`dir="auto"`), as the main chat's do (ChatComposer.vue, UserMessage.vue;
 * docs/client.md says so of the demo), so Hebrew or Arabic reads from the right. Before, both were
 * left to right whatever their text. The answers' Markdown blocks already say it (lib/markdown.ts).
 * Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it } from 'vitest'
import { allNodes, textOf } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'

const page = usePage()

describe('/ai-sdk page: text direction', () => {
  it('lets the box and a user message follow their text (dir="auto")', async () => {
    page.loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'מה השעה?' }] },
      { id: 'job-1', role: 'assistant', parts: [{ type: 'text', text: 'Noon.', state: 'done' }] },
    ]
    const root = page.mount()
    await settle()
    const box = allNodes(root).find(item => item.tag === 'textarea')!
    const said = allNodes(root).find(item => item.tag === 'p' && textOf(item) === 'מה השעה?')!
    expect({ box: box.props.dir, said: said.props.dir }).toEqual({ box: 'auto', said: 'auto' })
  })
})
