/**
 * The /ai-sdk page's box kept its two rows whatever was typed: a long message was written and read
 * back through a two-line slot, where the main chat's box grows with its text up to its CSS
 * max-height (lib/fit-box.ts). The page's box (components/AiSdkComposer.vue) now fits its text the
 * same way, also once it empties on Send. Page rendered by tests/support/ai-sdk-page.ts; the fake
 * elements have no layout, so the text's height (`scrollHeight`) is set by the test.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'

const page = usePage()
let contentHeight = 40

afterEach(() => {
  delete (Object.prototype as Record<string, unknown>).scrollHeight
})

function type(box: FakeNode, text: string): void {
  box.value = text
  for (const listener of box.listeners.input ?? []) listener({ target: box })
}

describe('/ai-sdk page: the message box', () => {
  it('grows with its text and shrinks back once the message is sent', async () => {
    Object.defineProperty(Object.prototype, 'scrollHeight', { get: () => contentHeight, configurable: true })
    const root = page.mount()
    await settle()
    const box = allNodes(root).find(item => item.tag === 'textarea')!
    contentHeight = 300
    type(box, 'A long question. '.repeat(60))
    await settle()
    // The text's height and the box's two 1px borders.
    expect(box.style.height).toBe('302px')

    contentHeight = 40
    ;(box.props.onKeydown as (event: unknown) => void)({ key: 'Enter', shiftKey: false, isComposing: false, keyCode: 13, preventDefault: () => {} })
    await settle()
    expect(page.posted).toHaveLength(1)
    expect(box.style.height).toBe('42px')
  })
})
