/**
 * Python's `json.dumps(value, indent=2)`, byte for byte, so that ConfigSpace JSON written
 * here is identical to what ConfigSpace writes: floats in `repr` form (`0.0`, `1e-05`),
 * non-ASCII escaped (ensure_ascii), `": "` and `","` separators, no trailing newline.
 */
import { pythonFloat, pythonString } from '../storage/python-json.js';

/** Marks a number that Python holds as a float, so it prints as `0.0` rather than `0`. */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type PyJson = null | boolean | number | string | PyFloat | readonly PyJson[] | { readonly [key: string]: PyJson };

function pythonNumber(value: number): string {
  // A JavaScript number that is an integer was (in a ConfigSpace document) a Python int.
  if (Number.isInteger(value)) return BigInt(value).toString();
  return pythonFloat(value);
}

export function dumpsPython(value: PyJson, indent = 2): string {
  const write = (node: PyJson, depth: number): string => {
    if (node === null) return 'null';
    if (typeof node === 'boolean') return node ? 'true' : 'false';
    if (typeof node === 'number') return pythonNumber(node);
    if (typeof node === 'string') return pythonString(node);
    if (node instanceof PyFloat) return pythonFloat(node.value);
    const inner = `\n${' '.repeat(indent * (depth + 1))}`;
    const outer = `\n${' '.repeat(indent * depth)}`;
    if (Array.isArray(node)) {
      if (node.length === 0) return '[]';
      return `[${inner}${node.map((item: PyJson) => write(item, depth + 1)).join(`,${inner}`)}${outer}]`;
    }
    const entries = Object.entries(node as { readonly [key: string]: PyJson });
    if (entries.length === 0) return '{}';
    return `{${inner}${entries.map(([key, item]) => `${pythonString(key)}: ${write(item, depth + 1)}`).join(`,${inner}`)}${outer}}`;
  };
  return write(value, 0);
}
