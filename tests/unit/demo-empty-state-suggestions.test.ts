/**
 * A new thread's suggestions (demo/app/components/ThreadEmptyState.vue) name each kind of thing the
 * demo's tools show: tools that run, a call that waits for approval, and one that asks approval then
 * reports its progress (`deploy_site`, which the scripted model calls for "deploy").
 */
import { expect, it } from 'vitest'
import { createSSRApp, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import ThreadEmptyState from '../../demo/app/components/ThreadEmptyState.vue'
import { planToolSteps } from '../../server/lib/model/scripted-script'

it('a new thread suggests a call that asks approval and then reports its progress', async () => {
  const html = await renderToString(createSSRApp({ render: () => h(ThreadEmptyState, { kind: 'new' }) }))
  const suggestions = [...html.matchAll(/<button type="button" class="suggestion"><span class="suggestion-prompt">([^<]+)<\/span>/g)].map(match => match[1])
  expect(suggestions).toEqual(['What time is it?', 'Calculate 12 * 7', 'Delete notes.txt', 'Deploy my site'])
  // What the chip puts in the box makes the scripted model call the tool it is about.
  expect(planToolSteps('Deploy my site', new Set(['deploy_site', 'delete_file'])).flat().map(call => call.name)).toEqual(['deploy_site'])
})
