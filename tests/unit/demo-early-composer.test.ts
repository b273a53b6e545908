/**
 * What a user does in the demo's message box before the page is interactive. Measured on a phone-
 * like CPU (4x slower), the box showed about a second before the app took it over: text typed in
 * that second stayed (Vue keeps it), but an Enter added a line instead of sending, and nothing was
 * sent. The inline script notes an Enter that sends (the composer's keys) and keeps it from adding a
 * line; once hydrated, the composer sends what was in the box at that Enter.
 */
import * as vue from 'vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { COMPOSER_BOX_IDS } from '../../demo/app/lib/composer-boxes'
import { EARLY_COMPOSER_GLOBAL, earlyComposerScript, earlyEnterPlan, takeEarlyEnter, type EarlyComposerState } from '../../demo/app/lib/early-composer'
import { allNodes, mountClient, stubDocument, withClientTemplate } from '../support/demo-client-render'
import ChatComposerSsr from '../../demo/app/components/ChatComposer.vue'

const ChatComposer = withClientTemplate(ChatComposerSsr, 'demo/app/components/ChatComposer.vue')

type Listener = (event: Partial<KeyboardEvent>) => void

/** Runs the inline script against a fake window and document; returns a key presser and the state. */
function runScript(coarsePointer = false) {
  const listeners: Listener[] = []
  const window: Record<string, unknown> = { matchMedia: () => ({ matches: coarsePointer }) }
  const document = {
    addEventListener: (type: string, listener: Listener, capture: boolean) => {
      expect([type, capture]).toEqual(['keydown', true])
      listeners.push(listener)
    },
    removeEventListener: (_type: string, listener: Listener) => listeners.splice(listeners.indexOf(listener), 1),
  }
  const script = earlyComposerScript(COMPOSER_BOX_IDS)
  new Function('window', 'document', 'matchMedia', script)(window, document, window.matchMedia)
  const state = () => window[EARLY_COMPOSER_GLOBAL] as EarlyComposerState
  const press = (key: Partial<KeyboardEvent>, value = 'Hello', id = 'composer-input') => {
    let prevented = false
    const event = { key: 'Enter', shiftKey: false, isComposing: false, keyCode: 13, ctrlKey: false, metaKey: false, ...key, target: { id, value } as unknown as EventTarget, preventDefault: () => { prevented = true } }
    for (const listener of [...listeners]) listener(event)
    return prevented
  }
  return { press, state, listeners, run: () => new Function('window', 'document', 'matchMedia', script)(window, document, window.matchMedia) }
}

describe('demo composer before hydration: the inline script', () => {
  it('notes the first Enter that sends, with the box text then, and keeps it from adding a line', () => {
    const { press, state } = runScript()
    expect(press({}, 'Hello')).toBe(true)
    expect(press({}, 'Hello again')).toBe(true)
    expect(state().entered).toBe('Hello')
  })

  it('leaves Shift+Enter, an input method, other keys and other boxes alone', () => {
    const { press, state } = runScript()
    expect(press({ shiftKey: true })).toBe(false)
    expect(press({ isComposing: true })).toBe(false)
    expect(press({ keyCode: 229 })).toBe(false)
    expect(press({ key: 'a', keyCode: 65 })).toBe(false)
    expect(press({}, 'Hello', 'search-input')).toBe(false)
    expect(state().entered).toBeNull()
  })

  it('notes an Enter in the /ai-sdk page\'s box too, for that box only', () => {
    const { press, state } = runScript()
    expect(press({}, 'Hello', 'ai-sdk-input')).toBe(true)
    expect(state()).toMatchObject({ entered: 'Hello', box: 'ai-sdk-input' })
    vi.stubGlobal('window', { [EARLY_COMPOSER_GLOBAL]: state() })
    try {
      // The main chat's box takes nothing from it (and the script stops: the app has the page).
      expect(takeEarlyEnter('composer-input')).toBeNull()
      expect(state().entered).toBeNull()
      expect(press({}, 'Hello', 'ai-sdk-input')).toBe(false)
    }
    finally {
      vi.unstubAllGlobals()
    }
  })

  it('on a touch screen a plain Enter adds a line, Ctrl+Enter sends (lib/composer-keys.ts)', () => {
    const { press, state } = runScript(true)
    expect(press({})).toBe(false)
    expect(state().entered).toBeNull()
    expect(press({ ctrlKey: true })).toBe(true)
    expect(state().entered).toBe('Hello')
  })

  it('stops listening once the app has the box, and a second copy adds no listener', () => {
    const { press, state, listeners, run } = runScript()
    run()
    expect(listeners).toHaveLength(1)
    state().stop()
    expect(listeners).toHaveLength(0)
    expect(press({})).toBe(false)
  })
})

describe('demo composer before hydration: what the composer does once hydrated', () => {
  it('sends the text at the Enter; what was typed after it stays in the box', () => {
    expect(earlyEnterPlan('Hello', 'Hello')).toEqual({ send: 'Hello', keep: '' })
    expect(earlyEnterPlan('Hello', 'Hello and more')).toEqual({ send: 'Hello', keep: ' and more' })
  })

  it('sends nothing without an Enter, for a blank box, or when the text changed under the Enter', () => {
    expect(earlyEnterPlan(null, 'Hello')).toEqual({ send: null, keep: 'Hello' })
    expect(earlyEnterPlan('  ', '  ')).toEqual({ send: null, keep: '  ' })
    expect(earlyEnterPlan('Hello', 'Help')).toEqual({ send: null, keep: 'Help' })
  })
})

describe('demo composer before hydration: the composer', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  /**
   * The composer hydrated, its mount hooks held (as Suspense holds them on a Markdown thread until
   * the renderer loads) while its keys already work; the inline script noted `entered`.
   */
  function hydrated(entered: string, send: (text: string) => Promise<boolean>) {
    stubDocument()
    for (const name of ['ref', 'computed', 'watch', 'nextTick', 'onBeforeUnmount', 'inject', 'useId'] as const) vi.stubGlobal(name, vue[name])
    const mountHooks: Array<() => void> = []
    vi.stubGlobal('onMounted', (hook: () => void) => mountHooks.push(hook))
    const state: EarlyComposerState = { entered, box: 'composer-input', stop: () => {} }
    vi.stubGlobal('window', { [EARLY_COMPOSER_GLOBAL]: state, matchMedia: () => ({ matches: false }) })
    const { container } = mountClient(vue.defineComponent({ setup: () => () => vue.h(ChatComposer, { sending: false, error: null, workflows: [], send }) }), { WorkflowMenu: vue.defineComponent({ render: () => null }) })
    const box = allNodes(container).find(node => node.tag === 'textarea')!
    const type = (value: string) => {
      box.value = value
      for (const listener of box.listeners.input ?? []) listener({ target: box })
    }
    const enter = () => (box.props.onKeydown as (event: Partial<KeyboardEvent>) => void)({ key: 'Enter', shiftKey: false, isComposing: false, keyCode: 13, preventDefault: () => {} })
    const mount = () => {
      for (const hook of mountHooks.splice(0)) hook()
    }
    return { box, type, enter, mount }
  }

  it('sends once an Enter the app handled before its mount hooks ran: a failed send is not sent again', async () => {
    const sent: string[] = []
    // The send fails (the box gets its text back), as a refused or unreachable send does.
    const composer = hydrated('Hello', async (text) => {
      sent.push(text)
      return false
    })
    composer.type('Hello')
    // The Enter the script noted, handled by the app's keys as well.
    composer.enter()
    await vue.nextTick()
    await vue.nextTick()
    expect(composer.box.value).toBe('Hello')
    composer.mount()
    await vue.nextTick()
    await vue.nextTick()
    expect(sent).toEqual(['Hello'])
    expect(composer.box.value).toBe('Hello')
  })

  it('still sends an early Enter the app did not handle, once mounted', async () => {
    const sent: string[] = []
    const composer = hydrated('Hello', async (text) => {
      sent.push(text)
      return true
    })
    composer.type('Hello and more')
    composer.mount()
    await vue.nextTick()
    expect(sent).toEqual(['Hello'])
    await vue.nextTick()
    expect(composer.box.value).toBe(' and more')
  })
})
