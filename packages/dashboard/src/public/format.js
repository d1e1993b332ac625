// The one way the pages write a share: 0.123 → "12.3%", nothing → "–".
export const percent = (x, digits = 1) => x === null || x === undefined ? '–' : `${(x * 100).toFixed(digits)}%`
// Bytes in binary units: 1536 → "1.5 KiB".
export function bytes (n) {
  if (n === null || n === undefined) return '–'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++ }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`
}
// A duration in the largest unit that fits: 604800000 → "7 d", null → "forever".
export function duration (ms) {
  if (ms === null || ms === undefined) return 'forever'
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['min', 60_000], ['s', 1000]]) if (ms >= size) return `${+(ms / size).toFixed(1)} ${unit}`
  return `${ms} ms`
}
