/**
 * A strict parser of the Prometheus text exposition format (0.0.4) for tests: it throws on
 * anything a scraper could reject or misread — a bad name or label, an escape the format does not
 * know, HELP or TYPE twice or after samples, a family split in two, a duplicate series, a
 * negative counter, histogram buckets (per label set) out of order, not cumulative, or missing
 * `+Inf` = `_count` or `_sum`.
 */

/** One sample line. */
export interface PrometheusSample {
  name: string
  labels: Record<string, string>
  value: number
}

/** A metric family: its HELP, TYPE and samples. */
export interface PrometheusFamily {
  help?: string
  type?: string
  samples: PrometheusSample[]
}

const METRIC_NAME = /^[a-zA-Z_:][\w:]*$/
const LABEL_NAME = /^[a-zA-Z_]\w*$/
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped'])

function parseValue(text: string, line: string): number {
  if (text === '+Inf') return Infinity
  if (text === '-Inf') return -Infinity
  if (text === 'NaN') return Number.NaN
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`bad value "${text}" in: ${line}`)
  return Number(text)
}

/** Parses `{a="1",b="x\"y"}` starting at `start` (the brace); returns the labels and the index after `}`. */
function parseLabels(line: string, start: number): { labels: Record<string, string>, end: number } {
  const labels: Record<string, string> = {}
  let index = start + 1
  while (line[index] !== '}') {
    const eq = line.indexOf('=', index)
    if (eq < 0) throw new Error(`label without "=" in: ${line}`)
    const name = line.slice(index, eq)
    if (!LABEL_NAME.test(name)) throw new Error(`bad label name "${name}" in: ${line}`)
    if (name in labels) throw new Error(`label "${name}" twice in: ${line}`)
    if (line[eq + 1] !== '"') throw new Error(`unquoted label value in: ${line}`)
    let value = ''
    index = eq + 2
    for (;;) {
      const char = line[index]
      if (char === undefined) throw new Error(`unterminated label value in: ${line}`)
      if (char === '"') break
      if (char === '\\') {
        const next = line[index + 1]
        if (next === '\\') value += '\\'
        else if (next === '"') value += '"'
        else if (next === 'n') value += '\n'
        else throw new Error(`unknown escape "\\${next}" in: ${line}`)
        index += 2
        continue
      }
      value += char
      index++
    }
    labels[name] = value
    index++
    if (line[index] === ',') index++
    else if (line[index] !== '}') throw new Error(`expected "," or "}" in: ${line}`)
  }
  return { labels, end: index + 1 }
}

function familyOf(name: string, families: Map<string, PrometheusFamily>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    const base = name.slice(0, -suffix.length)
    if (name.endsWith(suffix) && families.get(base)?.type === 'histogram') return base
  }
  return name
}

/** Checks each label set of a histogram on its own: ascending cumulative buckets to `+Inf` = `_count`, and `_sum`. */
function checkHistogram(name: string, family: PrometheusFamily): void {
  const sets = new Map<string, PrometheusSample[]>()
  for (const sample of family.samples) {
    const id = JSON.stringify(Object.entries(sample.labels).filter(([label]) => label !== 'le').sort())
    let samples = sets.get(id)
    if (!samples) sets.set(id, samples = [])
    samples.push(sample)
  }
  for (const [id, samples] of sets) checkHistogramSeries(id === '[]' ? name : `${name}${id}`, name, samples)
}

function checkHistogramSeries(where: string, name: string, samples: PrometheusSample[]): void {
  const buckets = samples.filter(sample => sample.name === `${name}_bucket`)
  const count = samples.find(sample => sample.name === `${name}_count`)
  const sum = samples.find(sample => sample.name === `${name}_sum`)
  if (!count || !sum) throw new Error(`histogram ${where} without _sum or _count`)
  if (buckets.at(-1)?.labels.le !== '+Inf') throw new Error(`histogram ${where}: the last bucket is not le="+Inf"`)
  if (buckets.at(-1)!.value !== count.value) throw new Error(`histogram ${where}: le="+Inf" (${buckets.at(-1)!.value}) is not _count (${count.value})`)
  for (let index = 1; index < buckets.length; index++) {
    const [previous, current] = [buckets[index - 1]!, buckets[index]!]
    if (parseValue(current.labels.le!, name) <= parseValue(previous.labels.le!, name)) throw new Error(`histogram ${where}: le not ascending (le="${current.labels.le}" after le="${previous.labels.le}")`)
    if (current.value < previous.value) throw new Error(`histogram ${where}: buckets not cumulative at le="${current.labels.le}"`)
  }
}

/** Parses exposition text strictly; returns the families by name, in order. */
export function parsePrometheusText(text: string): Map<string, PrometheusFamily> {
  if (!text.endsWith('\n')) throw new Error('the text does not end with a line break')
  const families = new Map<string, PrometheusFamily>()
  const series = new Set<string>()
  let current: string | null = null
  const enter = (name: string) => {
    if (current === name) return families.get(name)!
    if (families.has(name) && families.get(name)!.samples.length > 0) throw new Error(`family ${name} is split: its samples are not together`)
    current = name
    let family = families.get(name)
    if (!family) families.set(name, family = { samples: [] })
    return family
  }
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line)
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, 'HELP' | 'TYPE', string, string]
      if (!METRIC_NAME.test(name)) throw new Error(`bad metric name in: ${line}`)
      const family = enter(name)
      if (family.samples.length > 0) throw new Error(`${kind} of ${name} after its samples`)
      if (kind === 'HELP') {
        if (family.help !== undefined) throw new Error(`HELP of ${name} twice`)
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) throw new Error(`unknown escape in HELP of ${name}`)
        family.help = rest
      }
      else {
        if (family.type !== undefined) throw new Error(`TYPE of ${name} twice`)
        if (!TYPES.has(rest)) throw new Error(`unknown TYPE "${rest}" of ${name}`)
        family.type = rest
      }
      continue
    }
    if (line.startsWith('#')) continue
    const nameEnd = line.search(/[{ ]/)
    if (nameEnd <= 0) throw new Error(`bad sample line: ${line}`)
    const name = line.slice(0, nameEnd)
    if (!METRIC_NAME.test(name)) throw new Error(`bad metric name in: ${line}`)
    let labels: Record<string, string> = {}
    let rest = line.slice(nameEnd)
    if (rest.startsWith('{')) {
      const parsed = parseLabels(line, nameEnd)
      labels = parsed.labels
      rest = line.slice(parsed.end)
    }
    const parts = rest.split(' ')
    if (parts[0] !== '' || parts.length < 2 || parts.length > 3) throw new Error(`bad sample line: ${line}`)
    const value = parseValue(parts[1]!, line)
    const seriesKey = `${name}${JSON.stringify(Object.entries(labels).sort())}`
    if (series.has(seriesKey)) throw new Error(`duplicate series: ${line}`)
    series.add(seriesKey)
    const familyName = familyOf(name, families)
    const family = enter(familyName)
    if (family.type === 'counter' && !(value >= 0)) throw new Error(`counter below zero: ${line}`)
    if (family.type === 'histogram' && name.endsWith('_bucket') && labels.le === undefined) throw new Error(`bucket without le: ${line}`)
    family.samples.push({ name, labels, value })
  }
  for (const [name, family] of families) if (family.type === 'histogram') checkHistogram(name, family)
  return families
}
