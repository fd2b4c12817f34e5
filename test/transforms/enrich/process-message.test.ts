import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEAD_LETTER_REASONS, type RecordOutcome } from "../../../src/transforms/decode/outcome.ts";
import { processMessage } from "../../../src/transforms/enrich/process-message.ts";
import { lineText } from "../read-fixture.ts";
import { RecordingLookup } from "../recording-lookup.ts";

const lookup = new RecordingLookup();
const run = (body: string | Uint8Array, nonAudit: "pass" | "drop" = "pass", limits = {}) =>
  processMessage(typeof body === "string" ? Buffer.from(body, "utf8") : body, { lookup, nonAudit, limits }).records;
const audit = (activity: string, extra: Record<string, unknown> = {}) => ({
  time: "2024-01-01T00:00:00Z",
  category: "AuditLogs",
  operationName: activity,
  properties: { activityDisplayName: activity, loggedByService: "Core Directory", category: "UserManagement" },
  ...extra,
});
const summary = (records: RecordOutcome[]) => records.map((r) => (r.kind === "dead_letter" ? r.reason : r.kind));

describe("processMessage", () => {
  it("writes the enrichment into the record's own bytes, keeping every other byte", () => {
    const record = '{ "time" : "t",\t"category":"AuditLogs", "properties": {"activityDisplayName":"Add user"} }';
    const [out] = run(`{"records":[${record}]}`);
    expect(out!.kind).toBe("enriched");
    const line = lineText((out as { line: Uint8Array }).line);
    expect(line.startsWith(record.slice(0, -1))).toBe(true);
    expect(line.endsWith("}}")).toBe(true);
    expect(JSON.parse(line).enrichment.recognized).toBe(true);
  });

  it("re-serializes a record that spans lines, so the output is always one line", () => {
    const [out] = run(JSON.stringify(audit("Add user"), null, 2));
    const line = lineText((out as { line: Uint8Array }).line);
    expect(line).not.toMatch(/[\r\n]/);
    expect(JSON.parse(line)).toMatchObject(audit("Add user"));
  });

  it("passes sign-in records on as their own bytes, never re-serialized", () => {
    // A parse-and-stringify would turn the escape into "é" and 1.50E+2 into 150.
    const signIn = '{"category":"SignInLogs","properties":{"note":"caf\\u00e9","score":1.50E+2}}';
    const records = run(`{"records":[${signIn},${JSON.stringify(audit("Add user"))}]}`);
    expect(summary(records)).toEqual(["passed_through", "enriched"]);
    expect(lineText((records[0] as { line: Uint8Array }).line)).toBe(signIn);
    expect(summary(run(`{"records":[${signIn}]}`, "drop"))).toEqual(["dropped"]);
  });

  it("numbers records in input order with their byte offsets", () => {
    const body = `{"records":[${JSON.stringify(audit("Add user"))}, 7, ${JSON.stringify(audit("Update user"))}]}`;
    const records = run(body);
    expect(records.map((r) => r.recordIndex)).toEqual([0, 1, 2]);
    expect(body.slice(records[1]!.offset, records[1]!.offset + 1)).toBe("7");
    expect(body.slice(records[2]!.offset).startsWith('{"time"')).toBe(true);
  });

  it.each([
    ["", "empty"],
    ["   \n ", "empty"],
    ['{"records":[', "invalid_json"],
    ["nope", "invalid_json"],
    ['{"records":[{"category":"SignInLogs","note":"\\q"}]}', "invalid_json"],
    ['{"records":[{"category":"SignInLogs","n":01}]}', "invalid_json"],
    ["42", "not_an_object"],
    ['{"hello":"world"}', "unsupported_shape"],
  ])("dead-letters %j as %s with the whole message as raw", (body, reason) => {
    const records = run(body);
    expect(summary(records)).toEqual([reason]);
    const [dead] = records;
    if (dead?.kind === "dead_letter") expect(lineText(dead.raw)).toBe(body);
  });

  it("dead-letters a record of no known shape with that record's bytes as raw", () => {
    const records = run('{"records":[{"time":"t","category":"Foo"}]}');
    expect(summary(records)).toEqual(["unsupported_shape"]);
    if (records[0]?.kind === "dead_letter") expect(lineText(records[0].raw)).toBe('{"time":"t","category":"Foo"}');
  });

  it("yields no outcomes for an empty record list", () => {
    expect(run('{"records":[]}')).toEqual([]);
    expect(run("[]")).toEqual([]);
  });

  it("dead-letters only the bad record when the envelope itself is fine", () => {
    const bad = Buffer.concat([Buffer.from('{"category":"AuditLogs","operationName":"Add '), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const body = Buffer.concat([Buffer.from('{"records":['), bad, Buffer.from(`,${JSON.stringify(audit("Add user"))}]}`)]);
    const records = run(body);
    expect(summary(records)).toEqual(["invalid_utf8", "enriched"]);
    const dead = records[0];
    if (dead?.kind !== "dead_letter") throw new Error("expected a dead letter");
    expect(Buffer.compare(Buffer.from(dead.raw), bad)).toBe(0);
    expect(dead.wholeMessage).toBe(false);
  });

  it("enforces record, message, depth and count limits", () => {
    const big = JSON.stringify(audit("Add user", { pad: "x".repeat(2000) }));
    expect(summary(run(`{"records":[${big}]}`, "pass", { maxRecordBytes: 1000 }))).toEqual(["too_large"]);
    expect(summary(run(big, "pass", { maxMessageBytes: 1000 }))).toEqual(["too_large"]);
    expect(summary(run('{"records":[{"a":[[[[1]]]]}]}', "pass", { maxDepth: 4 }))).toEqual(["too_deep"]);
    const many = `{"records":[${Array.from({ length: 5 }, () => JSON.stringify(audit("Add user"))).join(",")}]}`;
    expect(summary(run(many, "pass", { maxRecordsPerMessage: 3 }))).toEqual(["enriched", "enriched", "enriched", "too_many_records"]);
  });

  it("treats an object with only a records list as an envelope, whatever else sits beside it", () => {
    const records = run(`{"records":[${JSON.stringify(audit("Add user"))}],"category":"SignInLogs"}`);
    expect(summary(records)).toEqual(["enriched"]);
  });

  it("keeps a lookup that throws from stopping the message", () => {
    const broken = { version: "x", lookup: () => { throw new Error("catalog defect"); } };
    const body = Buffer.from(`{"records":[${JSON.stringify(audit("Add user"))},{"category":"SignInLogs"}]}`);
    const records = processMessage(body, { lookup: broken, nonAudit: "pass" }).records;
    expect(summary(records)).toEqual(["internal_error", "passed_through"]);
  });

  it("uses one closed list of reason codes", () => {
    expect(new Set(DEAD_LETTER_REASONS).size).toBe(DEAD_LETTER_REASONS.length);
    for (const code of DEAD_LETTER_REASONS) expect(code).toMatch(/^[a-z0-9_]+$/);
  });
});

describe("processMessage on arbitrary input (properties)", () => {
  const checkOutcomes = (records: RecordOutcome[]) => {
    for (const [i, r] of records.entries()) expect(r.recordIndex).toBe(i);
    for (const r of records) {
      if (r.kind === "enriched" || r.kind === "passed_through") {
        const text = lineText(r.line);
        expect(text).not.toMatch(/[\r\n]/);
        const parsed = JSON.parse(text);
        expect(parsed).toBeTypeOf("object");
        if (r.kind === "enriched") expect(parsed.enrichment).toEqual(JSON.parse(JSON.stringify(r.enrichment)));
      }
      if (r.kind === "dead_letter") expect(DEAD_LETTER_REASONS).toContain(r.reason);
    }
  };

  it("any JSON value as the whole message yields outcomes, never an exception", () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => checkOutcomes(run(JSON.stringify(value) ?? "null"))), { numRuns: 400 });
  });

  it("any JSON value in any position of an audit record yields outcomes", () => {
    const positions: ((v: unknown) => unknown)[] = [
      (v) => ({ records: [v] }),
      (v) => ({ records: [audit("Add user"), v] }),
      (v) => ({ body: v }),
      (v) => ({ value: [v] }),
      (v) => audit("Add user", { properties: v }),
      (v) => audit("Add user", { category: v }),
      (v) => ({ ...audit("Add user"), properties: { activityDisplayName: v, loggedByService: v, category: v, initiatedBy: v, targetResources: v } }),
      (v) => ({ category: "Audit", operationName: v, properties: { auditEventCategory: v, targetResourceName: v } }),
      (v) => ({ OperationName: "Add user", Category: v, InitiatedBy: JSON.stringify(v), TargetResources: v }),
      (v) => ({ activityDisplayName: "Add user", initiatedBy: { user: v, app: v }, targetResource: v }),
      (v) => audit("Add user", { enrichment: v }),
    ];
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(positions.length - 1), fc.constantFrom(undefined, 1), (value, at, indent) => {
        checkOutcomes(run(JSON.stringify(positions[at]!(value), null, indent)));
      }),
      { numRuns: 600 },
    );
  });

  it("arbitrary bytes yield outcomes, never an exception", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => checkOutcomes(run(bytes))), { numRuns: 500 });
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => checkOutcomes(run(`{"records":[${text}]}`))),
      { numRuns: 500 },
    );
  });

  it("an enriched line is always the input record plus enrichment", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), (extra, activity) => {
        const record = { ...extra, category: "AuditLogs", properties: { activityDisplayName: activity } };
        const [out] = run(JSON.stringify(record));
        expect(out!.kind).toBe("enriched");
        const { enrichment: _, ...rest } = JSON.parse(lineText((out as { line: Uint8Array }).line));
        const { enrichment: __, ...expected } = JSON.parse(JSON.stringify(record));
        expect(rest).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
