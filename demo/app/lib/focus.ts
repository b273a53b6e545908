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
  if (!window.matchMedia('(pointer: coarse)').matches) return document.getElementById('composer-input')?.focus()
  document.querySelector<HTMLElement>('section.thread')?.focus({ preventScroll: true })
}
