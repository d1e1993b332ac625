// HTTP/1.1 spoken byte for byte over a socket, for what fetch will not send: percent-encoded and
// absolute-form request targets, malformed framing, and a body that trickles in.
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

function endpoint (url: string): { host: string, port: number } {
  const parsed = new URL(url)
  return { host: parsed.hostname, port: Number(parsed.port) }
}

/** Sends `request` as written (CRLFs included) and reads the answer until the server closes. */
export async function rawRequest (url: string, request: string | Buffer, timeoutMs = 10_000): Promise<RawResponse> {
  const socket = connect(endpoint(url))
  const chunks: Buffer[] = []
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no answer within ${timeoutMs} ms`)) }, timeoutMs)
    socket.on('data', chunk => chunks.push(chunk))
    socket.on('error', error => { clearTimeout(timer); reject(error) })
    socket.on('close', () => { clearTimeout(timer); resolve() })
    socket.write(request)
  })
  return parseResponse(Buffer.concat(chunks).toString('utf8'))
}

export function parseResponse (text: string): RawResponse {
  const [head = '', ...rest] = text.split('\r\n\r\n')
  const [statusLine = '', ...lines] = head.split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body: rest.join('\r\n\r\n') }
}

/**
 * A slow client: sends the headers, then the body one byte every `intervalMs`, and reports how
 * long the server kept the connection open (or `giveUpMs` if it never closed it).
 */
export async function trickle (url: string, head: string, body: string, intervalMs: number, giveUpMs: number): Promise<{ openMs: number, closedByServer: boolean, answer: string }> {
  const socket = connect(endpoint(url))
  const began = Date.now()
  let closed = false
  let answer = ''
  socket.on('data', chunk => { answer += chunk.toString('utf8') })
  socket.on('error', () => undefined)
  const done = new Promise<void>(resolve => socket.on('close', () => { closed = true; resolve() }))
  socket.write(head)
  for (const byte of body) {
    if (closed || Date.now() - began > giveUpMs) break
    socket.write(byte)
    await Promise.race([sleep(intervalMs), done])
  }
  await Promise.race([done, sleep(Math.max(0, giveUpMs - (Date.now() - began)))])
  const closedByServer = closed
  socket.destroy()
  return { openMs: Date.now() - began, closedByServer, answer }
}
