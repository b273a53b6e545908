/**
 * A tracing SDK for tests: a tracer provider with an in-memory exporter and the AsyncLocalStorage
 * context manager (what a Node app's SDK registers), installed globally for one test. Spans are
 * read back as a tree of names so tests can assert the shape a trace backend would show.
 */
import { context, trace } from '@opentelemetry/api'
import { afterEach, beforeEach, vi } from 'vitest'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'

/** A span and its children, siblings in start order (then end order: fake timers stop the clock). */
export interface SpanNode {
  span: ReadableSpan
  children: SpanNode[]
}

const startOf = (span: ReadableSpan) => span.startTime[0] * 1e9 + span.startTime[1]

/** Installs the SDK; call `uninstall()` after the test. */
export function installTracing() {
  const exporter = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  const contextManager = new AsyncLocalStorageContextManager().enable()
  context.setGlobalContextManager(contextManager)
  trace.setGlobalTracerProvider(provider)

  const spans = () => exporter.getFinishedSpans()

  function tree(): SpanNode[] {
    const finished = spans()
    const endIndex = new Map(finished.map((span, index) => [span, index]))
    const nodes = new Map(finished.map(span => [span.spanContext().spanId, { span, children: [] as SpanNode[] }]))
    const roots: SpanNode[] = []
    for (const node of nodes.values()) {
      const parentId = node.span.parentSpanContext?.spanId
      const parent = parentId ? nodes.get(parentId) : undefined
      if (parent) parent.children.push(node)
      else roots.push(node)
    }
    const order = (list: SpanNode[]) => {
      list.sort((left, right) => startOf(left.span) - startOf(right.span) || endIndex.get(left.span)! - endIndex.get(right.span)!)
      for (const node of list) order(node.children)
    }
    order(roots)
    return roots
  }

  return {
    exporter,
    spans,
    tree,
    /** The trees as indented lines `name label`, e.g. `  background_jobs.tool_call get_time`. */
    outline(): string[] {
      const lines: string[] = []
      const walk = (node: SpanNode, depth: number) => {
        lines.push(`${'  '.repeat(depth)}${node.span.name}${label(node.span) ? ` ${label(node.span)}` : ''}`)
        for (const child of node.children) walk(child, depth + 1)
      }
      for (const root of tree()) walk(root, 0)
      return lines
    },
    /** Finished spans with this name. */
    named: (name: string) => spans().filter(span => span.name === name),
    async uninstall() {
      await provider.shutdown()
      trace.disable()
      context.disable()
    },
  }
}

/** What tells siblings apart in an outline: the round, the tool or the node. */
function label(span: ReadableSpan): string {
  const attributes = span.attributes
  if (attributes['gen_ai.tool.name']) return String(attributes['gen_ai.tool.name'])
  if (attributes['background_jobs.node.id'] && span.name.endsWith('workflow_node')) return String(attributes['background_jobs.node.id'])
  if (attributes['background_jobs.round'] !== undefined) return `round ${String(attributes['background_jobs.round'])}`
  return ''
}

/** Every string in a span's attributes, its events' attributes and its status message. */
export function spanStrings(span: ReadableSpan): string[] {
  const values = [
    ...Object.values(span.attributes),
    ...span.events.flatMap(event => Object.values(event.attributes ?? {})),
    span.status.message,
  ]
  return values.flatMap(value => (Array.isArray(value) ? value : [value])).filter((value): value is string => typeof value === 'string')
}

/** The tracing installed for one test. */
export type TestTracing = ReturnType<typeof installTracing>

/**
 * Installs tracing before each test of the calling suite and removes it after; with `fakeTimers`,
 * vitest's fake timers too. Returns a getter for the current test's tracing.
 */
export function useTracingPerTest(options: { fakeTimers?: boolean } = {}): () => TestTracing {
  let tracing: TestTracing | null = null
  beforeEach(() => {
    if (options.fakeTimers) vi.useFakeTimers()
    tracing = installTracing()
  })
  afterEach(async () => {
    if (options.fakeTimers) vi.useRealTimers()
    await tracing?.uninstall()
    tracing = null
  })
  return () => tracing!
}
