import { startTestCluster } from '@tackle/local-kafka/testing'
const c = await startTestCluster({ dir: '/tmp/testk', ownerPid: undefined })
console.log('up', c.dir)
process.exit(0)
