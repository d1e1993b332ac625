// Every package's error catalogue, in layer order: the source of docs/errors.md and of the test
// that keeps codes unique and documented.
import { AnalyticsErrorCodes, analyticsErrorFixes } from '@tackle/analytics'
import { ClientErrorCodes, clientErrorFixes } from '@tackle/client'
import { LocalKafkaErrorCodes, localKafkaErrorFixes } from '@tackle/local-kafka'
import { DashboardErrorCodes, dashboardErrorFixes } from '@tackle/dashboard'
import { OpsErrorCodes, opsErrorFixes } from '@tackle/ops'
import { PipelineErrorCodes, pipelineErrorFixes } from '@tackle/pipeline'
import { VerifyErrorCodes, verifyErrorFixes } from '@tackle/verify'
import { CliErrorCodes, cliErrorFixes } from './errors.ts'

export interface ErrorCatalogue {
  packageName: string
  codes: Readonly<Record<string, string>>
  fixes: Readonly<Record<string, string>>
}

export const ERROR_CATALOGUES: readonly ErrorCatalogue[] = [
  { packageName: '@tackle/local-kafka', codes: LocalKafkaErrorCodes, fixes: localKafkaErrorFixes },
  { packageName: '@tackle/client', codes: ClientErrorCodes, fixes: clientErrorFixes },
  { packageName: '@tackle/ops', codes: OpsErrorCodes, fixes: opsErrorFixes },
  { packageName: '@tackle/pipeline', codes: PipelineErrorCodes, fixes: pipelineErrorFixes },
  { packageName: '@tackle/analytics', codes: AnalyticsErrorCodes, fixes: analyticsErrorFixes },
  { packageName: '@tackle/dashboard', codes: DashboardErrorCodes, fixes: dashboardErrorFixes },
  { packageName: '@tackle/verify', codes: VerifyErrorCodes, fixes: verifyErrorFixes },
  { packageName: '@tackle/cli', codes: CliErrorCodes, fixes: cliErrorFixes },
]
