/**
 * A toast closed after 6 s whatever the user did (WCAG 2.2.1: the user must be able to pause):
 * it vanished under the pointer while they read it, or took a keyboard user's focus — on its
 * link or × — down to the page's body. ToastList.vue now holds the time while the pointer or the
 * focus is on the toasts, and gives each toast the time it had left afterwards.
 * ToastList.vue rendered by tests/support/demo-client-render.ts, with the real useToasts and fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as vue from 'vue'
import type { Component } from 'vue'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, mountClient, stubDocument, textOf, withClientTemplate } from '../support/demo-client-render'
import { TOAST_DURATION_MS, useToasts } from '../../demo/app/composables/useToasts'
import ToastListSsr from '../../demo/app/components/ToastList.vue'

const ToastList = withClientTemplate(ToastListSsr, 'demo/app/components/ToastList.vue')

const NuxtLink = vue.defineComponent({
  props: { to: { type: String, required: true } },
  setup: (_props, { slots }) => () => vue.h('a', {}, slots.default?.()),
})

let mounted: { unmount: () => void } | null = null

beforeEach(() => {
  vi.useFakeTimers()
  stubDocument()
  for (const name of ['ref', 'computed', 'watch', 'nextTick', 'onMounted', 'onBeforeUnmount'] as const) vi.stubGlobal(name, vue[name])
  const state = new Map<string, vue.Ref<unknown>>()
  vi.stubGlobal('useState', (key: string, init: () => unknown) => {
    if (!state.has(key)) state.set(key, vue.ref(init()))
    return state.get(key)
  })
  vi.stubGlobal('useToasts', useToasts)
})

afterEach(() => {
  mounted?.unmount()
  mounted = null
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

function mount(): FakeNode {
  mounted = mountClient(ToastList as Component, { NuxtLink })
  return (mounted as unknown as { container: FakeNode }).container
}

/** Lets Vue render what changed. */
async function render(): Promise<void> {
  await vue.nextTick()
  await vue.nextTick()
}

const shown = (root: FakeNode) => allNodes(root).filter(item => item.props.class === 'toast').map(textOf)
const list = (root: FakeNode) => allNodes(root).find(item => item.props.class === 'toasts')!
/** Dispatches `handler` on the toasts' container (nothing when it has none: the test then shows what happens without it). */
const fire = (root: FakeNode, handler: string) => (list(root).props[handler] as ((event?: unknown) => void) | undefined)?.({})

describe('ToastList: the time a toast stays', () => {
  it('closes a toast after TOAST_DURATION_MS when the user is not on it', async () => {
    const root = mount()
    useToasts().push({ message: 'Thread finished', tone: 'success' })
    await render()
    expect(shown(root)).toEqual(['Thread finished×'])
    vi.advanceTimersByTime(TOAST_DURATION_MS)
    await render()
    expect(shown(root)).toEqual([])
  })

  it('holds it while the pointer is on the toasts, then gives it the time it had left', async () => {
    const root = mount()
    useToasts().push({ message: 'Thread finished', tone: 'success', to: '/threads/a' })
    await render()
    vi.advanceTimersByTime(TOAST_DURATION_MS / 2)
    fire(root, 'onMouseenter')
    vi.advanceTimersByTime(TOAST_DURATION_MS * 3)
    await render()
    expect(shown(root)).toEqual(['Thread finished×'])
    fire(root, 'onMouseleave')
    vi.advanceTimersByTime(TOAST_DURATION_MS / 2 - 1)
    await render()
    expect(shown(root)).toEqual(['Thread finished×'])
    vi.advanceTimersByTime(1)
    await render()
    expect(shown(root)).toEqual([])
  })

  it('holds it while the focus is in the toasts (a keyboard user on its link or ×), and a toast pushed meanwhile too', async () => {
    const root = mount()
    const { push } = useToasts()
    push({ message: 'First', tone: 'info' })
    await render()
    vi.advanceTimersByTime(TOAST_DURATION_MS - 1)
    fire(root, 'onFocusin')
    push({ message: 'Second', tone: 'info' })
    await render()
    vi.advanceTimersByTime(TOAST_DURATION_MS * 3)
    await render()
    expect(shown(root)).toEqual(['First×', 'Second×'])
    fire(root, 'onFocusout')
    vi.advanceTimersByTime(1)
    await render()
    expect(shown(root)).toEqual(['Second×'])
    vi.advanceTimersByTime(TOAST_DURATION_MS - 1)
    await render()
    expect(shown(root)).toEqual([])
  })

  it('a toast dismissed by hand loses its timer; the list unmounted leaves none running', async () => {
    const root = mount()
    const { push, dismiss } = useToasts()
    dismiss(push({ message: 'Gone', tone: 'info' }))
    push({ message: 'Kept', tone: 'info' })
    await render()
    expect(vi.getTimerCount()).toBe(1)
    expect(shown(root)).toEqual(['Kept×'])
    mounted!.unmount()
    mounted = null
    expect(vi.getTimerCount()).toBe(0)
  })
})
