/**
 * The DevTools tab: one self-contained HTML page (no build step, nothing added to the app's bundle)
 * that polls the dev-only data routes. Left: the jobs of this dev server with their live numbers;
 * right: the chosen job's event timeline and reduced state, with Abort while it runs. Text from
 * jobs is only ever set as `textContent`.
 */
import { DEVTOOLS_HEADER } from './guard'

/** The tab's icon (Nuxt DevTools shows a URL icon as an image). */
export const DEVTOOLS_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="#00dc82" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><rect x="3" y="4" width="18" height="16" rx="2"/><path d="M7 9h6M7 13h10M7 17h4"/><circle cx="17" cy="9" r="1.5" fill="#00dc82"/></svg>`

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1b1f; --muted: #71717a; --line: #e4e4e7; --hover: #f4f4f5; --accent: #00a864; --warn: #c2410c; --bad: #dc2626; }
@media (prefers-color-scheme: dark) { :root { --fg: #e4e4e7; --muted: #a1a1aa; --line: #2e2e33; --hover: #1f1f23; --accent: #00dc82; --warn: #fb923c; --bad: #f87171; } }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.45 ui-sans-serif, system-ui, sans-serif; color: var(--fg); background: Canvas; display: grid; grid-template-columns: minmax(0, 1.2fr) minmax(0, 1fr); height: 100vh; }
section { overflow: auto; border-right: 1px solid var(--line); }
header { position: sticky; top: 0; z-index: 1; background: Canvas; padding: 10px 12px; border-bottom: 1px solid var(--line); display: flex; gap: 8px; align-items: baseline; }
h1, h2 { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
h1, h2 { font-size: 14px; margin: 0; font-weight: 600; }
.muted { color: var(--muted); } .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
table { width: 100%; border-collapse: collapse; } th, td { text-align: left; padding: 5px 7px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { font-weight: 500; color: var(--muted); font-size: 12px; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr { cursor: pointer; } tbody tr:hover, tr.selected { background: var(--hover); }
td.title { max-width: 12em; overflow: hidden; text-overflow: ellipsis; }
.badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 11px; border: 1px solid currentColor; }
.running, .queued { color: var(--accent); } .waiting { color: var(--warn); } .failed { color: var(--bad); } .aborted, .completed { color: var(--muted); }
button { font: inherit; padding: 3px 10px; border-radius: 6px; border: 1px solid var(--bad); color: var(--bad); background: transparent; cursor: pointer; margin-left: auto; }
pre { margin: 0; padding: 8px 12px; white-space: pre-wrap; word-break: break-all; }
details { border-bottom: 1px solid var(--line); } summary { padding: 8px 12px; cursor: pointer; font-weight: 500; }
.empty { padding: 24px 12px; }
`

const SCRIPT = `
const token = new URLSearchParams(location.hash.slice(1)).get('token') || ''
const base = location.pathname.replace(/\\/$/, '')
const $ = (id) => document.getElementById(id)
let selected = null
let openEvent = null

async function call(path, init = {}) {
  const response = await fetch(base + '/api' + path, { ...init, headers: { '${DEVTOOLS_HEADER}': token } })
  if (!response.ok) throw new Error((await response.json().catch(() => ({}))).message || response.statusText)
  return response.json()
}
function cell(row, text, className) {
  const td = row.insertCell()
  td.textContent = text
  if (className) td.className = className
  return td
}
function badge(status) {
  const span = document.createElement('span')
  span.className = 'badge ' + status
  span.textContent = status
  return span
}
const ms = (value) => value == null ? '–' : value < 1000 ? Math.round(value) + ' ms' : (value / 1000).toFixed(1) + ' s'
const age = (value) => value < 60000 ? Math.round(value / 1000) + ' s' : value < 3600000 ? Math.round(value / 60000) + ' min' : Math.round(value / 3600000) + ' h'

async function refreshList() {
  try {
    const { instanceId, jobs } = await call('/jobs')
    $('instance').textContent = 'instance ' + instanceId + ' · ' + jobs.filter(job => job.running).length + ' running'
    const body = $('jobs')
    body.replaceChildren()
    for (const job of jobs) {
      const row = body.insertRow()
      if (job.id === selected) row.className = 'selected'
      cell(row, '').append(badge(job.status))
      cell(row, job.title, 'title').title = job.type + ' job ' + job.id
      cell(row, age(job.ageMs), 'num')
      cell(row, String(job.viewers), 'num')
      const batches = cell(row, job.batches.count ? job.batches.count + ' × ' + job.batches.meanChars : '–', 'num')
      batches.title = job.batches.count + ' text/reasoning events, ' + job.batches.meanChars + ' characters on average, at most ' + job.batches.maxChars + ', last ' + job.batches.lastChars
      cell(row, String(job.rounds) + ' / ' + job.toolCalls, 'num')
      cell(row, ms(job.firstTokenMs), 'num')
      cell(row, String(job.lastSeq), 'num')
      row.onclick = () => { selected = job.id; openEvent = null; refreshList(); refreshJob() }
    }
    $('empty').hidden = jobs.length > 0
    $('error').textContent = ''
  }
  catch (error) { $('error').textContent = String(error.message || error) }
}

async function refreshJob() {
  if (!selected) return
  let inspection
  try { inspection = await call('/jobs/' + encodeURIComponent(selected)) }
  catch (error) { $('detail-title').textContent = String(error.message || error); return }
  const { job, timeline, state, complete } = inspection
  $('detail').hidden = false
  $('detail-title').textContent = job.title
  $('detail-meta').textContent = job.id + ' · ' + job.type + ' · seq ' + job.lastSeq + (complete ? '' : ' · older events no longer held')
  $('detail-status').replaceChildren(badge(job.status))
  $('abort').hidden = !job.running
  const body = $('timeline')
  body.replaceChildren()
  for (const entry of timeline) {
    const row = body.insertRow()
    cell(row, entry.fromSeq ? entry.fromSeq + '–' + entry.seq : String(entry.seq), 'num mono')
    cell(row, entry.type, 'mono')
    cell(row, '+' + ms(entry.sinceCreatedMs), 'num')
    cell(row, entry.bytes + ' B', 'num')
    cell(row, entry.nodeId || '', 'muted')
    row.onclick = () => { openEvent = openEvent === entry.seq ? null : entry.seq; refreshJob() }
    if (openEvent === entry.seq) {
      const detail = body.insertRow().insertCell()
      detail.colSpan = 5
      const pre = document.createElement('pre')
      pre.className = 'mono'
      pre.textContent = JSON.stringify(entry.event, null, 2)
      detail.append(pre)
    }
  }
  $('state').textContent = JSON.stringify(state, null, 2)
}

$('abort').onclick = async () => {
  try { await call('/jobs/' + encodeURIComponent(selected) + '/abort', { method: 'POST' }) }
  catch (error) { $('error').textContent = String(error.message || error) }
  refreshList(); refreshJob()
}
refreshList()
setInterval(() => { refreshList(); refreshJob() }, 1000)
`

/** The page's HTML. */
export function devtoolsPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Background jobs</title><style>${STYLE}</style></head>
<body>
<section>
  <header><h1>Background jobs</h1><span id="instance" class="muted"></span></header>
  <table><thead><tr><th>status</th><th>job</th><th class="num">age</th><th class="num" title="SSE viewers attached on this server">viewers</th><th class="num" title="text and reasoning events × mean characters each (the 50 ms batching)">batches × chars</th><th class="num" title="model rounds / tool calls">rounds / tools</th><th class="num" title="time to first token">TTFT</th><th class="num">seq</th></tr></thead><tbody id="jobs"></tbody></table>
  <p id="empty" class="empty muted">No jobs yet: start one in the app. Jobs running on this dev server and the last 50 created here are listed.</p>
  <p id="error" class="empty failed"></p>
</section>
<section>
  <div id="detail" hidden>
    <header><h2 id="detail-title"></h2><span id="detail-status"></span><button id="abort" hidden>Abort</button></header>
    <p id="detail-meta" class="muted mono" style="padding: 0 12px"></p>
    <details open><summary>Event timeline</summary>
      <table><thead><tr><th class="num">seq</th><th>type</th><th class="num">time</th><th class="num">size</th><th>node</th></tr></thead><tbody id="timeline"></tbody></table>
    </details>
    <details><summary>Reduced state</summary><pre id="state" class="mono"></pre></details>
  </div>
</section>
<script type="module">${SCRIPT}</script>
</body></html>`
}
