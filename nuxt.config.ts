/**
 * nuxt-background-jobs — a Nuxt layer. Apps enable it with `extends: ['nuxt-background-jobs']`
 * and get the engine, the `/api/jobs` routes, the composables and `defineTool` / `defineWorkflow`
 * — no pages, no app.vue, no CSS, no tools or workflows of its own (the demo chat in `demo/` is a
 * separate app that extends this layer).
 *
 * Every default lives in server/lib/config.ts; runtimeConfig only declares the keys so that
 * `NUXT_BACKGROUND_JOBS_*` environment variables can override them at run time. Apps may also set
 * them, typed, under the `backgroundJobs` key of their nuxt.config (lib/module.ts).
 */
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
// Imported, not the global: an app that extends the layer type-checks this file in its own node
// project, where the global `defineNuxtConfig` is not declared.
import { defineNuxtConfig } from 'nuxt/config'
import { DEFAULT_CONFIG } from './server/lib/config'

export default defineNuxtConfig({
  compatibilityDate: '2026-11-01',
  telemetry: false,
  modules: [fileURLToPath(new URL('./lib/module', import.meta.url))],
  // The documented imports (`nuxt-background-jobs/shared/reducer`, `…/app/lib/api-error`) resolve
  // however the app extends the layer: installed under this name, or by a path or a git source,
  // where no package of this name is installed (the build and `nuxt typecheck` failed on them).
  alias: { 'nuxt-background-jobs': dirname(fileURLToPath(import.meta.url)) },
  runtimeConfig: {
    // Server-only: secrets (API key, metrics token, cookie secret) never go to `public`.
    backgroundJobs: structuredClone(DEFAULT_CONFIG),
  },
  typescript: {
    strict: true,
    // The build-time module (lib/) is Node code: checked with nuxt.config by `nuxt typecheck`.
    // An absolute path: a relative one is read from the *app's* build dir and would pull the
    // app's own `lib/` into its node project.
    nodeTsConfig: { include: [fileURLToPath(new URL('./lib/**/*.ts', import.meta.url))] },
  },
})
