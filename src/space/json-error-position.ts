/**
 * Where a JSON text stops being valid. Node 20's JSON.parse names the position for some
 * errors only ("Unexpected token '}', ... is not valid JSON" has none), so on a parse
 * failure we re-scan the text to point at the offending character. Only runs on failure.
 */
export function jsonErrorOffset(text: string): number {
  let at = 0;
  const fail = (): never => {
    throw at;
  };
  const skipWhitespace = (): void => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at++;
  };
  const literal = (word: string): void => {
    for (const char of word) {
      if (text[at] !== char) fail();
      at++;
    }
  };
  const string = (): void => {
    at++; // opening quote
    for (;;) {
      if (at >= text.length) fail();
      const char = text[at];
      if (char === '"') {
        at++;
        return;
      }
      if (char < ' ') fail();
      if (char === '\\') {
        at++;
        if (text[at] === 'u') {
          for (let i = 0; i < 4; i++) {
            at++;
            if (!/[0-9a-fA-F]/.test(text[at] ?? '')) fail();
          }
          at++;
        } else if ('"\\/bfnrt'.includes(text[at] ?? 'x')) at++;
        else fail();
      } else at++;
    }
  };
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at, at + 400));
    if (match === null || match[0] === '' || match[0] === '-') fail();
    at += match![0].length;
  };
  const value = (): void => {
    skipWhitespace();
    const char = text[at];
    if (char === '{') {
      at++;
      skipWhitespace();
      if (text[at] === '}') {
        at++;
        return;
      }
      for (;;) {
        skipWhitespace();
        if (text[at] !== '"') fail();
        string();
        skipWhitespace();
        if (text[at] !== ':') fail();
        at++;
        value();
        skipWhitespace();
        if (text[at] === ',') at++;
        else if (text[at] === '}') {
          at++;
          return;
        } else fail();
      }
    }
    if (char === '[') {
      at++;
      skipWhitespace();
      if (text[at] === ']') {
        at++;
        return;
      }
      for (;;) {
        value();
        skipWhitespace();
        if (text[at] === ',') at++;
        else if (text[at] === ']') {
          at++;
          return;
        } else fail();
      }
    }
    if (char === '"') string();
    else if (char === 't') literal('true');
    else if (char === 'f') literal('false');
    else if (char === 'n') literal('null');
    else number();
  };
  try {
    value();
    skipWhitespace();
    if (at < text.length) fail();
  } catch (offset) {
    if (typeof offset === 'number') return offset;
    throw offset;
  }
  return text.length;
}

/** 1-based line and column of `offset` in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
