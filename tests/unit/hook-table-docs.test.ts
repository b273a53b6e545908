/**
 * docs/hooks.md's table is how an app learns which runtime hooks the layer calls and what each
 * one's context holds. Pinned both ways: every hook the layer calls (`callHook('background-jobs:…')`
 * in its server code) is a row, every row is a hook it calls, and the context keys a row names are
 * exactly the keys of the hook's typed context (the records below must list every key of the type,
 * so a key added to a context fails `tsc -p tests` until it is added here, and then this test until
 * the table names it).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { NitroRuntimeHooks } from 'nitropack/types'
// Type-only: they declare the hooks (module augmentation), and resolve-flags needs Nitro's runtime.
import type * as LayerHooks from '../../server/lib/hooks'
import type * as FlagsHook from '../../server/lib/http/resolve-flags'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

type ContextOf<Name extends keyof NitroRuntimeHooks> = Parameters<NitroRuntimeHooks[Name]>[0]
/** Every key of a hook's context (a missing or extra one fails the type check). */
type Keys<Name extends keyof NitroRuntimeHooks> = Record<keyof ContextOf<Name>, true>

export type { FlagsHook, LayerHooks }

const CONTEXT_KEYS = {
  'background-jobs:resolve-user': { event: true, userId: true } satisfies Keys<'background-jobs:resolve-user'>,
  'background-jobs:feature-flags': { event: true, userId: true, flags: true, rollout: true } satisfies Keys<'background-jobs:feature-flags'>,
  'background-jobs:job-created': { job: true } satisfies Keys<'background-jobs:job-created'>,
  'background-jobs:job-ended': { job: true, state: true } satisfies Keys<'background-jobs:job-ended'>,
  'background-jobs:upstream-request': { job: true, request: true } satisfies Keys<'background-jobs:upstream-request'>,
  'background-jobs:chat-message-metadata': { job: true, state: true, part: true, step: true, metadata: true } satisfies Keys<'background-jobs:chat-message-metadata'>,
}

/** The server's .ts files, recursively. */
function serverFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => entry.isDirectory()
    ? serverFiles(join(dir, entry.name))
    : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [])
}

describe('docs/hooks.md\'s table of hooks', () => {
  const table = new Map([...readFileSync(join(ROOT, 'docs/hooks.md'), 'utf8').matchAll(/^\| `(background-jobs:[a-z-]+)` \|[^|]*\| `\{ ([^}]*) \}`/gm)]
    .map(match => [match[1]!, match[2]!.split(',').map(key => key.split(':')[0]!.trim()).sort()]))

  it('has a row for every hook the layer calls, and none it does not call', () => {
    const called = new Set(serverFiles(join(ROOT, 'server')).flatMap(file =>
      [...readFileSync(file, 'utf8').matchAll(/callHook\('(background-jobs:[a-z-]+)'/g)].map(match => match[1]!)))
    expect([...table.keys()].sort()).toEqual([...called].sort())
    expect(Object.keys(CONTEXT_KEYS).sort()).toEqual([...called].sort())
  })

  it('names each hook\'s context keys as its type has them', () => {
    for (const [name, keys] of Object.entries(CONTEXT_KEYS)) expect({ name, keys: table.get(name) }).toEqual({ name, keys: Object.keys(keys).sort() })
  })
})
