/**
 * Instructions per streamed piece and per committed event of the layer's own path (issue 17),
 * counted where the shared machine cannot blur them: valgrind's cachegrind counts every
 * instruction the process executes — JIT code, the interpreter, the collector's threads — however
 * busy the machine is. It runs bench/micro-commit.ts (the real engine, parser, chat runner and SSE
 * sinks, a virtual clock) twice under cachegrind, with PIECES pieces per job and with twice as
 * many, and divides the difference by the pieces (and by the text events) the longer run added:
 * start-up, loading the layer, creating the jobs, their ends and compiling the hot code (done in
 * both runs) cancel out, so what is left is what one more piece costs once the code is warm.
 *
 *   node_modules/.bin/node bench/micro-commit-instructions.mjs [checkout ...]   (default: this one)
 *   env JOBS=100 PIECES=150 (per job and round: runs of 150 and 300; each a warm-up round and a measured one)
 *
 * The JIT stays on (what a server runs): `--jitless` would count the interpreter's instructions,
 * not the optimised code's, and rank the costs differently. But by default the harness runs with
 * V8's `--predictable --predictable-gc-schedule` (compilation and collection on the main thread, fixed
 * seeds, a fixed collection schedule): with the compiler and collector on threads of their own, the
 * same build counted 40–58 k instructions per piece from one batch of runs to the next (when a
 * function is optimised, and what each collection finds, moved with the timing), while in
 * predictable mode the same build counted twice gives the same total to 0.2 % (±0.5 k per piece).
 * NODE_FLAGS='' runs it as a server would. Needs `valgrind` on the PATH; a run takes a few minutes.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = fileURLToPath(new URL('..', import.meta.url))
const JOBS = Number(process.env.JOBS ?? 100)
const PIECES = Number(process.env.PIECES ?? 150)
const ROUNDS = 2
/** The harness's Node flags besides the TypeScript ones (see above). */
const NODE_FLAGS = (process.env.NODE_FLAGS ?? '--predictable --predictable-gc-schedule').split(' ').filter(Boolean)
const roots = process.argv.slice(2).length ? process.argv.slice(2).map(root => resolve(root)) : [HERE]
const scratch = mkdtempSync(join(tmpdir(), 'micro-commit-instructions-'))

/** One cachegrind run of the harness over `root`: instructions in all, and the harness's own lines. */
function count(root, pieces) {
  const out = join(scratch, `cachegrind.${pieces}.out`)
  const { status, stdout, stderr } = spawnSync('valgrind', [
    '--tool=cachegrind', '--cache-sim=no', `--cachegrind-out-file=${out}`,
    process.execPath, ...NODE_FLAGS, '--experimental-transform-types', '--no-warnings', '--import', './bench/lib/register-ts.mjs', 'bench/micro-commit.ts',
  ], { cwd: HERE, encoding: 'utf8', env: { ...process.env, ROOTS: root, JOBS: String(JOBS), PIECES: String(pieces), REPEAT: '1' }, maxBuffer: 64 * 1024 * 1024 })
  const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr)
  if (status !== 0 || !refs) throw new Error(`valgrind over ${root} (PIECES=${pieces}) failed (exit ${status}):\n${stderr.slice(-2000)}`)
  const measured = stdout.split('\n').find(line => line.startsWith('[micro-commit] run 1'))
  return {
    instructions: Number(refs[1].replaceAll(',', '')),
    piecesPerEvent: Number(/([\d.]+) pieces per event/.exec(measured)?.[1]),
    bytesPerPiece: Number(/(\d+) bytes allocated per piece/.exec(measured)?.[1]),
  }
}

try {
  for (const root of roots) {
    const short = count(root, PIECES)
    const long = count(root, 2 * PIECES)
    const pieces = JOBS * PIECES * ROUNDS
    const perPiece = (long.instructions - short.instructions) / pieces
    console.log(`[micro-commit-instructions] ${root} (${NODE_FLAGS.join(' ') || 'no flags'}): ${JOBS} jobs × ${2 * PIECES} − ${PIECES} pieces × ${ROUNDS} rounds; ${(long.instructions / 1e6).toFixed(0)} M − ${(short.instructions / 1e6).toFixed(0)} M instructions`)
    console.log(`[micro-commit-instructions]   ${(perPiece / 1000).toFixed(1)} k instructions per piece, ${(perPiece * long.piecesPerEvent / 1000).toFixed(1)} k per text event (${long.piecesPerEvent} pieces per event), ${long.bytesPerPiece} bytes allocated per piece (measured round)`)
  }
}
finally {
  rmSync(scratch, { recursive: true, force: true })
}
