/**
 * Every package the layer's shipped files import (package.json `files`) is declared in its
 * package.json. With npm's flat node_modules an undeclared import resolves by luck (something else
 * brought it); with a strict layout (pnpm `hoist=false`, Yarn PnP) an app that extends the layer
 * failed to build: `Cannot find module '@nuxt/kit'` from lib/module.ts, then Vite's `failed to
 * resolve import "h3"` from app/composables/useJobsFetch.ts (docs/decisions/014). Types count:
 * the app's `nuxt typecheck` checks the layer's files, and a strict layout could not find `rollup`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string
  files: string[]
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}

const SOURCE = /\.(?:[cm]?[jt]s|vue)$/

function shippedFiles(): string[] {
  const files: string[] = []
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry))
    else if (SOURCE.test(path)) files.push(path)
  }
  for (const entry of manifest.files) walk(join(ROOT, entry))
  return files
}

interface Import { specifier: string, typeOnly: boolean }

/** Static imports, re-exports, `import()` and `import('x').T` types of one file (strings of generated code are not imports). */
function importsOf(path: string): Import[] {
  let text = readFileSync(path, 'utf8')
  if (path.endsWith('.vue')) text = [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map(match => match[1]).join('\n')
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false)
  const found: Import[] = []
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(node)
        ? !!node.importClause && (node.importClause.isTypeOnly || (!node.importClause.name && !!node.importClause.namedBindings && ts.isNamedImports(node.importClause.namedBindings) && node.importClause.namedBindings.elements.length > 0 && node.importClause.namedBindings.elements.every(element => element.isTypeOnly)))
        : node.isTypeOnly
      found.push({ specifier: node.moduleSpecifier.text, typeOnly })
    }
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false })
    }
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** The package a bare specifier names, or null for a path, a Node builtin or an alias (`#…`, `~~/…`). */
function packageOf(specifier: string): string | null {
  if (/^(?:\.|\/|#|~|@@\/|@\/|node:|virtual:)/.test(specifier)) return null
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!
  if (builtinModules.includes(name)) return null
  return name
}

const declared = new Set([manifest.name, ...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})])

describe('the published package', () => {
  const imports = shippedFiles().flatMap(file => importsOf(file).map(found => ({ ...found, file: relative(ROOT, file), name: packageOf(found.specifier) })))

  it('finds the layer\'s imports (the scan reads what it should)', () => {
    const names = new Set(imports.map(found => found.name))
    for (const name of ['h3', 'vue', '@nuxt/kit', 'nitropack', 'zod', 'convex']) expect(names).toContain(name)
  })

  it('declares every package its shipped files import, as a dependency or a peer', () => {
    const undeclared = imports
      .filter(found => found.name && !declared.has(found.name))
      .map(found => `${found.file}: ${found.specifier}${found.typeOnly ? ' (types)' : ''}`)
    expect(undeclared).toEqual([])
  })
})
