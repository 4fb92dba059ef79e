/**
 * Python's `json.dumps(value, indent=2)`, byte for byte, so that ConfigSpace JSON written
 * here is identical to what ConfigSpace writes: floats in `repr` form (`0.0`, `1e-05`),
 * non-ASCII escaped (ensure_ascii), `": "` and `","` separators, no trailing newline.
 */

/** Marks a number that Python holds as a float, so it prints as `0.0` rather than `0`. */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type PyJson = null | boolean | number | string | PyFloat | readonly PyJson[] | { readonly [key: string]: PyJson };

/**
 * `repr(float)`: the shortest round-tripping digits (the same digits as JavaScript's),
 * fixed notation when the decimal exponent is in [-4, 16), scientific otherwise, always
 * with a `.0` or an exponent so that it reads back as a float.
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
    const integerPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    const fraction = digits.slice(exponent + 1);
    return `${sign}${integerPart}.${fraction === '' ? '0' : fraction}`;
  }
  const scientific = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const magnitude = String(Math.abs(exponent)).padStart(2, '0');
  return `${sign}${scientific}e${exponent < 0 ? '-' : '+'}${magnitude}`;
}

/** Python's ensure_ascii string encoding: JSON escapes plus \uXXXX for everything outside printable ASCII. */
function pythonString(text: string): string {
  return JSON.stringify(text).replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function pythonNumber(value: number): string {
  // A JavaScript number that is an integer was (in a ConfigSpace document) a Python int.
  if (Number.isInteger(value)) return BigInt(value).toString();
  return pythonFloatRepr(value);
}

export function dumpsPython(value: PyJson, indent = 2): string {
  const write = (node: PyJson, depth: number): string => {
    if (node === null) return 'null';
    if (typeof node === 'boolean') return node ? 'true' : 'false';
    if (typeof node === 'number') return pythonNumber(node);
    if (typeof node === 'string') return pythonString(node);
    if (node instanceof PyFloat) return pythonFloatRepr(node.value);
    const inner = '\n' + ' '.repeat(indent * (depth + 1));
    const outer = '\n' + ' '.repeat(indent * depth);
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
