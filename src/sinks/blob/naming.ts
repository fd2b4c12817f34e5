// Blob object names are derived only from data, never from the clock or a random
// id, so a replay of the same events computes the same names and the conditional
// create detects what an earlier run already wrote:
//   {prefix}/{yyyy}/{MM}/{dd}/{HH}/{partition}/{firstSequenceNumber, 20 digits}.ndjson.gz
// The date is the first record's enqueued time (UTC). An object never spans two
// enqueued-time hours, so the object covering a sequence number always lives
// under that number's own hour prefix (what the replay lookup relies on).

const SEQUENCE_DIGITS = 20;
const SUFFIX = ".ndjson.gz";

function two(n: number): string {
  return n.toString().padStart(2, "0");
}

/** Epoch hour of an instant: the key that decides where objects are cut. */
export function hourOf(time: Date): number {
  return Math.floor(time.getTime() / 3_600_000);
}

/** `{prefix}/{yyyy}/{MM}/{dd}/{HH}/{partition}/` for the hour of `time`. */
export function hourPrefix(prefix: string, partitionId: string, time: Date): string {
  const head = prefix.replace(/\/+$/, "");
  const date = `${time.getUTCFullYear()}/${two(time.getUTCMonth() + 1)}/${two(time.getUTCDate())}/${two(time.getUTCHours())}`;
  return `${head === "" ? "" : `${head}/`}${date}/${partitionId}/`;
}

export function objectName(prefix: string, partitionId: string, firstSequenceNumber: number, time: Date): string {
  return `${hourPrefix(prefix, partitionId, time)}${firstSequenceNumber.toString().padStart(SEQUENCE_DIGITS, "0")}${SUFFIX}`;
}

/** The first sequence number encoded in an object name, or undefined for a foreign name. */
export function firstSequenceOf(name: string): number | undefined {
  const match = /\/(\d{20})\.ndjson\.gz$/.exec(name);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Partition ids become path segments: accept only what Event Hubs uses (digits), plus safe names. */
export function isSafePartitionId(partitionId: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(partitionId);
}
