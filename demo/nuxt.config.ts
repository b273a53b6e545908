/**
 * The demo chat: an ordinary Nuxt app that adopts the layer with one line (`extends`) and adds the
 * chat pages, its CSS, and the demo tools and workflows (`server/tools/`, `server/workflows/`).
 * `npm run dev` in the repository root starts it; `npm run build` builds it into `demo/.output`.
 */
import { COMPOSER_BOX_IDS } from './app/lib/composer-boxes'
import { earlyComposerScript } from './app/lib/early-composer'

export default defineNuxtConfig({
  extends: ['..'],
  compatibilityDate: '2026-11-01',
  app: {
    head: {
      // Before the app runs, an Enter in a message box (the main chat's, /ai-sdk's) is noted and sent once it does (lib/early-composer.ts).
      script: [{ key: 'early-composer', innerHTML: earlyComposerScript(COMPOSER_BOX_IDS) }],
    },
  },
  // Nuxt DevTools (Shift + Alt + D in `npm run dev`) has the layer's Background jobs tab.
  devtools: { enabled: true },
  runtimeConfig: {
    public: {
      // Turns the thread view reads at a time (demo/app/lib/thread-page-size.ts); a test lowers it
      // with NUXT_PUBLIC_THREAD_PAGE_SIZE to reach "Show earlier messages" in a few turns.
      threadPageSize: 100,
    },
  },
  // The chat has one-click approvals and deletions: no other site may frame it (clickjacking).
  // 'self', not 'none': Nuxt DevTools shows the app's own pages in a frame in `npm run dev`.
  routeRules: {
    '/**': { headers: { 'x-frame-options': 'SAMEORIGIN', 'content-security-policy': 'frame-ancestors \'self\'' } },
  },
  backgroundJobs: {
    // A demo must answer without an API key: the built-in, clearly labelled scripted model.
    scripted: { enabled: true },
  },
  hooks: {
    // "/" (a new thread) is the thread page too, so the first message keeps the same view.
    'pages:extend'(pages) {
      const thread = pages.find(page => page.file?.endsWith('/pages/threads/[threadId].vue'))
      if (thread && !pages.some(page => page.path === '/')) pages.push({ ...thread, name: 'index', path: '/', children: [] })
    },
  },
})
