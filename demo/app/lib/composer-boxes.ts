/**
 * The message boxes' ids, written here only: the main chat's box (ChatComposer.vue) and the /ai-sdk
 * page's (AiSdkComposer.vue) bind them (the textarea's `:id`, its label's `:for`); the inline script
 * that notes an Enter pressed before the page is interactive watches them (lib/early-composer.ts,
 * put in the page's head by demo/nuxt.config.ts at build time, so it needs no module at run time);
 * Shift+Escape (app.vue) and the focus helpers (lib/focus.ts) find the boxes by them. A box renamed
 * here is renamed everywhere: the script cannot watch an id no box has any more.
 */

/** The main chat's message box. */
export const CHAT_BOX_ID = 'composer-input'

/** The /ai-sdk page's message box. */
export const AI_SDK_BOX_ID = 'ai-sdk-input'

/** Every message box (a page has one of them). */
export const COMPOSER_BOX_IDS = [CHAT_BOX_ID, AI_SDK_BOX_ID] as const

/** One of the message boxes' ids. */
export type ComposerBoxId = typeof COMPOSER_BOX_IDS[number]
