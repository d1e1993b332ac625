// A request body as the SDKs send it: JSON whatever the content type (analytics.js sends
// text/plain to skip CORS preflight), gzip recognised by its magic bytes (posthog-js and
// posthog-node compress without always saying so), and posthog-js's form body `data=…` (its
// request.ts encodePostData: with `compression=base64` the JSON is base64 of its UTF-8, as
// sendBeacon sends it when the page is hidden; older versions put the JSON itself there). The
// decompressed size is capped too, so a small gzip bomb cannot take the process's memory.
import { gunzipSync } from 'node:zlib'
import { PipelineError, PipelineErrorCodes } from '../errors.ts'

const GZIP_MAGIC = [0x1f, 0x8b] as const

export function decodeBody (raw: unknown, maxBatchBytes: number): unknown {
  if (raw === undefined || raw === null || (Buffer.isBuffer(raw) && raw.length === 0)) {
    throw new PipelineError(PipelineErrorCodes.BAD_REQUEST, 'the request has no body')
  }
  let bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw))
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: maxBatchBytes + 1 })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || bytes.length > maxBatchBytes) throw tooLarge(maxBatchBytes)
      throw new PipelineError(PipelineErrorCodes.BAD_REQUEST, `the body is not valid gzip: ${(error as Error).message}`)
    }
  }
  if (bytes.length > maxBatchBytes) throw tooLarge(maxBatchBytes)
  const text = bytes.toString('utf8')
  try {
    return JSON.parse(FORM_BODY.test(text) ? formData(text) : text)
  } catch (error) {
    throw new PipelineError(PipelineErrorCodes.BAD_REQUEST, `the body is not valid JSON: ${(error as Error).message.slice(0, 120)}`)
  }
}

const FORM_BODY = /^data=/
const JSON_START = /^\s*[[{]/

/** The JSON inside a form body's `data` field, base64 or plain. */
function formData (text: string): string {
  const data = new URLSearchParams(text).get('data') ?? ''
  if (JSON_START.test(data)) return data
  // URLSearchParams reads '+' as a space; in base64 a space can only have been a '+'.
  const base64 = data.replaceAll(' ', '+')
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(base64)) throw new PipelineError(PipelineErrorCodes.BAD_REQUEST, 'the form body\'s "data" is neither JSON nor base64')
  return Buffer.from(base64, 'base64').toString('utf8')
}

export function tooLarge (maxBatchBytes: number): PipelineError {
  return new PipelineError(PipelineErrorCodes.TOO_LARGE, `the body is over the ${maxBatchBytes} bytes allowed per request`)
}
