/**
 * What a user does in the message box before the page is interactive. The server's HTML shows the
 * box at once; the app takes it over (hydration) a moment later — a second or more on a slow phone.
 * Typed text is the browser's own until then, and stays: Vue's `v-model` takes a box's text that
 * differs from the server's into the model at hydration. Enter, with no handler yet, added a line.
 *
 * A tiny inline script in the page's head (`earlyComposerScript`, demo/nuxt.config.ts) runs
 * before the app: it notes an Enter that would send (the same keys as lib/composer-keys.ts: not
 * Shift+Enter, not while an input method composes, not a plain Enter on a touch screen) and keeps
 * it from adding a line. Once hydrated, the composer (ChatComposer.vue on the main chat,
 * AiSdkComposer.vue on /ai-sdk, through lib/early-enter.ts) puts back what was typed and sends what
 * was in the box at that Enter (`earlyEnterPlan`) — as a send on a slow network would; what was
 * typed after the Enter stays in the box for the next message.
 */

import type { ComposerBoxId } from './composer-boxes'

/** Where the inline script keeps what it saw (on `window`). */
export const EARLY_COMPOSER_GLOBAL = '__earlyComposer'

/** What the inline script keeps. */
export interface EarlyComposerState {
  /** The box's text when an Enter that sends was pressed, or null. */
  entered: string | null
  /** The box (its id) that Enter was pressed in, or null. */
  box: string | null
  /** Stops listening: the app has the box. */
  stop: () => void
}

/**
 * The inline script (plain ES5, no imports: it runs before any module). `ids` are the boxes' ids
 * (`COMPOSER_BOX_IDS`, lib/composer-boxes.ts), written into it. Idempotent: a second copy does nothing.
 */
export function earlyComposerScript(ids: readonly string[]): string {
  return `(function(){if(window.${EARLY_COMPOSER_GLOBAL})return;`
    + `var s=window.${EARLY_COMPOSER_GLOBAL}={entered:null,box:null},ids=${JSON.stringify(ids)};`
    + `function k(e){var b=e.target;if(!b||ids.indexOf(b.id)<0||e.key!=='Enter'||e.shiftKey||e.isComposing||e.keyCode===229)return;`
    + `if(window.matchMedia&&matchMedia('(pointer: coarse)').matches&&!e.ctrlKey&&!e.metaKey)return;`
    + `e.preventDefault();if(s.entered===null){s.entered=b.value;s.box=b.id}}`
    + `document.addEventListener('keydown',k,true);`
    + `s.stop=function(){document.removeEventListener('keydown',k,true)}})()`
}

/**
 * The Enter pressed before hydration in `box`, taken once (the script stops listening: the app has
 * the page): the box's text at that moment, or null (none, or in another box).
 */
export function takeEarlyEnter(box: ComposerBoxId): string | null {
  if (typeof window === 'undefined') return null
  const state = (window as unknown as Record<string, EarlyComposerState | undefined>)[EARLY_COMPOSER_GLOBAL]
  if (!state) return null
  state.stop()
  const entered = state.box === box ? state.entered : null
  state.entered = null
  state.box = null
  return entered
}

/** What to do with an early Enter once the box is the app's. */
export interface EarlyEnterPlan {
  /** The message to send now, or null (nothing to send, or the text changed under the Enter). */
  send: string | null
  /** What stays in the box. */
  keep: string
}

/**
 * `entered` is the box's text at the early Enter, `current` the box's text now. Sends `entered`
 * when the box still starts with it (only more was typed after the Enter: that stays in the box);
 * a box emptied or changed before that point is not sent behind the user's back: its text stays,
 * and the next Enter sends.
 */
export function earlyEnterPlan(entered: string | null, current: string): EarlyEnterPlan {
  if (entered === null || !entered.trim() || !current.startsWith(entered)) return { send: null, keep: current }
  return { send: entered, keep: current.slice(entered.length) }
}
