/**
 * The names and rules of the servers' secret, shared by the functions (access.ts) and the
 * server's provider. No Convex imports, so the server can read it without loading `convex`.
 */

/** The deployment environment variable that holds the servers' secret. */
export const SECRET_VARIABLE = 'BACKGROUND_JOBS_SECRET'

/**
 * While the secret is rotated, the deployment also accepts this one (the old secret): set the new
 * one as `BACKGROUND_JOBS_SECRET` and the old one here, move every server to the new one, then
 * unset this. Without it every server still on the old secret is refused until it restarts.
 */
export const PREVIOUS_SECRET_VARIABLE = 'BACKGROUND_JOBS_SECRET_PREVIOUS'

/** The server setting that holds the same secret. */
export const SERVER_SECRET_VARIABLE = 'NUXT_BACKGROUND_JOBS_CONVEX_SECRET'

/** A shorter secret is refused on both sides: it could be guessed. */
export const MIN_SECRET_LENGTH = 32
