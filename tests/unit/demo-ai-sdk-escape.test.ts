/**
 * Escape in the /ai-sdk page's box stops the answer, as it does in the main chat (ChatComposer.vue)
 * and as the Stop button does: the job is aborted and the focus stays in the box. Before, Escape
 * did nothing there. A held Escape (the key repeats) or Escape after Stop asks the abort route only
 * once while a stop is under way. Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, buttons, focusState } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'

const page = usePage()

function box(root: FakeNode): FakeNode {
  return allNodes(root).find(item => item.tag === 'textarea')!
}

function press(root: FakeNode, key: string, extra: Record<string, unknown> = {}): { prevented: boolean } {
  const pressed = { prevented: false }
  ;(box(root).props.onKeydown as (event: unknown) => void)({ key, shiftKey: false, isComposing: false, keyCode: 0, ...extra, preventDefault: () => {
    pressed.prevented = true
  } })
  return pressed
}

async function sendHello(root: FakeNode): Promise<void> {
  const input = box(root)
  input.value = 'Hello'
  for (const listener of input.listeners.input ?? []) listener({ target: input })
  await settle()
  input.focus()
  press(root, 'Enter')
  await settle()
}

describe('/ai-sdk page: Escape', () => {
  it('stops the running answer, with the focus left in the box', async () => {
    const root = page.mount()
    await settle()
    await sendHello(root)
    expect(buttons(root, 'Stop')).toHaveLength(1)
    expect(press(root, 'Escape').prevented).toBe(true)
    await settle()
    expect(page.aborts).toEqual(['/api/jobs/chat/c1/abort'])
    expect(focusState.active).toBe(box(root))
  })

  it('asks the abort route once while a stop is under way', async () => {
    let stopped!: (value: unknown) => void
    page.abortReads = [async () => new Promise((resolve) => {
      stopped = resolve
    })]
    const root = page.mount()
    await settle()
    await sendHello(root)
    press(root, 'Escape')
    await settle()
    press(root, 'Escape')
    await settle()
    expect(page.aborts).toHaveLength(1)
    stopped({ jobs: [] })
    await settle()
  })

  it('does nothing while an input method composes, or when nothing runs', async () => {
    const root = page.mount()
    await settle()
    expect(press(root, 'Escape').prevented).toBe(false)
    await sendHello(root)
    expect(press(root, 'Escape', { isComposing: true }).prevented).toBe(false)
    expect(press(root, 'Escape', { keyCode: 229 }).prevented).toBe(false)
    await settle()
    expect(page.aborts).toEqual([])
  })
})
