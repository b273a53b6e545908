/**
 * Where the keyboard's focus goes when the version of an answer it was in is hidden (TurnVersions.vue:
 * a new version came, from this tab or another): to the same control in the version shown now
 * (Copy, Edit, a tool's summary), else to the turn's switcher, else to the turn itself. Left alone,
 * the browser gives it to `<body>`, and a keyboard or screen-reader user is thrown back to the top
 * of the page. Nothing scrolls: the new version is where the old one was.
 */

/** How to find the focused control again in another version: its tag and classes, and its place among its likes. */
export interface FocusedControl {
  selector: string
  index: number
}

/** `active`, a control in the version `from`, as `focusInVersion` finds it again. */
export function focusedControl(from: Element, active: Element): FocusedControl {
  const selector = [active.tagName.toLowerCase(), ...[...active.classList].map(name => `.${CSS.escape(name)}`)].join('')
  return { selector, index: [...from.querySelectorAll(selector)].indexOf(active) }
}

/**
 * Focuses `control` in the version `to` (the one at its place, else the first of its likes), else
 * `switcher`'s first button, else `to` (made focusable by script only) — the first that takes it.
 */
export function focusInVersion(to: HTMLElement, switcher: HTMLElement | null, control: FocusedControl): void {
  const likes = [...to.querySelectorAll<HTMLElement>(control.selector)]
  for (const candidate of [likes[control.index], likes[0], switcher?.querySelector<HTMLElement>('button')]) {
    if (!candidate) continue
    candidate.focus({ preventScroll: true })
    if (document.activeElement === candidate) return
  }
  if (!to.hasAttribute('tabindex')) to.setAttribute('tabindex', '-1')
  to.focus({ preventScroll: true })
}
