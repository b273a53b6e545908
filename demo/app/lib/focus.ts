/** Focus and scrolling helpers shared by the thread's components. */
import type { InjectionKey } from 'vue'

/** The thread view provides this: puts focus in the composer. */
export const FOCUS_COMPOSER_KEY: InjectionKey<() => void> = Symbol('focus-composer')

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
  focusForNextMessage(document.getElementById('composer-input'), document.querySelector<HTMLElement>('section.thread'))
}

/**
 * Focus for the next message: the box — on a touch screen `thread` instead (focusing the box there
 * pops up the on-screen keyboard). The main chat's thread, its "+ New thread" and /ai-sdk share it.
 */
export function focusForNextMessage(box: { focus: () => void } | null | undefined, thread: HTMLElement | null | undefined): void {
  if (window.matchMedia('(pointer: coarse)').matches) thread?.focus({ preventScroll: true })
  else box?.focus()
}
