/**
 * Send on the /ai-sdk page while a stop is under way ("Stopping…": `stop()` has closed the response,
 * the abort route has not answered yet). Send came back as soon as the response closed, and a
 * message sent then went out at once — while the abort route, which stops every running job of the
 * chat, was still to list them: the new answer could be stopped by the Stop pressed before it was
 * asked for. Send now waits for the stop (the text stays in the box), as the main chat's composer
 * offers no Send beside "Stopping…". Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it } from 'vitest'
import { buttons } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'
import { composerBox as box, typeMessage as type, submitMessage as submit } from '../support/ai-sdk-composer'

const page = usePage()

describe('/ai-sdk page: a message while the stop is under way', () => {
  it('is not sent until the abort route has answered', async () => {
    let stopped!: (value: unknown) => void
    page.abortReads = [async () => new Promise((resolve) => {
      stopped = resolve
    })]
    const root = page.mount()
    await settle()
    await type(root, 'Hello')
    await submit(root)
    expect(page.posted).toHaveLength(1)

    ;(buttons(root, 'Stop')[0]!.props.onClick as (event: unknown) => void)({})
    await settle()
    expect(buttons(root, 'Stopping…')).toHaveLength(1)
    await type(root, 'Next question')
    expect(buttons(root, 'Send').every(send => send.props.disabled === true)).toBe(true)
    await submit(root)
    expect(page.posted).toHaveLength(1)
    expect(box(root).value).toBe('Next question')

    stopped({ jobs: [] })
    await settle()
    expect(buttons(root, 'Send')[0]!.props.disabled).toBe(false)
    await submit(root)
    expect(page.posted).toHaveLength(2)
    expect(page.posted[1]!.messages.at(-1)!.parts).toEqual([{ type: 'text', text: 'Next question' }])
  })
})
