// An Index as portable parts, for the saved snapshot and for handing an index from the build worker to the
// main thread. Generic over the Index's fields: every typed array goes as raw bytes (saved as one binary
// section, or transferred without a copy), everything else as JSON-safe values. A field the index gains
// later is carried without a change here, as long as it is a typed array, a plain value (numbers, strings,
// arrays, plain objects), a Map, or an instance of a class listed in CLASSES.
import type { Index } from './types.ts';
import { Vocabulary } from './terms.ts';

export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

const TYPED = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;
export type TypedArrayName = keyof typeof TYPED;

/**
 * Classes whose instances an index may hold, restored by their own properties (constructors are not run).
 * A class with #private fields cannot be restored this way and needs its own entry in encode/decode.
 */
const CLASSES = { Vocabulary } as const satisfies Record<string, abstract new (...args: never[]) => object>;

/** A field that is not a typed array: `tagged` when its JSON holds Map or class markers to revive. */
export interface PortableValue {
  readonly value: unknown;
  readonly tagged: boolean;
}

export interface PortableIndex {
  readonly typed: Record<string, TypedArray>;
  readonly values: Record<string, PortableValue>;
  /** Field names in the index's own order, so a restored index has the same shape as a built one. */
  readonly order: readonly string[];
}

export function typedArrayName(value: TypedArray): TypedArrayName {
  const name = value.constructor.name;
  if (!(name in TYPED)) throw new Error(`portable: unsupported typed array ${name}`);
  return name as TypedArrayName;
}

export function makeTypedArray(name: string, buffer: ArrayBuffer, byteOffset: number, byteLength: number): TypedArray {
  const Ctor = (TYPED as Record<string, (typeof TYPED)[TypedArrayName]>)[name];
  if (!Ctor) throw new Error(`portable: unknown typed array type ${JSON.stringify(name)}`);
  if (byteLength % Ctor.BYTES_PER_ELEMENT !== 0) throw new Error(`portable: ${byteLength} bytes is not a whole number of ${name} elements`);
  return new Ctor(buffer, byteOffset, byteLength / Ctor.BYTES_PER_ELEMENT);
}

function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

const TAGS = ['$map', '$class', '$typed'];

/**
 * A JSON-safe form of `value`, and whether it needed tags. Plain data comes back as the same object (no
 * copy); Maps become {$map: entries}, listed class instances {$class, props}, nested typed arrays
 * {$typed, data}. Anything else (functions, Sets, other classes, non-finite numbers) is a programmer error.
 */
function encode(value: unknown, path: string): { value: unknown; tagged: boolean } {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return { value, tagged: false };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`portable: ${path} is ${value}, which JSON cannot hold`);
    return { value, tagged: false };
  }
  if (typeof value !== 'object') throw new Error(`portable: ${path} is a ${typeof value}, which an index cannot save`);
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const e = encode(value[i], `${path}[${i}]`);
      if (e.tagged && out === null) out = value.slice(0, i);
      if (out !== null) out.push(e.value);
    }
    return out === null ? { value, tagged: false } : { value: out, tagged: true };
  }
  if (value instanceof Map) {
    return { value: { $map: [...value].map(([k, v], i) => [encode(k, `${path} key ${i}`).value, encode(v, `${path}.get(${String(k)})`).value]) }, tagged: true };
  }
  if (isTypedArray(value)) {
    const data = Array.from(value as ArrayLike<number | bigint>, (x) => (typeof x === 'bigint' ? x.toString() : x));
    return { value: { $typed: typedArrayName(value), data }, tagged: true };
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === Object.prototype || proto === null) {
    let out: Record<string, unknown> | null = null;
    const entries = Object.entries(value);
    for (let i = 0; i < entries.length; i++) {
      const [k, v] = entries[i]!;
      if (TAGS.includes(k)) throw new Error(`portable: ${path} has a key ${k}, which the format reserves`);
      const e = encode(v, `${path}.${k}`);
      if (e.tagged && out === null) out = Object.fromEntries(entries.slice(0, i));
      if (out !== null) out[k] = e.value;
    }
    return out === null ? { value, tagged: false } : { value: out, tagged: true };
  }
  const name = registeredClassOf(value);
  if (name !== null) {
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) props[k] = encode(v, `${path}.${k}`).value;
    return { value: { $class: name, props }, tagged: true };
  }
  throw new Error(`portable: ${path} is a ${(proto as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'object'}, which an index cannot save (add it to CLASSES in src/index/portable.ts)`);
}

/** Inverse of encode for a tagged value. */
export function revive(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(revive);
  const o = value as Record<string, unknown>;
  if ('$map' in o) return new Map((o.$map as [unknown, unknown][]).map(([k, v]) => [revive(k), revive(v)]));
  if ('$typed' in o) {
    const name = o.$typed as string;
    const data = o.data as (number | string)[];
    const Ctor = (TYPED as Record<string, (typeof TYPED)[TypedArrayName]>)[name];
    if (!Ctor) throw new Error(`portable: unknown typed array type ${JSON.stringify(name)}`);
    return name.startsWith('Big') ? new (Ctor as BigInt64ArrayConstructor)(data.map((x) => BigInt(x))) : new (Ctor as Float64ArrayConstructor)(data as number[]);
  }
  if ('$class' in o) {
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o.props as Record<string, unknown>)) props[k] = revive(v);
    return restoreInstance(o.$class as string, props);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = revive(v);
  return out;
}

/** The CLASSES name of an instance of one of them, or null. */
export function registeredClassOf(value: unknown): string | null {
  if (value === null || typeof value !== 'object') return null;
  const proto = Object.getPrototypeOf(value) as object | null;
  for (const [name, Ctor] of Object.entries(CLASSES)) if (proto === Ctor.prototype) return name;
  return null;
}

/** An instance of a CLASSES class with the given own properties (its constructor is not run). */
export function restoreInstance(name: string, props: Record<string, unknown>): object {
  const Ctor = (CLASSES as Record<string, { prototype: object }>)[name];
  if (!Ctor) throw new Error(`portable: unknown class ${JSON.stringify(name)}`);
  return Object.assign(Object.create(Ctor.prototype) as object, props);
}

/** Split an index into its typed arrays and its JSON-safe values. Shares memory with the index. */
export function toPortable(index: Index): PortableIndex {
  const typed: Record<string, TypedArray> = {};
  const values: Record<string, PortableValue> = {};
  const order: string[] = [];
  for (const [name, value] of Object.entries(index)) {
    order.push(name);
    if (isTypedArray(value)) typed[name] = value;
    else values[name] = encode(value, `index.${name}`);
  }
  return { typed, values, order };
}

/** Reassemble an index. The typed arrays are used as they are, not copied. */
export function fromPortable(p: PortableIndex): Index {
  const index: Record<string, unknown> = {};
  for (const name of p.order) {
    const array = p.typed[name];
    const v = p.values[name];
    if (array !== undefined) index[name] = array;
    else if (v !== undefined) index[name] = v.tagged ? revive(v.value) : v.value;
    else throw new Error(`portable: field ${name} is listed but missing`);
  }
  if (p.order.length !== Object.keys(p.typed).length + Object.keys(p.values).length) throw new Error('portable: fields are missing from the field order');
  return index as unknown as Index;
}
