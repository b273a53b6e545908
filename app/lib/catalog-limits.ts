/** The request limits a client keeps within (`GET /api/jobs/catalog`'s `limits`). */
import type { CatalogLimits } from './api-types'

/** The server's default limits (`limits.*` in server/lib/config.ts), used until the catalog has loaded. */
export const DEFAULT_CATALOG_LIMITS: CatalogLimits = { maxMessages: 200, maxMessageChars: 100_000, maxBodyBytes: 262_144 }
