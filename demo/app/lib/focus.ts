/** Focus and scrolling helpers shared by the thread's components. */
import type { InjectionKey } from 'vue'
import { CHAT_BOX_ID } from './composer-boxes'

/** The thread view provides this: puts focus in the composer. */
export const FOCUS_COMPOSER_KEY: InjectionKey<() => void> = Symbol('focus-composer')

/** Nothing was typed in the message box since it was last emptied by a send, or an answer sent the focus there. */
let composerFresh = true

/** Something was typed in the message box (an `input` event): its user writes. */
export function markComposerTyped(): void {
  composerFresh = false
}

/** The message box was emptied by a send, or an answered question handed it the focus: nothing typed there since. */
export function markComposerFresh(): void {
  composerFresh = true
}

/**
 * The user waits rather than writes: the focus in the message box, empty, nothing typed there
 * since the last send (a question that comes may take the focus: InputPrompt.vue).
 */
export function waitingInComposer(): boolean {
  const box = document.activeElement as HTMLTextAreaElement | null
  return composerFresh && box?.id === CHAT_BOX_ID && box.value === ''
}

/** `smooth`, unless the user asked the system for reduced motion. */
export function scrollBehavior(): ScrollBehavior {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 'instant' : 'smooth'
}

/**
 * Focus on the new thread open already ("+ New thread" pressed there): the box, so the next key is
 * the message — on a touch screen the thread, as when a thread opens (ThreadView), since focusing
 * the box there pops up the on-screen keyboard.
 */
export function focusNewThread(): void {
  focusForNextMessage(document.getElementById(CHAT_BOX_ID), document.querySelector<HTMLElement>('section.thread'))
}

/**
 * Focus for the next message: the box — on a touch screen `thread` instead (focusing the box there
 * pops up the on-screen keyboard). The main chat's thread, its "+ New thread" and /ai-sdk share it.
 */
export function focusForNextMessage(box: { focus: () => void } | null | undefined, thread: HTMLElement | null | undefined): void {
  if (isTouchScreen()) thread?.focus({ preventScroll: true })
  else box?.focus()
}

/**
 * Focus on the chat page's first load (a typed URL, a reload): the box on a desktop, so the first
 * key typed is the message, as ChatGPT and Claude do — on a touch screen nothing, so the on-screen
 * keyboard stays closed until the user taps the box.
 */
export function focusOnFirstLoad(box: { focus: () => void } | null | undefined): void {
  if (!isTouchScreen()) box?.focus()
}

/**
 * The primary pointer is a finger: focusing a text box pops up the on-screen keyboard, and that
 * keyboard has no Shift+Enter (lib/composer-keys.ts: Enter adds a line there).
 */
export function isTouchScreen(): boolean {
  // No window to ask (a component mounted outside a browser): a keyboard's rules.
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' && window.matchMedia('(pointer: coarse)').matches
}
