export { buildDashboard, startDashboard, type Dashboard, type DashboardOptions } from './server.ts'
export { DashboardError, DashboardErrorCodes, dashboardErrorFixes, type DashboardErrorCode } from './errors.ts'
