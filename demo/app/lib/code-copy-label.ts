/**
 * The text of a rendered code block's copy button (the page swaps it for "Copied" for a moment).
 * A module of its own: the page's click handler (composables/useCodeCopy.ts) needs only this word,
 * not the highlighter, which loads with the Markdown renderer on its own (components/MarkdownBlocks.vue).
 */
export const CODE_COPY_LABEL = 'Copy'
