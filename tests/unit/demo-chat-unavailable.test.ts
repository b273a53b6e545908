/**
 * With no model configured, every chat start answers 503 naming the API key; the catalog now says
 * so (`chat.available`, each workflow's `available`). The demo ignored it: the composer took a
 * message and showed the 503's words about an environment variable after it was sent, and the
 * workflow chips and the Workflow menu offered a workflow that needs the model like any other.
 * Now the composer says plainly that chat is unavailable (and is off when nothing can run), a chat
 * message is not sent, and a workflow that cannot run is marked and cannot be picked.
 */
import * as vue from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CatalogChat, CatalogWorkflow } from '../../app/lib/api-types'
import { parseComposerInput, suggestedWorkflow } from '../../demo/app/lib/commands'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, mountClient, stubDocument, textOf, withClientTemplate } from '../support/demo-client-render'
import ChatComposerSsr from '../../demo/app/components/ChatComposer.vue'
import WorkflowMenuSsr from '../../demo/app/components/WorkflowMenu.vue'

const ChatComposer = withClientTemplate(ChatComposerSsr, 'demo/app/components/ChatComposer.vue')
const WorkflowMenu = withClientTemplate(WorkflowMenuSsr, 'demo/app/components/WorkflowMenu.vue')

const NO_CHAT: CatalogChat = { available: false, reason: 'No AI model is configured on this server, so chats cannot start.' }
const schema = { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'] }
const report: CatalogWorkflow = { name: 'research-report', description: 'writes a report', inputSchema: schema, questions: [], available: false, reason: 'It asks an AI model, and no model is configured on this server.' }
const plan: CatalogWorkflow = { name: 'trip-plan', description: 'plans a trip', inputSchema: schema, questions: [], available: true, reason: null }

beforeEach(() => {
  stubDocument()
  for (const name of ['ref', 'computed', 'watch', 'nextTick', 'onMounted', 'onBeforeUnmount', 'inject', 'useId'] as const) vi.stubGlobal(name, vue[name])
})
afterEach(() => {
  vi.unstubAllGlobals()
})

async function composer(workflows: CatalogWorkflow[], chat: CatalogChat): Promise<{ root: FakeNode, sent: string[] }> {
  const sent: string[] = []
  const { container } = mountClient(vue.defineComponent({ setup: () => () => vue.h(ChatComposer, { sending: false, error: null, workflows, chat, send: async (text: string) => {
    sent.push(text)
    return true
  } }) }), { WorkflowMenu })
  await vue.nextTick()
  return { root: container, sent }
}

const byTag = (root: FakeNode, tag: string) => allNodes(root).filter(node => node.tag === tag)
const chip = (root: FakeNode, name: string) => byTag(root, 'button').find(node => String(node.props['aria-label'] ?? '').includes(`${name} workflow`))!
const menuItem = (root: FakeNode, name: string) => byTag(root, 'button').find(node => node.props.class === 'workflow-menu-item' && textOf(node).includes(name))!

describe('the demo when chat is unavailable', () => {
  it('says so in the composer and marks the workflow that cannot run', async () => {
    const { root } = await composer([report, plan], NO_CHAT)
    expect(textOf(root)).toContain('Chat is unavailable: No AI model is configured on this server')
    expect(byTag(root, 'textarea')[0]!.props.disabled).toBeFalsy()
    expect(chip(root, 'research-report').props.disabled).toBe(true)
    expect(textOf(chip(root, 'research-report'))).toContain('(unavailable)')
    expect(chip(root, 'trip-plan').props.disabled).toBeFalsy()
    expect(menuItem(root, 'Research report').props.disabled).toBe(true)
    expect(textOf(menuItem(root, 'Research report'))).toContain('no model is configured')
    expect(menuItem(root, 'Trip plan').props.disabled).toBeFalsy()
  })

  it('turns the box off when nothing can run', async () => {
    const { root } = await composer([report], NO_CHAT)
    expect(byTag(root, 'textarea')[0]!.props.disabled).toBe(true)
  })

  it('does not send a chat message nor an unavailable workflow, and still starts one that runs', () => {
    expect(parseComposerInput('hello', [report, plan], NO_CHAT)).toEqual({ kind: 'invalid', message: expect.stringContaining('Chat is unavailable') })
    expect(parseComposerInput('/workflow research-report cats', [report, plan], NO_CHAT)).toEqual({ kind: 'invalid', message: expect.stringContaining('cannot run now') })
    expect(parseComposerInput('/workflow trip-plan Lisbon', [report, plan], NO_CHAT)).toMatchObject({ kind: 'workflow', workflow: 'trip-plan' })
    expect(parseComposerInput('hello', [report, plan], { available: true, reason: null })).toEqual({ kind: 'chat', prompt: 'hello' })
  })
})

describe('a new thread\'s hints', () => {
  it('name the first workflow this user can start, not one marked unavailable', () => {
    expect(suggestedWorkflow([report, plan])).toBe('trip-plan')
    expect(suggestedWorkflow([report])).toBeUndefined()
    expect(suggestedWorkflow([{ ...report, available: undefined, reason: undefined }])).toBe('research-report')
    expect(suggestedWorkflow(undefined)).toBeUndefined()
  })
})
