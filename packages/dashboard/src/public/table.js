// Filling a table's body with textContent only (event names and properties come from anyone
// holding a write key): a cell is a string, a Node, or { text, className }.
export function fill (table, rows) {
  const body = typeof table === 'string' ? document.querySelector(`#${table} tbody`) : table
  body.replaceChildren(...rows.map(cells => {
    const tr = document.createElement('tr')
    for (const cell of cells) {
      const td = document.createElement('td')
      if (cell instanceof Node) td.append(cell)
      else if (cell && typeof cell === 'object') { td.textContent = cell.text; td.className = cell.className ?? '' } else td.textContent = cell ?? ''
      tr.append(td)
    }
    return tr
  }))
}

// A link within the page (to another page's hash), its text set as text.
export function link (href, text) {
  const a = document.createElement('a')
  a.href = href
  a.textContent = text
  return a
}
