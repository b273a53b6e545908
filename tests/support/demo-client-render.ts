/**
 * A demo `.vue` component with its template compiled for the browser, on a renderer whose nodes
 * are plain objects: template refs, event handlers and focus work without a DOM. The unit project
 * compiles `.vue` files for server rendering (Vitest transforms for Node, tests/support/demo-component.ts),
 * which renders nothing; a test that presses a button or asks where the focus went needs this.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import * as vue from 'vue'
import type { Component } from 'vue'
import { compileScript, compileTemplate, parse } from 'vue/compiler-sfc'
import { afterEach, beforeEach, vi } from 'vitest'

/** One rendered element (or text): what the template made of it. */
export interface FakeNode {
  tag: string
  props: Record<string, unknown>
  children: FakeNode[]
  parent: FakeNode | null
  text: string
  /** A form field's value (v-model reads and writes it). */
  value?: string
  focus: () => void
  /** Inline style (v-show sets `display`). */
  style: Record<string, string>
  /** Listeners added by directives (v-model's `input`). */
  listeners: Record<string, Array<(event: unknown) => void>>
  addEventListener: (type: string, listener: (event: unknown) => void) => void
  removeEventListener: (type: string, listener: (event: unknown) => void) => void
  /** v-model asks it for the focused element. */
  getRootNode: () => FakeDocument
}

/** The element with the focus (`document.activeElement`). */
export const focusState: { active: FakeNode | null } = { active: null }

/** `document` as the page and v-model read it: only the focused element. */
class FakeDocument {
  get activeElement(): FakeNode | null {
    return focusState.active
  }

  readonly visibilityState = 'visible'

  // What the page listens for on the document (a draft's save when the page is hidden): nothing comes here.
  addEventListener(): void {}
  removeEventListener(): void {}
}

/** Installs `document` (and the classes v-model checks it against); nothing has the focus. */
export function stubDocument(): void {
  focusState.active = null
  vi.stubGlobal('Document', FakeDocument)
  vi.stubGlobal('ShadowRoot', class {})
  vi.stubGlobal('document', new FakeDocument())
}

/**
 * For a file that mounts demo components with `mountClient`: before each test the fake `document`
 * and the `computed` that Nuxt auto-imports in the components, after it the real globals back.
 */
export function useClientRendering(): void {
  beforeEach(() => {
    stubDocument()
    vi.stubGlobal('computed', vue.computed)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
  })
}

function node(tag: string, text = ''): FakeNode {
  const made: FakeNode = {
    tag,
    props: {},
    children: [],
    parent: null,
    text,
    style: {},
    focus: () => {
      focusState.active = made
    },
    listeners: {},
    addEventListener: (type, listener) => {
      ;(made.listeners[type] ??= []).push(listener)
    },
    removeEventListener: (type, listener) => {
      made.listeners[type] = (made.listeners[type] ?? []).filter(item => item !== listener)
    },
    getRootNode: () => new FakeDocument(),
  }
  return made
}

function detach(child: FakeNode): void {
  const parent = child.parent
  if (!parent) return
  parent.children.splice(parent.children.indexOf(child), 1)
  child.parent = null
  // An element removed with the focus takes it away (the browser's body gets it).
  if (focusState.active && (focusState.active === child || contains(child, focusState.active))) focusState.active = null
}

function contains(root: FakeNode, target: FakeNode): boolean {
  return root.children.some(child => child === target || contains(child, target))
}

const renderer = vue.createRenderer<FakeNode, FakeNode>({
  createElement: tag => node(tag),
  createText: text => node('#text', text),
  createComment: text => node('#comment', text),
  setText: (target, text) => {
    target.text = text
  },
  setElementText: (target, text) => {
    for (const child of [...target.children]) detach(child)
    target.text = text
  },
  insert: (child, parent, anchor) => {
    detach(child)
    const at = anchor ? parent.children.indexOf(anchor) : -1
    if (at >= 0) parent.children.splice(at, 0, child)
    else parent.children.push(child)
    child.parent = parent
  },
  remove: detach,
  patchProp: (target, key, _before, value) => {
    target.props[key] = value
  },
  parentNode: target => target.parent,
  nextSibling: (target) => {
    const siblings = target.parent?.children ?? []
    return siblings[siblings.indexOf(target) + 1] ?? null
  },
})

/**
 * `component` (imported from `file`) with its template compiled for the browser. `children`: the
 * components its script imports (`import ThreadRow from './ThreadRow.vue'`) that the test needs
 * rendered too, by their import's name, given as this makes them — the imported ones were compiled
 * for server rendering and render nothing here.
 */
export function withClientTemplate(component: Component, file: string, children: Record<string, Component> = {}): Component {
  const { descriptor } = parse(readFileSync(file, 'utf8'), { filename: file })
  // The script's bindings: the template reads them from the setup state, as the SFC compiler's output does.
  const { bindings } = compileScript(descriptor, { id: file })
  const { code, errors } = compileTemplate({ source: descriptor.template!.content, filename: file, id: file, compilerOptions: { mode: 'function', bindingMetadata: bindings } })
  if (errors.length) throw new Error(String(errors[0]))
  // `mode: 'function'`: the code reads `Vue` and returns the render function.
  const render = new Function('Vue', withoutTypes(code))(vue) as ((...args: unknown[]) => unknown) & { _rc?: boolean }
  // Compiled at run time (`with (_ctx)`): Vue gives it the proxy such code needs.
  render._rc = true
  const setup = (component as { setup?: (...args: unknown[]) => Record<string, unknown> }).setup
  const withChildren = setup && Object.keys(children).length
    ? {
        // The setup state the template reads its bindings from, the children swapped in (set on
        // that object itself: its getters for `let` bindings must stay live). Two parameters: Vue
        // passes the context (`expose`, `emit`) only to a setup that declares it.
        setup: (props: unknown, context: unknown) => Object.assign(setup(props, context), children),
      }
    : {}
  return { ...(component as object), ...withChildren, render, ssrRender: undefined } as Component
}

/**
 * `code` without TypeScript: a template's expressions may hold some (`turns[0]!.title`), which this
 * mode copies as they are. Read by TypeScript only then (it takes a while to load).
 */
function withoutTypes(code: string): string {
  try {
    void new Function('Vue', code)
    return code
  }
  catch (error) {
    if (!(error instanceof SyntaxError)) throw error
    const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript')
    return ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None } }).outputText
  }
}

/** Mounts `root` on a fake element; returns that element and an unmount. */
export function mountClient(root: Component, components: Record<string, Component> = {}): { container: FakeNode, unmount: () => void } {
  const app = renderer.createApp(root)
  // The component's setup was compiled for server rendering: it registers itself in the SSR context.
  app.provide(vue.ssrContextKey, {})
  // An error while rendering or in a handler fails the test, not a warning.
  app.config.errorHandler = (error) => {
    throw error
  }
  // The template compiled at run time reads its bindings through `with`: Vue's note on that is noise here.
  app.config.warnHandler = (message, _instance, trace) => {
    if (!message.startsWith('Avoid app logic that relies on enumerating keys')) console.warn(`[Vue warn]: ${message}${trace}`)
  }
  // Nuxt registers a `Lazy` twin of each component (loaded in its own chunk): here it is the same one, loaded already.
  for (const [name, component] of Object.entries(components)) app.component(name, component).component(`Lazy${name}`, component)
  const container = node('#root')
  app.mount(container)
  return { container, unmount: () => app.unmount() }
}

/** Every element under `root` (depth first). */
export function allNodes(root: FakeNode): FakeNode[] {
  return root.children.flatMap(child => [child, ...allNodes(child)])
}

/** The text inside `target`. */
export function textOf(target: FakeNode): string {
  return target.text + target.children.map(textOf).join('')
}

/** The buttons under `root` whose text is `label`. */
export function buttons(root: FakeNode, label: string): FakeNode[] {
  return allNodes(root).filter(item => item.tag === 'button' && textOf(item).trim() === label)
}
