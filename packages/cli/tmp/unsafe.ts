import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { verify } from '../../verify/src/run-verify.ts'
const { cluster } = await sharedTestCluster()
const t0 = Date.now()
const r = await verify({ cluster, faults: ['pause-followers'], episodes: Number(process.argv[2] ?? 2), faultMs: 4_000, config: 'unsafe', onProgress: e => console.log(((Date.now() - t0) / 1000).toFixed(1), JSON.stringify(e).slice(0, 200)) })
console.log('lost', r.lost.length, 'valid', r.valid, 'blind', r.blind, (Date.now() - t0) / 1000)
process.exit(0)
