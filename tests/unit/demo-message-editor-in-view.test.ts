/**
 * Edit of a long message opened a three-line box over it (its `rows`), to scroll through line by
 * line; chat apps open the edit box on the whole message. The box now fits the text (up to its CSS
 * max-height, half the screen) and grows as it is written, as the composer does (lib/fit-box.ts).
 * Edit of a message near the top of the conversation on a phone: opening the box grows the message
 * upward (the conversation is anchored at its bottom) and focusing a box that shows in part does
 * not scroll, so the box's top — its first line — was left above the view, cut by the top bar.
 * The editor now brings its whole form into view (`block: 'nearest'`: no jump when it already
 * shows). Rendered on tests/support/demo-client-render.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Component } from 'vue'
import { defineComponent, h, ref, toRaw } from 'vue'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'
import { mountDemoComponent } from '../support/demo-component'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, focusState, mountClient, stubDocument, withClientTemplate } from '../support/demo-client-render'
import MessageEditorSsr from '../../demo/app/components/MessageEditor.vue'

const MessageEditor = withClientTemplate(MessageEditorSsr, 'demo/app/components/MessageEditor.vue')

let app: ComposableApp
/** The elements scrolled into view, with the options asked. */
let scrolled: Array<{ element: FakeNode, options: unknown }>

beforeEach(() => {
  scrolled = []
  app = createComposableApp(async url => Promise.reject(new Error(`unexpected $fetch ${url}`)))
  mountDemoComponent(app, { render: () => null } as Component, {})
  stubDocument()
  // The fake elements have no caret and do not scroll: record what is asked of them.
  Object.defineProperty(Object.prototype, 'setSelectionRange', { value: () => {}, configurable: true })
  // (Reached through a template ref: Vue's reactive proxy of the fake element, unlike a real DOM one.)
  Object.defineProperty(Object.prototype, 'scrollIntoView', {
    value(this: FakeNode, options: unknown) {
      scrolled.push({ element: this, options })
    },
    configurable: true,
  })
})
afterEach(() => {
  for (const name of ['setSelectionRange', 'scrollIntoView']) delete (Object.prototype as Record<string, unknown>)[name]
  app.dispose()
  vi.unstubAllGlobals()
})

describe('the message editor, opened', () => {
  it('fits its box to the message before bringing it into view, and grows it as it is written', async () => {
    let contentHeight = 300
    Object.defineProperty(Object.prototype, 'scrollHeight', { get: () => contentHeight, configurable: true })
    // The box's height when the form is brought into view.
    let heightWhenScrolled: string | undefined
    Object.defineProperty(Object.prototype, 'scrollIntoView', {
      value(this: FakeNode) {
        heightWhenScrolled = allNodes(toRaw(this)).find(item => item.tag === 'textarea')?.style.height
      },
      configurable: true,
    })
    try {
      // The turn keeps what the box holds (composables/useTurnEdit.ts): a v-model.
      const draft = ref('A long message. '.repeat(100))
      const root = mountClient(defineComponent({ render: () => h(MessageEditor, { 'draft': draft.value, 'onUpdate:draft': (text: string) => draft.value = text, 'saving': false }) })).container
      const box = allNodes(root).find(item => item.tag === 'textarea')!
      expect([box.style.height, heightWhenScrolled]).toEqual(['302px', '302px'])
      contentHeight = 340
      box.value = `${box.value}\nOne more line.`
      for (const listener of box.listeners.input ?? []) listener({ target: box })
      await new Promise(resolve => setImmediate(resolve))
      expect(box.style.height).toBe('342px')
    }
    finally {
      delete (Object.prototype as Record<string, unknown>).scrollHeight
    }
  })

  it('has the focus in its box and brings its whole form (box, Cancel, Save) into view', () => {
    const root = mountClient(defineComponent({ render: () => h(MessageEditor, { draft: 'Hello', saving: false }) })).container
    const form = allNodes(root).find(item => item.tag === 'form')!
    expect(focusState.active?.tag).toBe('textarea')
    expect(scrolled.map(({ element, options }) => ({ form: toRaw(element) === form, options }))).toEqual([{ form: true, options: { block: 'nearest' } }])
  })
})
