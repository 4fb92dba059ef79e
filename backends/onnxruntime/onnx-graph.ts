// A small builder of ONNX graphs: values with element types and shapes known while building (the
// gradient code needs them), nodes, initializers, and encoding to a ModelProto.
//
// Why onnx-proto: it is ONNX's own onnx.proto (ONNX 1.10, IR version 8) compiled by protobufjs into
// static JS with TypeScript types, so writing a model needs no .proto parsing at run time, no schema
// vendored into this repository, and no code generation step in the build; IR 8 covers every opset
// this backend uses (15) and onnxruntime-node loads what it writes. protobufjs with a vendored
// onnx.proto would work as well, at the cost of keeping the schema and its types ourselves.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** The opset every graph here is written for. ReduceSum takes its axes as an input from 13 on. */
export const OPSET = 15;
/** ONNX IR version of opset 15 (ONNX 1.10). */
export const IR_VERSION = 8;

export type ElementType = 'float' | 'int64' | 'int32' | 'uint8' | 'bool';
/** A dimension: a number, or a symbolic name (the batch of an inference graph). */
export type Dim = number | string;
export type Shape = readonly Dim[];

const ELEMENT_TYPES: Record<ElementType, number> = {
  float: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  uint8: onnx.TensorProto.DataType.UINT8,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** A tensor in the graph: its name, element type and shape. */
export interface Value {
  readonly name: string;
  readonly type: ElementType;
  readonly shape: Shape;
}

/** An attribute value, tagged with its ONNX type (a JS number does not say int or float). */
export type Attribute =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string };

export const int = (value: number): Attribute => ({ kind: 'int', value });
export const ints = (value: readonly number[]): Attribute => ({ kind: 'ints', value });
export const float = (value: number): Attribute => ({ kind: 'float', value });
export const string = (value: string): Attribute => ({ kind: 'string', value });

/** Number of elements of a static shape; throws on a symbolic one. */
export function sizeOf(shape: Shape): number {
  return shape.reduce<number>((product, dim) => {
    if (typeof dim !== 'number') throw new Error(`shape [${shape.join(', ')}] is not static`);
    return product * dim;
  }, 1);
}

/** Dims of a shape known to be static. */
export function staticShape(shape: Shape): number[] {
  sizeOf(shape);
  return shape as number[];
}

type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array;

export class OnnxGraph {
  private readonly nodes: ReturnType<typeof onnx.NodeProto.create>[] = [];
  private readonly inputs: Value[] = [];
  private readonly outputs: Value[] = [];
  private readonly initializers: ReturnType<typeof onnx.TensorProto.create>[] = [];
  private readonly constants = new Map<string, Value>();
  private readonly names = new Set<string>();
  private counter = 0;
  private scopes: string[] = [];

  constructor(readonly name: string) {}

  /**
   * Runs `build` with node names prefixed by `scope/` (nested scopes join with '/'), so that a profile
   * of the session can be grouped by what a node is for (forward, backward, loss, adam, state, …).
   */
  scope<T>(scope: string, build: () => T): T {
    this.scopes.push(scope);
    try {
      return build();
    } finally {
      this.scopes.pop();
    }
  }

  /** Number of nodes so far (the benchmark reports it). */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /** A graph input. */
  input(name: string, type: ElementType, shape: Shape): Value {
    const value = { name: this.claim(name), type, shape };
    this.inputs.push(value);
    return value;
  }

  /** Makes `value` a graph output named `name` (through an Identity node when it is named otherwise). */
  output(name: string, value: Value): Value {
    const named = value.name === name ? value : this.node('Identity', [value], [{ type: value.type, shape: value.shape }], {}, name)[0];
    this.outputs.push(named);
    return named;
  }

  /** A constant tensor held by the graph (an initializer that is not an input). */
  initializer(name: string, type: ElementType, shape: Shape, data: TensorData): Value {
    const value = { name: this.claim(name), type, shape };
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push(
      onnx.TensorProto.create({
        name: value.name,
        dataType: ELEMENT_TYPES[type],
        dims: staticShape(shape),
        // raw_data is little-endian, as typed arrays are on every platform Node supports.
        rawData: bytes,
      }),
    );
    return value;
  }

  /** A float constant (shared by every use of the same values and shape). */
  constFloat(values: number | readonly number[], shape?: Shape): Value {
    const list = typeof values === 'number' ? [values] : values;
    const dims = shape ?? (typeof values === 'number' ? [] : [list.length]);
    return this.constant('float', dims, list, () => Float32Array.from(list));
  }

  /** An int64 constant (shapes, axes, indices). */
  constInt64(values: readonly number[], shape?: Shape): Value {
    return this.constant('int64', shape ?? [values.length], values, () => BigInt64Array.from(values.map(BigInt)));
  }

  /** An int32 constant. */
  constInt32(values: readonly number[], shape?: Shape): Value {
    return this.constant('int32', shape ?? [values.length], values, () => Int32Array.from(values));
  }

  /** Whether `value` is the float scalar constant 1 (a gradient seed that needs no multiplication). */
  isOne(value: Value): boolean {
    return this.constants.get(constantKey('float', [], [1]))?.name === value.name;
  }

  /**
   * Adds a node; returns its outputs, typed and shaped as given (the caller infers shapes: this
   * builder checks names, not semantics; onnxruntime checks the rest when it loads the model).
   */
  node(
    opType: string,
    inputs: readonly (Value | undefined)[],
    outputs: readonly { type: ElementType; shape: Shape }[],
    attributes: Readonly<Record<string, Attribute>> = {},
    outputName?: string,
    domain = '',
  ): Value[] {
    const id = this.counter++;
    const prefix = this.scopes.length > 0 ? `${this.scopes.join('/')}/` : '';
    const values = outputs.map((output, index) => ({
      name: this.claim(outputName && index === 0 ? outputName : `${prefix}${opType}_${id}${outputs.length > 1 ? `_${index}` : ''}`),
      type: output.type,
      shape: output.shape,
    }));
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        domain,
        name: `${prefix}${opType}_${id}`,
        input: inputs.map((input) => input?.name ?? ''),
        output: values.map((value) => value.name),
        attribute: Object.entries(attributes).map(([name, attribute]) => encodeAttribute(name, attribute)),
      }),
    );
    return values;
  }

  /** The serialized ModelProto; `metadata` becomes its metadata_props (what a model says about itself). */
  encode(metadata: Readonly<Record<string, string>> = {}): Uint8Array {
    const valueInfo = (value: Value) =>
      onnx.ValueInfoProto.create({
        name: value.name,
        type: {
          tensorType: {
            elemType: ELEMENT_TYPES[value.type],
            shape: { dim: value.shape.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) },
          },
        },
      });
    const graph = onnx.GraphProto.create({
      name: this.name,
      node: this.nodes,
      input: this.inputs.map(valueInfo),
      output: this.outputs.map(valueInfo),
      initializer: this.initializers,
    });
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'bandster',
      opsetImport: [{ domain: '', version: OPSET }],
      graph,
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private constant(type: ElementType, shape: Shape, values: readonly number[], data: () => TensorData): Value {
    const key = constantKey(type, shape, values);
    let value = this.constants.get(key);
    if (!value) {
      value = this.initializer(`const_${this.constants.size}`, type, shape, data());
      this.constants.set(key, value);
    }
    return value;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`graph ${this.name}: the name ${name} is taken`);
    this.names.add(name);
    return name;
  }
}

function constantKey(type: ElementType, shape: Shape, values: readonly number[]): string {
  return `${type}[${shape.join(',')}]:${values.join(',')}`;
}

function encodeAttribute(name: string, attribute: Attribute) {
  const types = onnx.AttributeProto.AttributeType;
  switch (attribute.kind) {
    case 'int':
      return onnx.AttributeProto.create({ name, type: types.INT, i: attribute.value });
    case 'ints':
      return onnx.AttributeProto.create({ name, type: types.INTS, ints: [...attribute.value] });
    case 'float':
      return onnx.AttributeProto.create({ name, type: types.FLOAT, f: attribute.value });
    case 'string':
      return onnx.AttributeProto.create({ name, type: types.STRING, s: new TextEncoder().encode(attribute.value) });
  }
}
