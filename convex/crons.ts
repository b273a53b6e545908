/** Scheduled work of the `convex` provider: retention cleanup every minute. */
import { cronJobs } from 'convex/server'
import { internal } from './_generated/api'

const crons = cronJobs()

// Retention comes from the BACKGROUND_JOBS_RETENTION_MS deployment variable (default 1 hour; a value that is no number of ms deletes nothing and is logged).
crons.interval('delete expired background jobs', { minutes: 1 }, internal.cleanup.deleteExpiredJobs, {})

export default crons
