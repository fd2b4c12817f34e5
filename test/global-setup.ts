// Starts the shared local services once per test run. Placeholder until the
// local broker and Azurite harness land; tests that need them must not run yet.
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
