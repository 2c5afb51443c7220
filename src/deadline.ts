/**
 * The work's result, or `'late'` once `ms` have passed (the work itself carries on). Slack and
 * Twilio each wait only so long for an answer; the doors answer in time and finish the work after.
 */
export async function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => {
    timer = setTimeout(() => r('late'), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
