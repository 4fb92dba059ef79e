/**
 * JSON the way Python's `json` module writes and reads it, for hpbandster-compatible run logs.
 *
 * Writing follows `json.dumps(obj)` with its defaults (hpbandster's `json_result_logger` calls
 * it bare): `", "` and `": "` separators, `ensure_ascii=True` (every character outside
 * printable ASCII escaped as lowercase `\uXXXX`, astral characters as surrogate pairs), and
 * `allow_nan=True` (`NaN`, `Infinity`, `-Infinity` as bare tokens). Python floats are written
 * with `float.__repr__`: the shortest round-tripping digits (the same digits as JavaScript's
 * `Number#toString`), a trailing `.0` when integral, and exponent form (`1e-05`, `1.5e+16`) when
 * the decimal exponent is below -4 or at least 16.
 *
 * A JavaScript number does not say whether Python held an `int` or a `float`, so the caller
 * chooses: fields that hpbandster always writes as floats (budget, loss, timestamps) go through
 * {@link pythonFloat}, and a value wrapped in {@link PyFloat} is written as a float wherever it
 * sits (ConfigSpace's float bounds and defaults); every other number follows one rule — a safe
 * integer is a Python `int`, anything else (fractions, non-finite values, integers beyond 2^53,
 * which a JavaScript number cannot hold exactly) a Python `float` — as `json.dumps` would write it.
 *
 * This is the only Python-JSON writer: the run logs (one line per entry, `json.dumps(obj)`) and
 * ConfigSpace documents (`json.dumps(obj, indent=2)`, see `space/configspace-json-write.ts`) both
 * go through {@link toPythonJson}.
 *
 * Reading accepts standard JSON plus Python's three non-finite tokens outside strings.
 */

/** Escapes of `json.encoder.ESCAPE_DCT` that are not `\uXXXX`. */
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** Characters `json.dumps(ensure_ascii=True)` writes as they are: printable ASCII minus `"` and `\`. */
const NEEDS_ESCAPE = /[^\x20-\x7e]|["\\]/g;

/** A string as `json.dumps` writes it (`ensure_ascii=True`). */
export function pythonString(value: string): string {
  // Escaping UTF-16 code units one by one yields exactly Python's surrogate pairs for astral
  // characters (py_encode_basestring_ascii splits them the same way).
  return `"${value.replace(NEEDS_ESCAPE, (ch) => SHORT_ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** A number as Python's `repr(float(value))`, which is what `json.dumps` writes for a float. */
export function pythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  // toExponential() without an argument gives the shortest round-tripping digits, as repr does.
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  // CPython's float_repr_style 'short': exponent form when decpt <= -4 or decpt > 16,
  // with decpt = exponent + 1 (Python/pystrtod.c, format_float_short).
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const fixed = String(value); // fixed notation for 1e-7 <= |value| < 1e21, which covers this range
  return /[.e]/.test(fixed) ? fixed : `${fixed}.0`;
}

/** Marks a number that Python holds as a float, so that it is written as `0.0` rather than `0`. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A JSON value as Python holds it, with {@link PyFloat} marking floats (what ConfigSpace's writers build). */
export type PyJson = null | boolean | number | string | PyFloat | readonly PyJson[] | { readonly [key: string]: PyJson };

/** How {@link toPythonJson} lays the text out. */
export interface PythonJsonOptions {
  /**
   * Spaces per nesting level, as `json.dumps(value, indent=n)`: one member per line, `","` between
   * members (Python drops the space after the comma when indenting). Without it, everything is
   * on one line with `", "` between members, as `json.dumps(value)`.
   * @defaultValue undefined (one line)
   */
  readonly indent?: number;
}

/**
 * A number that is not marked as a float: safe integers as Python `int`s, everything else
 * (fractions, non-finite values, integers beyond 2^53) as Python floats.
 */
function pythonNumber(value: number): string {
  return Number.isSafeInteger(value) ? String(value) : pythonFloat(value);
}

/**
 * Serialises `value` as `json.dumps(value)` (or `json.dumps(value, indent=n)`) would, given the
 * Python value that the JavaScript value stands for (see the module comment on ints and floats).
 *
 * Like `JSON.stringify`, it calls `toJSON()` where present, drops object members whose value is
 * `undefined`, a function or a symbol, and writes those as `null` inside arrays; bigints are
 * written as integers and typed arrays as lists.
 *
 * @throws TypeError on a circular structure.
 */
export function toPythonJson(value: unknown, options: PythonJsonOptions = {}): string {
  const parts: string[] = [];
  write(value, parts, new Set(), options.indent === undefined ? undefined : ' '.repeat(options.indent), '');
  return parts.join('');
}

/** `step`: the indentation of one level (undefined for one line); `margin`: the current level's. */
function write(value: unknown, out: string[], ancestors: Set<object>, step: string | undefined, margin: string): void {
  if (value instanceof PyFloat) {
    out.push(pythonFloat(value.value));
    return;
  }
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'number':
      out.push(pythonNumber(value));
      return;
    case 'string':
      out.push(pythonString(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'bigint':
      out.push(value.toString());
      return;
    case 'undefined':
    case 'function':
    case 'symbol':
      out.push('null');
      return;
  }
  if (value === null) {
    out.push('null');
    return;
  }
  const object = value as object;
  if (ancestors.has(object)) throw new TypeError('cannot serialise a circular structure');
  ancestors.add(object);
  // json.dumps: ", " between members on one line; "," and a new line when indenting.
  const inner = step === undefined ? '' : `${margin}${step}`;
  const opening = step === undefined ? '' : `\n${inner}`;
  const separator = step === undefined ? ', ' : `,\n${inner}`;
  const closing = step === undefined ? '' : `\n${margin}`;
  if (Array.isArray(object) || (ArrayBuffer.isView(object) && !(object instanceof DataView))) {
    const items = object as ArrayLike<unknown>;
    out.push('[');
    for (let i = 0; i < items.length; i++) {
      out.push(i === 0 ? opening : separator);
      write(items[i], out, ancestors, step, inner);
    }
    out.push(items.length === 0 ? '' : closing, ']');
  } else {
    out.push('{');
    let first = true;
    for (const [key, member] of Object.entries(object)) {
      if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
      out.push(first ? opening : separator, pythonString(key), ': ');
      first = false;
      write(member, out, ancestors, step, inner);
    }
    out.push(first ? '' : closing, '}');
  }
  ancestors.delete(object);
}

/** Why a text is not (Python-flavoured) JSON. */
export class PythonJsonSyntaxError extends SyntaxError {
  /** Offset (in UTF-16 code units) where parsing failed. */
  readonly position: number;
  /**
   * True when every character was acceptable and the text simply ended too early: the text is a
   * strict prefix of some valid JSON text, which is what a write cut short by a crash leaves.
   */
  readonly truncated: boolean;
  constructor(message: string, position: number, truncated: boolean) {
    super(message);
    this.name = 'PythonJsonSyntaxError';
    this.position = position;
    this.truncated = truncated;
  }
}

/**
 * Parses JSON that may contain Python's `NaN`, `Infinity` and `-Infinity` outside strings.
 *
 * Text without those tokens goes straight to `JSON.parse`; text with them, and any text that
 * `JSON.parse` rejects (to say where and whether it was merely truncated), goes through a small
 * recursive-descent parser. Replacing the tokens textually before `JSON.parse` would need a
 * sentinel that no genuine string could hold, which cannot be guaranteed; this parser can.
 *
 * @throws PythonJsonSyntaxError when the text is not valid.
 */
export function parsePythonJson(text: string): unknown {
  if (!hasNonFiniteToken(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // fall through: the parser below gives a position and tells truncation from corruption
    }
  }
  return new Parser(text).parseDocument();
}

/** Whether `N` or `I` appears outside string literals (no valid JSON has them there). */
function hasNonFiniteToken(text: string): boolean {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c /* \ */) i++;
      else if (ch === 0x22 /* " */) inString = false;
    } else if (ch === 0x22) {
      inString = true;
    } else if (ch === 0x4e /* N */ || ch === 0x49 /* I */) {
      return true;
    }
  }
  return false;
}

const LITERALS: ReadonlyArray<readonly [string, unknown]> = [
  ['true', true],
  ['false', false],
  ['null', null],
  ['NaN', NaN],
  ['Infinity', Infinity],
];

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseDocument(): unknown {
    const value = this.parseValue();
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail('unexpected content after the JSON value');
    return value;
  }

  private fail(message: string): never {
    const truncated = this.pos >= this.text.length;
    throw new PythonJsonSyntaxError(
      truncated ? `unexpected end of input (${message})` : `${message} at position ${this.pos}`,
      this.pos,
      truncated,
    );
  }

  private skipWhitespace(): void {
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r') break;
      this.pos++;
    }
  }

  private parseValue(): unknown {
    this.skipWhitespace();
    if (this.pos >= this.text.length) this.fail('expected a value');
    const ch = this.text[this.pos];
    if (ch === '{') return this.parseObject();
    if (ch === '[') return this.parseArray();
    if (ch === '"') return this.parseString();
    if (ch === '-' && this.text[this.pos + 1] === 'I') {
      this.pos++;
      return -(this.parseLiteral() as number);
    }
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return this.parseNumber();
    return this.parseLiteral();
  }

  private parseLiteral(): unknown {
    const rest = this.text.slice(this.pos, this.pos + 8);
    for (const [word, value] of LITERALS) {
      if (rest.startsWith(word)) {
        this.pos += word.length;
        return value;
      }
      if (rest.length < word.length && word.startsWith(rest) && this.pos + rest.length === this.text.length) {
        this.pos = this.text.length;
        this.fail(`incomplete ${word}`);
      }
    }
    this.fail('expected a value');
  }

  private parseObject(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.pos++; // {
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail('expected a string key');
      const key = this.parseString();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      // defineProperty, not assignment: a key "__proto__" must stay an ordinary member, as in JSON.parse
      Object.defineProperty(result, key, { value: this.parseValue(), enumerable: true, writable: true, configurable: true });
      this.skipWhitespace();
      const next = this.text[this.pos];
      this.pos++;
      if (next === '}') return result;
      if (next !== ',') {
        this.pos--;
        this.fail("expected ',' or '}'");
      }
    }
  }

  private parseArray(): unknown[] {
    const result: unknown[] = [];
    this.pos++; // [
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      result.push(this.parseValue());
      this.skipWhitespace();
      const next = this.text[this.pos];
      this.pos++;
      if (next === ']') return result;
      if (next !== ',') {
        this.pos--;
        this.fail("expected ',' or ']'");
      }
    }
  }

  private parseString(): string {
    this.pos++; // opening quote
    let result = '';
    let chunkStart = this.pos;
    for (;;) {
      if (this.pos >= this.text.length) this.fail('unterminated string');
      const code = this.text.charCodeAt(this.pos);
      if (code === 0x22) {
        result += this.text.slice(chunkStart, this.pos);
        this.pos++;
        return result;
      }
      if (code < 0x20) this.fail('control character in a string');
      if (code !== 0x5c) {
        this.pos++;
        continue;
      }
      result += this.text.slice(chunkStart, this.pos);
      this.pos++; // backslash
      const escaped = this.text[this.pos];
      if (escaped === undefined) this.fail('unterminated escape');
      const simple = ({ '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' } as Record<string, string>)[escaped];
      if (simple !== undefined) {
        result += simple;
        this.pos++;
      } else if (escaped === 'u') {
        this.pos++;
        for (let i = 0; i < 4; i++) {
          if (this.pos + i >= this.text.length) {
            this.pos = this.text.length;
            this.fail('incomplete \\u escape');
          }
          if (!/[0-9a-fA-F]/.test(this.text[this.pos + i])) {
            this.pos += i;
            this.fail('invalid \\u escape');
          }
        }
        result += String.fromCharCode(parseInt(this.text.slice(this.pos, this.pos + 4), 16));
        this.pos += 4;
      } else {
        this.fail('invalid escape');
      }
      chunkStart = this.pos;
    }
  }

  private parseNumber(): number {
    const start = this.pos;
    if (this.text[this.pos] === '-') this.pos++;
    if (this.text[this.pos] === '0') this.pos++;
    else this.digits();
    if (this.text[this.pos] === '.') {
      this.pos++;
      this.digits();
    }
    if (this.text[this.pos] === 'e' || this.text[this.pos] === 'E') {
      this.pos++;
      if (this.text[this.pos] === '+' || this.text[this.pos] === '-') this.pos++;
      this.digits();
    }
    return Number(this.text.slice(start, this.pos));
  }

  /** One or more decimal digits. */
  private digits(): void {
    const start = this.pos;
    while (this.pos < this.text.length && this.text[this.pos] >= '0' && this.text[this.pos] <= '9') this.pos++;
    if (this.pos === start) this.fail('expected a digit');
  }
}
