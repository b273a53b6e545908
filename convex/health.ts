/**
 * The server's boot check (server/lib/providers/convex-boot-check.ts): one cheap call that proves
 * the deployment answers, takes the servers' secret, and has the layer's functions at a version
 * the server can work with. Reads nothing.
 */
import { v } from 'convex/values'
import { serverQuery } from './access'
import { FUNCTIONS_VERSION } from './version'

/** The version of the functions deployed. */
export const check = serverQuery({
  args: {},
  returns: v.object({ version: v.number() }),
  handler: async () => ({ version: FUNCTIONS_VERSION }),
})
