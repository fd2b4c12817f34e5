// A validator for the part of JSON Schema (2020-12) the enriched-record schema
// uses: type, enum, properties, required, additionalProperties: false, items,
// minLength, and local $ref. Any other keyword is an error, so the schema
// cannot quietly grow a constraint that this validator would ignore.

type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(["$schema", "$id", "title", "description", "$defs", "$comment"]);
const KEYWORDS = new Set(["type", "enum", "properties", "required", "additionalProperties", "items", "minLength", "$ref"]);

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (Number.isInteger(value)) return "integer";
  return typeof value;
}

function resolve(root: Schema, ref: string): Schema {
  if (!ref.startsWith("#/")) throw new Error(`unsupported $ref ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split("/")) node = (node as Schema)[part];
  if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
  return node as Schema;
}

export function validate(root: Schema, value: unknown, schema: Schema = root, path = "$"): string[] {
  const errors: string[] = [];
  for (const key of Object.keys(schema)) {
    if (!ANNOTATIONS.has(key) && !KEYWORDS.has(key)) throw new Error(`schema keyword '${key}' at ${path} is not supported`);
  }
  if (typeof schema.$ref === "string") errors.push(...validate(root, value, resolve(root, schema.$ref), path));
  if (schema.type !== undefined) {
    const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(value);
    if (!allowed.includes(actual) && !(actual === "integer" && allowed.includes("number"))) errors.push(`${path}: ${actual} is not ${allowed.join("|")}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} not in enum`);
  if (typeof schema.minLength === "number" && typeof value === "string" && value.length < schema.minLength) errors.push(`${path}: shorter than ${schema.minLength}`);
  if (typeOf(value) === "object") {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) if (!Object.hasOwn(object, name)) errors.push(`${path}: missing ${name}`);
    for (const [name, child] of Object.entries(object)) {
      if (Object.hasOwn(properties, name)) errors.push(...validate(root, child, properties[name]!, `${path}.${name}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected member ${name}`);
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    for (const [i, item] of value.entries()) errors.push(...validate(root, item, schema.items as Schema, `${path}[${i}]`));
  }
  return errors;
}
