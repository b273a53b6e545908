import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

/**
 * Three projects: `unit` and `unit-convex` (fast, no build) and `e2e` (builds the fixture app once in
 * globalSetup, then each file starts real server processes from that build). `npm test` runs all.
 */
export default defineConfig({
  test: {
    // The summary reporter prints the last line CI reads; the timeline one writes test-results/timeline.json.
    reporters: ['default', './tests/support/timeline-reporter.ts', './tests/support/summary-reporter.ts'],
    projects: [
      {
        // Demo components (.vue) mounted in unit tests: tests/support/demo-component.ts.
        plugins: [vue()],
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/providers/**/*.test.ts'],
          environment: 'node',
          // Workers shared across files, as for `unit-convex`: a fresh worker per file cost ~490 s of
          // CPU for this project against ~120 s shared (two cores: 256 s → 65 s). Each file still
          // starts from fresh project modules, real timers and unstubbed globals (file-reset.ts).
          isolate: false,
          // A file that leaves a server, socket, timer or child process running fails (its leftovers
          // would run on in the next files of its worker): resource-leak-guard.ts, listed first so
          // that it looks after file-reset.ts restored real timers.
          setupFiles: ['./tests/support/resource-leak-guard.ts', './tests/support/file-reset.ts'],
          testTimeout: 30_000,
          // `expect.poll` waits on real sockets and streams in some files (an SSE sink, a Redis
          // server): its 1 s default failed one of them with the machine loaded (4 MB through gzip,
          // sse-sink-backpressure). The condition still decides; only a failure takes longer to show.
          expect: { poll: { timeout: 10_000 } },
          // Projects that run together share one pool, so they must name the same size (e2e below).
          maxWorkers: 4,
        },
      },
      {
        test: {
          // The convex-test files, in workers shared across files (`isolate: false`): each file
          // evaluated convex-test and every convex/ module (tests/convex/backend.ts loads them
          // eagerly) in a fresh worker, ~2/3 of these files' CPU time. They keep no state between
          // files: each test makes its own backend, and restores real timers after fake ones.
          name: 'unit-convex',
          include: ['tests/convex/**/*.test.ts'],
          environment: 'node',
          isolate: false,
          // As in `unit`: a file that leaves something running fails (resource-leak-guard.ts).
          setupFiles: ['./tests/support/resource-leak-guard.ts'],
          testTimeout: 30_000,
          expect: { poll: { timeout: 10_000 } },
          maxWorkers: 4,
        },
      },
      {
        test: {
          name: 'e2e',
          // Workers shared across files (\`isolate: false\`), as in \`unit\`: a fresh worker per file
          // evaluated vitest, playwright-core, redis and the support code again for each of ~60 files
          // (about 0.5 s of CPU a file, measured on 8 files: 14.3-15.2 s isolated, 10.8 s shared). The
          // project's own modules are evaluated again for each file, real timers, globals and env come
          // back (file-reset.ts). Servers, browsers and Redis stay each file's to stop (the shared
          // demo per worker slot lives in the main process, shared-demo-pool.ts).
          isolate: false,
          setupFiles: ['./tests/support/file-reset.ts'],
          include: ['tests/e2e/**/*.test.ts', 'tests/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['./tests/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 240_000,
          // As in `unit`: `expect.poll` here waits on other processes (a server ending a job or
          // aborting its upstream request, a page's styles), which Vitest's 1 s default does not
          // cover on a loaded machine. The condition still decides; only a failure takes longer.
          expect: { poll: { timeout: 10_000 } },
          // Each file runs its own server processes. The pool of both projects (four on two cores):
          // most of an e2e file's time is waiting (leases, timers, a browser rendering); with three
          // the run kept the cores about 60% busy, and the unit files waited for the e2e ones.
          maxWorkers: 4,
        },
      },
    ],
  },
})
