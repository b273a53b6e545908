/**
 * Tells the layer's middleware which routes under `/api/jobs` are the app's own (lib/app-routes.ts,
 * from the build): their requests are left to them, not answered 405 by the layer.
 */
import { appRoutes } from '#background-jobs/app-routes'
import { defineNitroPlugin } from 'nitropack/runtime'
import { setAppJobsRoutes } from '../lib/http/route-methods'

export default defineNitroPlugin(() => {
  setAppJobsRoutes(appRoutes)
})
