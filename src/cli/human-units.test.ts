import { describe, expect, it } from 'vitest'
import { longHumanDuration as humanDuration, shortHumanDuration } from '../shared/human-duration.js'
import { humanSize } from './human-units.js'

const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H

describe('humanDuration (docker/go-units, oc describe)', () => {
  it.each([
    [500, 'Less than a second'],
    [S, '1 second'],
    [42 * S, '42 seconds'],
    [90 * S, 'About a minute'],
    [2 * M, '2 minutes'],
    [59 * M, '59 minutes'],
    [H, 'About an hour'],
    [5 * H, '5 hours'],
    [3 * D, '3 days'],
    [20 * D, '2 weeks'],
    [90 * D, '3 months'],
    [800 * D, '2 years'],
  ])('%d ms is %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want)
  })
})

describe('shortHumanDuration (kubectl AGE)', () => {
  it.each([
    [-5 * S, '<invalid>'],
    [-500, '0s'],
    [45 * S, '45s'],
    [119 * S, '119s'],
    [3 * M + 20 * S, '3m20s'],
    [5 * M, '5m'],
    [15 * M, '15m'],
    [5 * H + 10 * M, '5h10m'],
    [20 * H, '20h'],
    [3 * D + 4 * H, '3d4h'],
    [120 * D, '120d'],
    [(2 * 365 + 30) * D, '2y30d'],
    [10 * 365 * D, '10y'],
  ])('%d ms is %s', (ms, want) => {
    expect(shortHumanDuration(ms)).toBe(want)
  })
})

describe('humanSize (docker/go-units HumanSize)', () => {
  it.each([
    [0, '0B'],
    [512, '512B'],
    [2816493, '2.816MB'],
    [1500, '1.5kB'],
    [999950, '1000kB'],
    [5e9, '5GB'],
  ])('%d bytes is %s', (n, want) => {
    expect(humanSize(n)).toBe(want)
  })
})
