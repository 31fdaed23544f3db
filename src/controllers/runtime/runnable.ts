/**
 * Runnable is a long-running component started by a Manager (controller-runtime `manager.Runnable`).
 *
 * Contract: `start(signal)` starts the component and returns a promise that settles only once the
 * component has completely stopped: every worker loop, watch and timer it started has ended and no
 * callback of it will run again. It stops when the signal aborts and then resolves; it rejects only
 * when it cannot go on (a failure it does not handle itself), after having stopped all the same.
 * A Runnable is started at most once.
 */
export type Runnable = {
  start(signal: AbortSignal): Promise<void>
}
