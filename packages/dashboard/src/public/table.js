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
