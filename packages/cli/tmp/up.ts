import { startTestCluster } from '@tackle/local-kafka/testing'
await startTestCluster({ dir: '/tmp/testk', ownerPid: undefined })
process.exit(0)
