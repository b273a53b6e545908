/**
 * nuxt-background-jobs — a Nuxt layer. Apps enable it with `extends: ['nuxt-background-jobs']`.
 * Every default lives in server/lib/config.ts; runtimeConfig only declares the keys so that
 * `NUXT_BACKGROUND_JOBS_*` environment variables can override them at run time.
 */
import { fileURLToPath } from 'node:url'
import { DEFAULT_CONFIG } from './server/lib/config'

export default defineNuxtConfig({
  compatibilityDate: '2026-11-01',
  telemetry: false,
  devtools: { enabled: false },
  modules: [fileURLToPath(new URL('./lib/module', import.meta.url))],
  runtimeConfig: {
    // Server-only: secrets (API key, metrics token, cookie secret) never go to `public`.
    backgroundJobs: structuredClone(DEFAULT_CONFIG),
  },
  typescript: {
    strict: true,
  },
})
