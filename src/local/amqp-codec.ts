// The narrow slice of rhea's AMQP type system the broker uses, typed once here so the
// rest of src/local never touches `any`. rhea ships loose typings for these helpers.
import rhea from "rhea";

export interface Typed {
  readonly value: unknown;
  readonly descriptor?: { readonly value: unknown };
}

interface RheaTypes {
  Reader: new (buffer: Buffer) => { position: number; read(): Typed; remaining(): number };
  Writer: new (buffer?: Buffer) => { write(value: Typed): void; toBuffer(): Buffer };
  Map32(items: Typed[]): Typed;
  described(descriptor: Typed, value: Typed): Typed;
  wrap_ulong(n: number): Typed;
  wrap_long(n: number): Typed;
  wrap_int(n: number): Typed;
  wrap_string(s: string): Typed;
  wrap_symbol(s: string): Typed;
  wrap_timestamp(ms: number): Typed;
  wrap_boolean(b: boolean): Typed;
  wrap_map(m: object): Typed;
  unwrap(value: Typed): unknown;
}

export const amqpTypes = (rhea as unknown as { types: RheaTypes }).types;

export const SECTION = {
  header: 0x70,
  deliveryAnnotations: 0x71,
  messageAnnotations: 0x72,
  properties: 0x73,
  applicationProperties: 0x74,
  data: 0x75,
} as const;

/** One AMQP message section: its descriptor code and its exact encoded bytes. */
export interface RawSection {
  readonly code: number;
  readonly start: number;
  readonly end: number;
  readonly value: Typed;
}

/** Splits an encoded AMQP message into its sections without re-encoding any of them. */
export function readSections(bytes: Buffer): RawSection[] {
  const reader = new amqpTypes.Reader(bytes);
  const sections: RawSection[] = [];
  while (reader.remaining() > 0) {
    const start = reader.position;
    const value = reader.read();
    const code = Number(value.descriptor?.value ?? -1);
    sections.push({ code, start, end: reader.position, value });
  }
  return sections;
}

/** Encodes a described map section (message or delivery annotations) with symbol keys. */
export function encodeAnnotationsSection(code: number, entries: Typed[]): Buffer {
  const writer = new amqpTypes.Writer();
  writer.write(amqpTypes.described(amqpTypes.wrap_ulong(code), amqpTypes.Map32(entries)));
  return writer.toBuffer();
}

/** Reads the symbol-keyed string value of an annotations map section, if present. */
export function readAnnotation(section: RawSection | undefined, key: string): unknown {
  if (section === undefined) return undefined;
  const items = section.value.value as Typed[] | undefined;
  if (!Array.isArray(items)) return undefined;
  for (let i = 0; i + 1 < items.length; i += 2) {
    if (items[i]?.value === key) return amqpTypes.unwrap(items[i + 1] as Typed);
  }
  return undefined;
}
