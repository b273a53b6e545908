/**
 * docs/providers.md, "Who may call what", lists every function the Convex deployment exposes:
 * the public ones (the servers' secret-checked calls) and the internal ones, each in its row, and
 * nothing that is not there — an operator reviews what the deployment exposes from that table.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { registeredFunctions as deployedFunctions } from '../convex/deployed-modules'

/** Every function the deployment has as `module:name`, public or internal (Convex marks each), in any file the CLI deploys. */
function registeredFunctions(): { public: string[], internal: string[] } {
  const found = { public: [] as string[], internal: [] as string[] }
  for (const [name, flags] of deployedFunctions()) {
    if (flags.isPublic) found.public.push(name)
    else if (flags.isInternal) found.internal.push(name)
  }
  return { public: found.public.sort(), internal: found.internal.sort() }
}

/** The functions a cell names: `jobs:create/get` → jobs:create, jobs:get. */
function namedIn(cell: string): string[] {
  return [...cell.matchAll(/`(\w+):([\w/]+)`/g)].flatMap(([, module, names]) => names!.split('/').map(name => `${module}:${name}`))
}

describe('docs/providers.md lists the Convex functions', () => {
  it('names every public function in the servers-only row and every internal one in another row', () => {
    const text = readFileSync(new URL('../../docs/providers.md', import.meta.url), 'utf8')
    const start = text.indexOf('#### Who may call what')
    const rows = text.slice(start, text.indexOf('\n#### ', start + 1)).split('\n').filter(line => line.startsWith('| `'))
    const serverRow = rows.find(row => row.includes('the layer\'s servers only'))!
    const otherRows = rows.filter(row => row !== serverRow)
    const registered = registeredFunctions()
    expect(namedIn(serverRow).sort()).toEqual(registered.public)
    expect(otherRows.flatMap(row => namedIn(row.split(' | ')[0]!)).sort()).toEqual(registered.internal)
  })
})
