/** Focus and scrolling helpers shared by the thread's components. */
import type { InjectionKey } from 'vue'

/** The thread view provides this: puts focus in the composer. */
export const FOCUS_COMPOSER_KEY: InjectionKey<() => void> = Symbol('focus-composer')

/** `smooth`, unless the user asked the system for reduced motion. */
export function scrollBehavior(): ScrollBehavior {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 'instant' : 'smooth'
}
