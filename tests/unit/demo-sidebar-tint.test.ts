/**
 * The demo's thread list sits a shade off the page in both colour schemes, as ChatGPT's and
 * Claude's sidebars do (it was the page's own white in light mode), and its text keeps WCAG AA
 * contrast on it, the hover of a row still shows, and the open thread's row too (main.css,
 * thread-list.css).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const css = readFileSync(new URL('../../demo/app/assets/main.css', import.meta.url), 'utf8')

/** The custom properties of the first `:root { … }` after `from` (the light one, or the dark one inside its media query). */
function colours(from: number): Record<string, string> {
  const start = css.indexOf(':root {', from)
  const block = css.slice(start, css.indexOf('}', start))
  return Object.fromEntries([...block.matchAll(/--(color-[\w-]+):\s*(#[0-9a-f]{6})/gi)].map(([, name, value]) => [name!, value!.toLowerCase()]))
}

const light = colours(0)
const dark = colours(css.indexOf('@media (prefers-color-scheme: dark)'))

/** WCAG 2 contrast ratio of two `#rrggbb` colours. */
function contrast(one: string, two: string): number {
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map(at => Number.parseInt(hex.slice(at, at + 2), 16) / 255).map(c => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
  }
  const [high, low] = [luminance(one), luminance(two)].sort((a, b) => b - a)
  return (high! + 0.05) / (low! + 0.05)
}

describe('the demo\'s sidebar', () => {
  it('is painted with its own colour', () => {
    expect(css).toMatch(/\.sidebar \{[^}]*background: var\(--color-sidebar\)/)
  })

  for (const [scheme, colour] of [['light', light], ['dark', dark]] as const) {
    it(`stands off the page in the ${scheme} scheme, with readable text, a visible hover and the open row`, () => {
      expect(colour['color-sidebar'], scheme).toBeDefined()
      expect(colour['color-sidebar']).not.toBe(colour['color-background'])
      expect(contrast(colour['color-sidebar']!, colour['color-background']!)).toBeLessThan(1.2)
      expect(contrast(colour['color-text']!, colour['color-sidebar']!)).toBeGreaterThanOrEqual(7)
      expect(contrast(colour['color-text-muted']!, colour['color-sidebar']!)).toBeGreaterThanOrEqual(4.5)
      expect(colour['color-surface-muted']).not.toBe(colour['color-sidebar'])
      expect(colour['color-user']).not.toBe(colour['color-sidebar'])
    })
  }
})
