/** How a broker gets restarted: the local cluster's own control, or a command per broker (ssh, systemd). */
export interface RestartDriver {
  readonly name: string
  /** Restarts the broker; resolves once its process was restarted (not necessarily in sync). */
  restart (broker: BrokerAddress, signal?: AbortSignal): Promise<void>
  /** 'unknown' when the driver cannot see the process, as with a remote command. */
  processState (brokerId: number): Promise<'running' | 'stopped' | 'unknown'>
  /** Starts a broker found stopped, e.g. after a roll was killed between stop and start. */
  start? (broker: BrokerAddress, signal?: AbortSignal): Promise<void>
}

export interface BrokerAddress {
  id: number
  host: string | null
}
