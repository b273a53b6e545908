/** How much the process's metric counters grew while some work ran (the registry is shared by a file's tests). */
import { useMetrics } from '../../server/lib/metrics'

/** Each counter that changed while `run` ran, by how much (keys as `snapshot().counters` writes them). */
export async function counterGrowth(run: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = useMetrics().snapshot().counters
  await run()
  const grown: Record<string, number> = {}
  for (const [key, value] of Object.entries(useMetrics().snapshot().counters)) {
    if (value !== (before[key] ?? 0)) grown[key] = value - (before[key] ?? 0)
  }
  return grown
}
