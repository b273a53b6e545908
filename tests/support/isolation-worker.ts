/**
 * Bundles the isolation tests' worker entry into one ESM file, as Nitro does for an app, so a
 * real worker thread can load it without a TypeScript loader. The file lives in a temporary
 * folder; `remove` deletes it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'

/** A bundled worker entry. */
export interface BuiltIsolationWorker {
  url: string
  remove: () => void
}

/** Bundles tests/support/isolation-worker-entry.ts (zod included). */
export async function buildIsolationWorker(): Promise<BuiltIsolationWorker> {
  const dir = mkdtempSync(join(tmpdir(), 'bgjobs-isolation-'))
  const outfile = join(dir, 'tool-worker.mjs')
  await build({
    entryPoints: [new URL('./isolation-worker-entry.ts', import.meta.url).pathname],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    logLevel: 'error',
  })
  return { url: pathToFileURL(outfile).href, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
