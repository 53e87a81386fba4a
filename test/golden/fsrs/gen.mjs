// Golden vectors for shinjp's FSRS scheduler, from the pinned reference implementation ts-fsrs 5.4.2.
//
//   cd test/golden/fsrs && npm ci && node gen.mjs      (or: bash test/golden/fsrs/gen.sh)
//
// Writes, next to this script:
//   params.tsv   one row per scenario: the parameters (weights, retention, maximum interval, steps,
//                short-term and fuzz switches) in PostgreSQL literal syntax
//   steps.tsv    one row per review: the card before, the rating and review time, the card after
//                (ts-fsrs FSRS.next) and the retrievability of the card before at the review time
//   preview.tsv  for every third review, all four outcomes (ts-fsrs FSRS.repeat)
// Everything is drawn from a fixed-seed PRNG, so the output is byte-identical on every run.
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createEmptyCard, FSRSVersion, fsrs, default_w } from 'ts-fsrs'

const here = dirname(fileURLToPath(import.meta.url))
const SCENARIOS = 420

if (!FSRSVersion.startsWith('v5.4.2 ')) {
  throw new Error(`expected ts-fsrs 5.4.2, got ${FSRSVersion}; run npm ci`)
}
console.debug = () => {} // ts-fsrs logs the FSRS-5 → FSRS-6 migration

// mulberry32: a small deterministic PRNG
let prng_state = 0x5eed5
function rand() {
  prng_state = (prng_state + 0x6d2b79f5) | 0
  let t = prng_state
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const uniform = (lo, hi) => lo + (hi - lo) * rand()
const int = (lo, hi) => Math.floor(uniform(lo, hi + 1))
const pick = (xs) => xs[Math.floor(rand() * xs.length)]
function weighted(pairs) {
  const total = pairs.reduce((a, [w]) => a + w, 0)
  let x = rand() * total
  for (const [w, v] of pairs) {
    if ((x -= w) < 0) return v
  }
  return pairs[pairs.length - 1][1]
}

// ts-fsrs CLAMP_PARAMETERS (w17/w18 ceiling 2.0, w19 floor for short-term on)
const BOUNDS = [
  [0.001, 100], [0.001, 100], [0.001, 100], [0.001, 100], [1, 10], [0.001, 4], [0.001, 4], [0.001, 0.75],
  [0, 4.5], [0, 0.8], [0.001, 3.5], [0.001, 5], [0.001, 0.25], [0.001, 0.9], [0, 4], [0, 1], [1, 6],
  [0, 2], [0, 2], [0.01, 0.8], [0.1, 0.8],
]
const FSRS5_DEFAULTS = [
  0.40255, 1.18385, 3.173, 15.69105, 7.1949, 0.5345, 1.4604, 0.0046, 1.54575, 0.1192, 1.01925, 1.9395, 0.11,
  0.29605, 2.2698, 0.2315, 2.9898, 0.51655, 0.6621,
]

function perturbed(base, spread) {
  return base.map((v, i) => {
    const [lo, hi] = BOUNDS[i]
    let x = v * (1 + uniform(-spread, spread))
    if (rand() < 0.03) x = rand() < 0.5 ? lo : hi // sometimes exactly on a bound
    x = Math.min(Math.max(x, lo), hi)
    return +x.toFixed(4)
  })
}

function makeParams(i) {
  const kind = i < 40 ? 'default' : weighted([[3, 'default'], [4, 'custom21'], [2, 'fsrs5'], [1, 'custom19']])
  let w
  if (kind === 'custom21') w = perturbed(default_w, 0.5)
  else if (kind === 'fsrs5') w = [...FSRS5_DEFAULTS]
  else if (kind === 'custom19') w = perturbed(FSRS5_DEFAULTS, 0.4)
  const learning = i < 40 ? ['1m', '10m'] : weighted([
    [4, ['1m', '10m']], [2, []], [2, ['10m']], [1, ['1m', '10m', '1h']], [1, ['5m', '1d']],
    [1, ['30m', '2d', '3d']], [1, ['1m', '5m', '10m', '30m', '1h']], [1, ['2h']],
  ])
  const relearning = i < 40 ? ['10m'] : weighted([
    [4, ['10m']], [2, []], [1, ['10m', '1h']], [1, ['10m', '1d']], [1, ['5m', '10m', '30m']], [1, ['1d']],
  ])
  const p = {
    request_retention: i < 40 ? 0.9 : weighted([[4, 0.9], [1, 0.8], [1, 0.85], [1, 0.95], [1, 0.7], [1, 0.97], [2, +uniform(0.7, 0.98).toFixed(3)]]),
    maximum_interval: i < 40 ? 36500 : weighted([[5, 36500], [1, 365], [1, 100], [1, 30], [1, 7], [1, int(2, 5000)]]),
    enable_short_term: i < 40 ? i % 2 === 0 : rand() < 0.7,
    enable_fuzz: i < 40 ? i % 4 >= 2 : rand() < 0.4,
    learning_steps: learning,
    relearning_steps: relearning,
  }
  if (w) p.w = w
  return p
}

const MIN = 60_000
const DAY = 86_400_000

function nextTime(card, last, rand_kind) {
  const kind = rand_kind
  let t
  switch (kind) {
    case 'due':
      t = card.due.getTime()
      break
    case 'due_jitter':
      t = card.due.getTime() + Math.round(uniform(-0.5, 0.5) * DAY)
      break
    case 'same':
      t = last + int(0, 30 * MIN)
      break
    case 'minutes':
      t = last + int(1, 600) * MIN + int(0, 59_999)
      break
    case 'days':
      t = last + int(1, 60) * DAY + int(0, DAY - 1)
      break
    case 'long':
      t = last + int(100, 3000) * DAY + int(0, DAY - 1)
      break
    case 'midnight': {
      // just after the next UTC midnight: one calendar day, a few minutes
      const midnight = Math.floor(last / DAY) * DAY + DAY
      t = midnight + int(0, 5 * MIN)
      break
    }
    case 'early':
      t = last + Math.round((card.due.getTime() - last) * uniform(0, 0.9))
      break
  }
  return Math.max(t, last)
}

const iso = (ms) => new Date(ms).toISOString()
const num = (x) => String(x)
function cardCols(c) {
  return [
    iso(c.due.getTime()), num(c.stability), num(c.difficulty), c.elapsed_days, c.scheduled_days, c.learning_steps,
    c.reps, c.lapses, ['new', 'learning', 'review', 'relearning'][c.state],
    c.last_review ? iso(new Date(c.last_review).getTime()) : '\\N',
  ]
}
const pgSteps = (steps) =>
  '{' + steps.map((s) => `"${s.slice(0, -1)} ${{ m: 'minutes', h: 'hours', d: 'days' }[s.slice(-1)]}"`).join(',') + '}'

const paramRows = []
const stepRows = []
const previewRows = []
const cardHeader = ['due', 'stability', 'difficulty', 'elapsed_days', 'scheduled_days', 'learning_steps', 'reps', 'lapses', 'state', 'last_review']

for (let sid = 1; sid <= SCENARIOS; sid++) {
  const p = makeParams(sid - 1)
  paramRows.push([
    sid, p.w ? '{' + p.w.join(',') + '}' : '\\N', p.request_retention, p.maximum_interval, pgSteps(p.learning_steps),
    pgSteps(p.relearning_steps), p.enable_short_term, p.enable_fuzz,
  ].join('\t'))
  const f = fsrs(p)
  const start = Date.UTC(2020, 0, 1) + int(0, 5 * 365) * DAY + int(0, DAY - 1)
  let card = createEmptyCard(new Date(start))
  let last = start
  const n = sid <= 40 ? 12 : int(4, 22)
  for (let k = 1; k <= n; k++) {
    const rating = weighted([[15, 1], [15, 2], [55, 3], [15, 4]])
    const kind = k === 1 ? weighted([[3, 'same'], [1, 'minutes']]) : weighted([
      [6, 'due'], [3, 'due_jitter'], [2, 'same'], [2, 'minutes'], [2, 'days'], [1, 'long'], [1, 'midnight'], [1, 'early'],
    ])
    const t = nextTime(card, last, kind)
    const now = new Date(t)
    const r = f.get_retrievability(card, now, false)
    const preview = f.repeat(card, now)
    const next = f.next(card, now, rating)
    stepRows.push([sid, k, rating, iso(t), ...cardCols(card), ...cardCols(next.card), num(r)].join('\t'))
    if (k % 3 === 0) {
      for (const g of [1, 2, 3, 4]) previewRows.push([sid, k, g, ...cardCols(preview[g].card)].join('\t'))
    }
    card = next.card
    last = t
  }
}

const header = (cols) => '# ' + cols.join('\t') + '\n'
writeFileSync(join(here, 'params.tsv'), paramRows.join('\n') + '\n')
writeFileSync(join(here, 'steps.tsv'), stepRows.join('\n') + '\n')
writeFileSync(join(here, 'preview.tsv'), previewRows.join('\n') + '\n')
writeFileSync(
  join(here, 'FORMAT.md'),
  `# FSRS golden vectors (generated by gen.mjs from ${FSRSVersion}; do not edit)\n\n` +
    'Tab-separated, `\\N` = NULL, timestamps in UTC ISO 8601, floats as JavaScript prints them.\n\n' +
    '- `params.tsv`: ' + ['scenario', 'weights', 'desired_retention', 'maximum_interval', 'learning_steps', 'relearning_steps', 'enable_short_term', 'enable_fuzz'].join(', ') + '\n' +
    '- `steps.tsv`: ' + ['scenario', 'step', 'rating', 'reviewed_at', ...cardHeader.map((c) => 'before_' + c), ...cardHeader.map((c) => 'after_' + c), 'retrievability_before'].join(', ') + '\n' +
    '- `preview.tsv`: ' + ['scenario', 'step', 'rating', ...cardHeader].join(', ') + '\n\n' +
    `${SCENARIOS} scenarios, ${stepRows.length} reviews, ${previewRows.length} preview outcomes.\n`,
)
console.log(`${SCENARIOS} scenarios, ${stepRows.length} reviews, ${previewRows.length} preview outcomes (${FSRSVersion})`)
