/** What the server offers: the model (and whether it is the built-in scripted one), tools, workflows. */
import type { JobCatalog } from '../lib/api-types'
import { DEFAULT_CATALOG_LIMITS } from '../lib/catalog-limits'

// Until it has loaded, chat counts as available: the composer is not held off by a slow catalog.
const EMPTY_CATALOG: JobCatalog = { model: { scripted: false, name: '' }, chat: { available: true, reason: null }, tools: [], workflows: [], limits: DEFAULT_CATALOG_LIMITS }

/** The catalog, fetched once per app (SSR included) and shared. */
export function useJobCatalog() {
  const { data, error, refresh } = useFetch<JobCatalog>('/api/jobs/catalog', {
    key: 'background-jobs:catalog',
    $fetch: useJobsFetch(),
    default: () => EMPTY_CATALOG,
  })
  return { catalog: data, error, refresh }
}
