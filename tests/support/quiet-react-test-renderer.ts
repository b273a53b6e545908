/**
 * React deprecates react-test-renderer and says so on every render (`console.error`). A React
 * test file calls this once: that line is dropped during its tests, every other error still shows.
 */
import { afterAll, beforeAll, vi } from 'vitest'

export function quietReactTestRenderer(): void {
  const consoleError = console.error
  beforeAll(() => {
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      if (!String(args[0]).startsWith('react-test-renderer is deprecated')) consoleError(...args)
    })
  })
  afterAll(() => {
    vi.mocked(console.error).mockRestore()
  })
}
