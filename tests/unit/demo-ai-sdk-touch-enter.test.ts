/**
 * The /ai-sdk page's message box on a touch screen: an on-screen keyboard has no Shift+Enter, so
 * Enter sending meant a message of several lines could not be written (the first line went off on
 * its own). There, as in the main chat's box, Enter adds a line and Send sends; with a keyboard
 * Enter still sends. Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it, vi } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'

const page = usePage()

function box(root: FakeNode): FakeNode {
  return allNodes(root).find(item => item.tag === 'textarea')!
}

async function typeAndPressEnter(root: FakeNode): Promise<{ defaultPrevented: boolean }> {
  const input = box(root)
  input.value = 'First line'
  for (const listener of input.listeners.input ?? []) listener({ target: input })
  await settle()
  const pressed = { defaultPrevented: false }
  const keydown = { key: 'Enter', shiftKey: false, isComposing: false, keyCode: 13, ctrlKey: false, metaKey: false, preventDefault: () => { pressed.defaultPrevented = true } }
  ;(box(root).props.onKeydown as (event: unknown) => void)(keydown)
  await settle()
  return pressed
}

describe('/ai-sdk page: Enter in the message box', () => {
  it('on a touch screen adds a line: nothing is sent, the box says Send sends', async () => {
    vi.stubGlobal('window', { matchMedia: (query: string) => ({ matches: query === '(pointer: coarse)' }) })
    const root = page.mount()
    await settle()
    const pressed = await typeAndPressEnter(root)
    // The textarea's own Enter (a new line) goes ahead.
    expect(pressed.defaultPrevented).toBe(false)
    expect(page.posted).toHaveLength(0)
    expect(box(root).props.placeholder).toBe('Message…')
    expect(box(root).props.title).toBe('Send sends; Enter adds a line')
  })

  it('with a keyboard sends', async () => {
    const root = page.mount()
    await settle()
    const pressed = await typeAndPressEnter(root)
    expect(pressed.defaultPrevented).toBe(true)
    expect(page.posted).toHaveLength(1)
    expect(box(root).props.placeholder).toBe('Message… (Enter to send)')
  })
})
