// reference.mjs — fit FSRS-6 weights with fsrs-rs (npm @open-spaced-repetition/binding 0.5.0, pinned in
// package.json) on a simulator log, the way the benchmark fits them in SQL.
//
//   node reference.mjs LOG.csv [HOLDOUT_FRACTION=0.2] > result.csv
//
// Per learner: the last HOLDOUT_FRACTION of reviews (by time) is held out (cut-off = the time of review
// floor(n·(1−f)) in time order; training = reviews strictly before it), the rest goes through the
// binding's own convertCsvToFsrsItems (Asia/Tokyo, day starts at 4 am) and computeParameters (short-term
// on, one relearning step, default training config).  Prints
//   user_id,cut_ms,items,cpu_ms,wall_ms,w0..w20
// cpu_ms is the process CPU time (all threads) spent in computeParameters alone.
import { readFileSync } from 'node:fs'
import { computeParameters, convertCsvToFsrsItems } from '@open-spaced-repetition/binding'

const [, , path, fractionArg] = process.argv
const holdout = fractionArg === undefined ? 0.2 : Number(fractionArg)
const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1)
const logs = new Map()
for (const line of lines) {
  const [user, card, ms, rating] = line.split(',').map(Number)
  if (!logs.has(user)) logs.set(user, [])
  logs.get(user).push([card, ms, rating])
}

console.log('user_id,cut_ms,items,cpu_ms,wall_ms,' + Array.from({ length: 21 }, (_, i) => 'w' + i).join(','))
for (const [user, all] of [...logs.entries()].sort((a, b) => a[0] - b[0])) {
  const times = all.map((r) => r[1]).sort((a, b) => a - b)
  const cut = times[Math.floor(times.length * (1 - holdout))]
  const train = all.filter((r) => r[1] < cut).sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let csv = 'card_id,review_time,review_rating,review_state,review_duration\n'
  let prev = null
  for (const [card, ms, rating] of train) {
    // review_state: 1 (learning) for a card's first review, 2 (review) afterwards: the whole log counts
    csv += `${card},${ms},${rating},${card === prev ? 2 : 1},0\n`
    prev = card
  }
  const items = convertCsvToFsrsItems(Buffer.from(csv), 4, 'Asia/Tokyo', () => 540)
  const cpu0 = process.cpuUsage()
  const wall0 = process.hrtime.bigint()
  const w = await computeParameters(items, { enableShortTerm: true, numRelearningSteps: 1 })
  const wall = Number(process.hrtime.bigint() - wall0) / 1e6
  const cpu = process.cpuUsage(cpu0)
  const cpuMs = (cpu.user + cpu.system) / 1000
  console.log([user, cut, items.length, cpuMs.toFixed(3), wall.toFixed(3), ...w.map((x) => x.toFixed(6))].join(','))
}
