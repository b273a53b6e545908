/**
 * The message boxes' ids were written twice: in the composers' templates (`id="composer-input"`,
 * `id="ai-sdk-input"`, their labels' `for`) and in the list the inline early-Enter script watches
 * (lib/early-composer.ts) — a box renamed in one and not the other would lose an Enter pressed before
 * the page is interactive, with nothing failing until a browser test on a slow page. They are now
 * written once (demo/app/lib/composer-boxes.ts): the templates bind them, the script is built from
 * them, Shift+Escape and the focus helpers find the boxes by them. No other file of the demo spells
 * one (the `composer-input` CSS class, the boxes' look, is another name).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { AI_SDK_BOX_ID, CHAT_BOX_ID, COMPOSER_BOX_IDS } from '../../demo/app/lib/composer-boxes'

const DEMO = fileURLToPath(new URL('../../demo/', import.meta.url))
const SOURCE = /\.(?:vue|ts|css)$/

/** The demo's own source files (not its dependencies or build output). */
function demoSources(dir = DEMO): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return ['node_modules', '.nuxt', '.output'].includes(entry.name) ? [] : demoSources(join(dir, entry.name))
    return SOURCE.test(entry.name) ? [join(dir, entry.name)] : []
  })
}

/** Where `text` spells a box's id (as an id: not within a `class` attribute, not a `.class` selector). */
function spelledIds(text: string): string[] {
  const ids = COMPOSER_BOX_IDS.join('|')
  return [...text.replace(/\bclass="[^"]*"/g, '').matchAll(new RegExp(`(?<![.\\w-])(?:${ids})(?![\\w-])`, 'g'))].map(match => match[0])
}

describe('the message boxes\' ids', () => {
  it('are written in composer-boxes.ts only', () => {
    const files = demoSources()
    expect(files.length).toBeGreaterThan(50)
    const spelled = files
      .filter(file => !file.endsWith(join('lib', 'composer-boxes.ts')))
      .flatMap(file => spelledIds(readFileSync(file, 'utf8')).map(id => `${relative(DEMO, file)}: ${id}`))
    expect(spelled).toEqual([])
  })

  it('are the two boxes\'', () => {
    expect(COMPOSER_BOX_IDS).toEqual([CHAT_BOX_ID, AI_SDK_BOX_ID])
    // The scan above would find them (the CSS class of the same name is not an id).
    expect(spelledIds(`<textarea id="${CHAT_BOX_ID}" class="${CHAT_BOX_ID}">`)).toEqual([CHAT_BOX_ID])
    expect(spelledIds(`document.querySelector('#${AI_SDK_BOX_ID}') .${CHAT_BOX_ID} {}`)).toEqual([AI_SDK_BOX_ID])
  })
})
