// Stopping has a budget (the pod's grace period): every component's stop waits
// for its work for as long as the deadline allows, then moves on, so one slow
// part cannot eat the whole budget.

/** Waits for `work` (rejections propagate) or until `deadline` (epoch ms), whichever comes first. */
export async function waitUntilDeadline(work: Promise<unknown>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
  });
  try {
    await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Like waitUntilDeadline, but a failure of `work` only ends the wait: for best-effort shutdown steps. */
export function withDeadline(work: Promise<unknown>, deadline: number): Promise<void> {
  return waitUntilDeadline(
    work.then(
      () => {},
      () => {},
    ),
    deadline,
  );
}
