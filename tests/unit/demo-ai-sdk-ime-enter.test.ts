/**
 * Enter that confirms a word an input method composed (Japanese, Chinese, Korean) must not send
 * the message on the /ai-sdk page. Safari ends the composition before that keydown, which then
 * says so only by its keyCode 229; the main chat's box checks it (ChatComposer.vue), this page's
 * did not, so a half-typed message went off at the first confirmed word. Page rendered by
 * tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it } from 'vitest'
import { allNodes } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'

const page = usePage()

describe('/ai-sdk page: Enter from an input method', () => {
  it('confirms the word and sends nothing (Safari: keyCode 229); a plain Enter sends', async () => {
    const root = page.mount()
    await settle()
    const box = allNodes(root).find(item => item.tag === 'textarea')!
    box.value = '日本'
    for (const listener of box.listeners.input ?? []) listener({ target: box })
    await settle()
    const press = (keyCode: number): void => (box.props.onKeydown as (event: unknown) => void)({ key: 'Enter', shiftKey: false, isComposing: false, keyCode, preventDefault: () => {} })
    press(229)
    await settle()
    expect(page.posted).toEqual([])
    press(13)
    await settle()
    expect(page.posted).toHaveLength(1)
  })
})
