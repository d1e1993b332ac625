// The one way the pages write a share: 0.123 → "12.3%", nothing → "–".
export const percent = (x, digits = 1) => x === null || x === undefined ? '–' : `${(x * 100).toFixed(digits)}%`
