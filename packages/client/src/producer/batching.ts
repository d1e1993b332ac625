/** How many items from the front fit in `maxBytes`; at least one, so an item alone is never stuck. */
export function countFitting<T> (items: readonly T[], maxBytes: number, sizeOf: (item: T) => number): number {
  let bytes = 0
  let count = 0
  while (count < items.length && (count === 0 || bytes + sizeOf(items[count] as T) <= maxBytes)) {
    bytes += sizeOf(items[count] as T)
    count++
  }
  return count
}
