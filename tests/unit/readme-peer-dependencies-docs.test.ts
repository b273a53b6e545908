/**
 * README.md says which packages an app must bring itself (the layer's peer dependencies) and that
 * "everything else the layer imports is its own dependency". It named nuxt, vue and nitropack but
 * not the optional peers `redis` and `convex`, so the sentence was false for an app choosing those
 * providers. Every peer dependency of package.json is named in that paragraph.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

describe('README.md\'s peer dependencies', () => {
  it('name every peer dependency of package.json', () => {
    const peers = Object.keys((JSON.parse(read('package.json')) as { peerDependencies: Record<string, string> }).peerDependencies)
    expect(peers.length).toBeGreaterThan(3)
    const readme = read('README.md').replace(/\s+/g, ' ')
    const paragraph = /runs no install script[^]*?Everything else the layer imports is its own dependency/.exec(readme)?.[0] ?? ''
    expect(paragraph, 'the README paragraph on peer dependencies').not.toBe('')
    expect(peers.filter(name => !paragraph.includes(`\`${name}\``))).toEqual([])
  })
})
