// Accounts for every fuzz message and record after the run: what the blob output
// and the dead-letter objects hold, against what each message said must happen.
import type { FuzzMessage } from "./messages.ts";

export interface DeadLetterEntry {
  readonly reason: string;
  readonly partitionId: string;
  readonly sequenceNumber: number;
  readonly recordIndex: number;
}

export interface SentMessage {
  readonly message: Pick<FuzzMessage, "index" | "category" | "messageExpect" | "messageReasons" | "records">;
  readonly partitionId: string;
  readonly sequenceNumber: number;
}

export interface Accounting {
  validRecords: number;
  validDelivered: number;
  invalidExpected: number;
  invalidDeadLettered: number;
  wrongReason: number;
  eitherRecords: number;
  eitherAccounted: number;
  duplicates: number;
  unexpectedOutput: number;
  /** Dead letters at positions where nothing was expected to be dead-lettered. */
  unexpectedDeadLetters: number;
  /** Records delivered AND dead-lettered. */
  both: number;
  /** Up to 10 examples of what went wrong, for the report. */
  examples: string[];
}

const key = (partitionId: string, sequenceNumber: number) => `${partitionId}/${sequenceNumber}`;

/**
 * `deliveredIds`: the FUZZ-<message>-<record> id of every blob output line that has one;
 * `anonymousLines`: output lines without such an id (records whose id field was broken).
 */
export function account(sent: Iterable<SentMessage>, deliveredIds: readonly string[], anonymousLines: number, deadLetters: readonly DeadLetterEntry[]): Accounting {
  const a: Accounting = { validRecords: 0, validDelivered: 0, invalidExpected: 0, invalidDeadLettered: 0, wrongReason: 0, eitherRecords: 0, eitherAccounted: 0, duplicates: 0, unexpectedOutput: 0, unexpectedDeadLetters: 0, both: 0, examples: [] };
  const note = (text: string) => {
    if (a.examples.length < 10) a.examples.push(text);
  };
  const delivered = new Map<string, number>();
  for (const id of deliveredIds) delivered.set(id, (delivered.get(id) ?? 0) + 1);
  const letters = new Map<string, DeadLetterEntry[]>();
  for (const d of deadLetters) {
    const k = key(d.partitionId, d.sequenceNumber);
    const list = letters.get(k) ?? [];
    list.push(d);
    letters.set(k, list);
  }
  const expectedIds = new Set<string>();
  const usedLetters = new Set<string>();
  let anonymousEither = 0;
  for (const { message, partitionId, sequenceNumber } of sent) {
    const k = key(partitionId, sequenceNumber);
    const here = letters.get(k) ?? [];
    if (message.messageExpect === "dead-letter") {
      a.invalidExpected++;
      if (here.length > 0) {
        a.invalidDeadLettered++;
        usedLetters.add(k);
        if (!here.some((d) => message.messageReasons.includes(d.reason as never))) {
          a.wrongReason++;
          note(`message ${message.index} (${message.category}): reason ${here[0]?.reason}, expected one of ${message.messageReasons.join("/")}`);
        }
      } else note(`message ${message.index} (${message.category}) at ${k} was not dead-lettered`);
    }
    message.records.forEach((record, recordIndex) => {
      const letter = here.find((d) => d.recordIndex === recordIndex);
      if (letter) usedLetters.add(k);
      const count = record.id === null ? 0 : (delivered.get(record.id) ?? 0);
      if (record.id !== null) expectedIds.add(record.id);
      if (count > 1) {
        a.duplicates += count - 1;
        note(`record ${record.id} delivered ${count} times`);
      }
      if (count > 0 && letter) {
        a.both++;
        note(`record ${record.id} delivered and dead-lettered (${letter.reason})`);
      }
      if (record.expect === "deliver") {
        a.validRecords++;
        if (count > 0) a.validDelivered++;
        else note(`valid record ${record.id} (${message.category}) not delivered${letter ? `; dead-lettered as ${letter.reason}` : ""}`);
      } else if (record.expect === "dead-letter") {
        a.invalidExpected++;
        if (letter) {
          a.invalidDeadLettered++;
          if (!record.reasons.includes(letter.reason as never)) {
            a.wrongReason++;
            note(`message ${message.index} record ${recordIndex}: reason ${letter.reason}, expected ${record.reasons.join("/")}`);
          }
        } else note(`invalid record ${recordIndex} of message ${message.index} (${message.category}) not dead-lettered`);
      } else {
        a.eitherRecords++;
        if (record.id === null) {
          if (letter) {
            a.eitherAccounted++;
          } else anonymousEither++;
        } else if (count > 0 || letter) a.eitherAccounted++;
        else note(`record ${record.id} (${message.category}) neither delivered nor dead-lettered`);
      }
    });
  }
  // Records without an id that were not dead-lettered must be the anonymous output lines, one each.
  a.eitherAccounted += Math.min(anonymousEither, anonymousLines);
  if (anonymousLines !== anonymousEither) {
    a.unexpectedOutput += Math.max(0, anonymousLines - anonymousEither);
    if (anonymousLines < anonymousEither) note(`${anonymousEither - anonymousLines} records without an id neither delivered nor dead-lettered`);
  }
  for (const id of delivered.keys()) {
    if (!expectedIds.has(id)) {
      a.unexpectedOutput++;
      note(`unexpected output record ${id}`);
    }
  }
  for (const [k, list] of letters) {
    if (!usedLetters.has(k)) {
      a.unexpectedDeadLetters += list.length;
      note(`dead letter at ${k} (${list[0]?.reason}) where none was expected`);
    }
  }
  return a;
}
