/** The server's JSON log lines written to the console during each test, parsed (tests of what is logged). */
import { afterEach, beforeEach, vi } from 'vitest'

export interface ConsoleLine { level: string, message: string, failures?: unknown }

/** Captures `console.error`/`warn`/`info` in every test of the file; `lines()` is the current test's, in order. */
export function useConsoleLines(): { lines: () => ConsoleLine[] } {
  let lines: ConsoleLine[] = []
  beforeEach(() => {
    lines = []
    for (const level of ['error', 'warn', 'info'] as const) {
      vi.spyOn(console, level).mockImplementation((line: string) => {
        const parsed = JSON.parse(line) as { message: string, failures?: unknown }
        lines.push({ level, message: parsed.message, ...(parsed.failures === undefined ? {} : { failures: parsed.failures }) })
      })
    }
  })
  afterEach(() => {
    vi.restoreAllMocks()
  })
  return { lines: () => lines }
}
