/** Builds the fixture app for the benchmarks when the copy is older than the layer's sources. */
import { ensureBuiltApp } from './lib/app.ts'

console.log(`[bench] app: ${ensureBuiltApp()}`)
