/**
 * A job's record for a caller that needs its owner, status or summary, not its request: as a
 * listing gives it (`getListed`: a chat's last user message, not its whole history of up to 1 MB),
 * or the whole record from a provider without that read (memory, where it costs nothing).
 */
import type { JobProvider, JobRecord } from './providers/types'

/** The record as `getListed` gives it, or `get`'s where the provider has no `getListed`. */
export function getListedRecord(provider: Pick<JobProvider, 'get' | 'getListed'>, id: string): Promise<JobRecord | null> {
  return provider.getListed ? provider.getListed(id) : provider.get(id)
}
