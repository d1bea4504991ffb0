/** Retry schedule of a deferred delivery, like an MTA's queue: first after `first`, doubling, capped. */
export interface RetryPolicy { firstDelaySeconds: number; maxDelaySeconds: number; maxAgeHours: number }

/** Seconds to wait before attempt number `attempts + 1`, after `attempts` failed ones (≥ 1). */
export function retryDelaySeconds(attempts: number, policy: RetryPolicy): number {
  const exp = Math.min(Math.max(attempts - 1, 0), 30);
  return Math.min(policy.firstDelaySeconds * 2 ** exp, policy.maxDelaySeconds);
}

/** True when a delivery first tried at `firstAttemptIso` has been retried long enough to give up. */
export function expired(firstAttemptIso: string, nowIso: string, policy: RetryPolicy): boolean {
  return Date.parse(nowIso) - Date.parse(firstAttemptIso) >= policy.maxAgeHours * 3600_000;
}
