/**
 * An edit in progress is the turn's, shown in its newest version (composables/useTurnEdit.ts): Edit
 * was offered on every version, and a box open in the newest stayed, hidden, in that version once
 * a newer one came (another tab's Regenerate), where it led nowhere. Two versions' messages of one
 * turn are real UserMessages under a stand-in turn that provides the edit as TurnVersions does and
 * offers `edit` on its newest only, as JobTurn does.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as vue from 'vue'
import { defineComponent, h, ref } from 'vue'
import { provideTurnEdit } from '../../demo/app/composables/useTurnEdit'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, buttons, focusState, mountClient, stubDocument, withClientTemplate } from '../support/demo-client-render'
import UserMessageSsr from '../../demo/app/components/UserMessage.vue'
import MessageEditorSsr from '../../demo/app/components/MessageEditor.vue'

const UserMessage = withClientTemplate(UserMessageSsr, 'demo/app/components/UserMessage.vue')
const MessageEditor = withClientTemplate(MessageEditorSsr, 'demo/app/components/MessageEditor.vue')

const flush = () => new Promise(resolve => setImmediate(resolve))
const click = (button: FakeNode) => (button.props.onClick as (event: unknown) => void)({})

beforeEach(() => {
  stubDocument()
  // Nuxt's auto-imports the components use.
  for (const name of ['ref', 'computed', 'watch', 'nextTick', 'onMounted', 'useId'] as const) vi.stubGlobal(name, vue[name])
  for (const name of ['setSelectionRange', 'scrollIntoView']) Object.defineProperty(Object.prototype, name, { value: () => {}, configurable: true })
})
afterEach(() => {
  for (const name of ['setSelectionRange', 'scrollIntoView']) delete (Object.prototype as Record<string, unknown>)[name]
  vi.unstubAllGlobals()
})

describe('An edit in progress, when the version it was opened in is hidden', () => {
  it('shows in the newest version with what was typed, and is saved from there', async () => {
    const newest = ref<'v1' | 'v2'>('v1')
    const saved: string[] = []
    const edit = (version: string) => async (text: string) => {
      saved.push(`${version}: ${text}`)
      return null
    }
    const Turn = defineComponent({
      setup() {
        provideTurnEdit()
        return () => h('div', ['v1', 'v2'].map(version => h('section', { 'data-version': version }, [
          h(UserMessage, { text: `Question as in ${version}`, edit: newest.value === version ? edit(version) : undefined }),
        ])))
      },
    })
    const root = mountClient(defineComponent({ render: () => h(Turn) }), { MessageEditor }).container
    const version = (name: string) => allNodes(root).find(item => item.tag === 'section' && item.props['data-version'] === name)!
    const box = (name: string) => allNodes(version(name)).find(item => item.tag === 'textarea')
    // Only the newest offers Edit.
    expect([buttons(version('v1'), '✎ Edit').length, buttons(version('v2'), '✎ Edit').length]).toEqual([1, 0])
    click(buttons(version('v1'), '✎ Edit')[0]!)
    await flush()
    expect(focusState.active).toBe(box('v1'))
    const typed = box('v1')!
    typed.value = 'Question, edited'
    for (const listener of typed.listeners.input ?? []) listener({ target: typed })
    await flush()
    // Another tab's Regenerate: v2 is the newest now.
    newest.value = 'v2'
    await flush()
    // Before: the box stayed in v1 (hidden there), and v2 offered a fresh Edit.
    expect(box('v1')).toBeUndefined()
    expect(box('v2')?.value).toBe('Question, edited')
    const form = allNodes(version('v2')).find(item => item.tag === 'form')!
    ;(form.props.onSubmit as (event: unknown) => void)({ preventDefault: () => {} })
    await flush()
    expect(saved).toEqual(['v2: Question, edited'])
    expect(allNodes(root).some(item => item.tag === 'form')).toBe(false)
  })
})
