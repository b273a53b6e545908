/**
 * Dev only (registered by lib/devtools.ts when `nuxt dev` runs): remembers the jobs created in
 * this dev server for the DevTools tab.
 */
import { defineNitroPlugin } from 'nitropack/runtime'
import { rememberJob } from './recent-jobs'

export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('background-jobs:job-created', ({ job }) => rememberJob(job.id))
})
