/**
 * Bundles the isolation tests' worker entry into one ESM file, as Nitro does for an app, so a
 * real worker thread can load it without a TypeScript loader.
 *
 * The bundle is kept in node_modules/.cache under the hash of what went into it (each input file's
 * path and content, from esbuild's metafile) and reused while those files are unchanged: ~40 test
 * files each bundled it again (zod included, ~0.13 core-s of esbuild each), once per file. A change
 * to any input gives a new hash, so a stale bundle is never used; runs at once (vitest's workers)
 * each write a whole file and rename it into place, so none reads a half-written one.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

/** A bundled worker entry. */
export interface BuiltIsolationWorker {
  url: string
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const CACHE_DIR = join(ROOT, 'node_modules/.cache/bgjobs-isolation-worker')
/** The input files (relative to ROOT) of the last bundle written. */
const INPUTS_FILE = join(CACHE_DIR, 'inputs.json')
/** Bundles of other inputs older than this are deleted when a new one is written (another run may still load a recent one). */
const STALE_MS = 60 * 60_000
/** Bundles tried while an input keeps changing under the build. */
const MAX_ATTEMPTS = 3

/** The hash of `inputs`' paths and contents; undefined when one of them is gone. */
function inputsHash(inputs: string[]): string | undefined {
  const hash = createHash('sha256')
  for (const input of inputs) {
    const path = join(ROOT, input)
    if (!existsSync(path)) return undefined
    hash.update(input).update('\0').update(readFileSync(path)).update('\0')
  }
  return hash.digest('hex').slice(0, 24)
}

function bundlePath(hash: string): string {
  return join(CACHE_DIR, `tool-worker-${hash}.mjs`)
}

/** The bundle of the current inputs when one was written already. */
function cachedBundle(): string | undefined {
  if (!existsSync(INPUTS_FILE)) return undefined
  const hash = inputsHash(JSON.parse(readFileSync(INPUTS_FILE, 'utf8')) as string[])
  return hash && existsSync(bundlePath(hash)) ? bundlePath(hash) : undefined
}

/** Writes `text` to `path` whole: a temporary file renamed into place. */
function writeWhole(path: string, text: string | Buffer): void {
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, text)
  renameSync(temporary, path)
}

/** Bundles tests/support/isolation-worker-entry.ts (zod included), or reuses the bundle of the same inputs. */
export async function buildIsolationWorker(): Promise<BuiltIsolationWorker> {
  const cached = cachedBundle()
  if (cached) return { url: pathToFileURL(cached).href }
  mkdirSync(CACHE_DIR, { recursive: true })
  const buildDir = mkdtempSync(join(CACHE_DIR, 'build-'))
  try {
    for (let attempt = 1; ; attempt++) {
      const started = Date.now()
      const result = await build({
        entryPoints: [fileURLToPath(new URL('./isolation-worker-entry.ts', import.meta.url))],
        outfile: join(buildDir, 'tool-worker.mjs'),
        absWorkingDir: ROOT,
        metafile: true,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        logLevel: 'error',
      })
      const inputs = Object.keys(result.metafile.inputs).sort()
      // An input saved while esbuild read them: its content may not be what was bundled, bundle again
      // (a few times: a file dated in the future, a skewed clock, would otherwise never let it end).
      if (attempt < MAX_ATTEMPTS && inputs.some(input => statSync(join(ROOT, input)).mtimeMs >= started)) continue
      const hash = inputsHash(inputs)
      if (!hash) continue
      writeWhole(bundlePath(hash), readFileSync(join(buildDir, 'tool-worker.mjs')))
      writeWhole(INPUTS_FILE, JSON.stringify(inputs))
      for (const name of readdirSync(CACHE_DIR)) {
        const path = join(CACHE_DIR, name)
        if (/^tool-worker-\w+\.mjs$/.test(name) && path !== bundlePath(hash) && Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true })
      }
      return { url: pathToFileURL(bundlePath(hash)).href }
    }
  }
  finally {
    rmSync(buildDir, { recursive: true, force: true })
  }
}
