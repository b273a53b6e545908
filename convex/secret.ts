/**
 * The names and rules of the servers' secret, shared by the functions (access.ts) and the
 * server's provider. No Convex imports, so the server can read it without loading `convex`.
 */

/** The deployment environment variable that holds the servers' secret. */
export const SECRET_VARIABLE = 'BACKGROUND_JOBS_SECRET'

/** The server setting that holds the same secret. */
export const SERVER_SECRET_VARIABLE = 'NUXT_BACKGROUND_JOBS_CONVEX_SECRET'

/** A shorter secret is refused on both sides: it could be guessed. */
export const MIN_SECRET_LENGTH = 32
