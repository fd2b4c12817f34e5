// Every sink's stop() gets the same budget rule: flush for as long as the
// deadline allows, then move on, so one slow sink cannot eat the whole grace
// period Kubernetes gives the pod.

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
