// Where and why a JSON text is invalid. JSON.parse names a position for only some of its errors
// ("Unexpected token ']', "[1,]" is not valid JSON" has none), so this scanner walks the JSON
// grammar to find the first offending character. It is only run after JSON.parse has failed.

export interface JsonSyntaxError {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  message: string;
}

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let at = 0;

  const fail = (expected: string): never => {
    const found = at < text.length ? JSON.stringify(text[at]) : "the end of the file";
    throw new SyntaxStop(at, `expected ${expected} but found ${found}`);
  };
  const isDigit = () => at < text.length && text[at] >= "0" && text[at] <= "9";
  const skipWhitespace = () => {
    while (at < text.length && " \t\n\r".includes(text[at])) at++;
  };
  const expect = (char: string) => {
    if (text[at] !== char) fail(`"${char}"`);
    at++;
  };

  const digits = () => {
    if (!isDigit()) fail("a digit");
    while (isDigit()) at++;
  };
  const number = () => {
    if (text[at] === "-") at++;
    if (text[at] === "0") at++;
    else digits();
    if (text[at] === ".") {
      at++;
      digits();
    }
    if (text[at] === "e" || text[at] === "E") {
      at++;
      if (text[at] === "+" || text[at] === "-") at++;
      digits();
    }
  };
  const string = () => {
    at++;
    for (;;) {
      if (at >= text.length) fail('a closing """');
      const char = text[at];
      if (char === '"') {
        at++;
        return;
      }
      if (char === "\\") {
        at++;
        if (at < text.length && '"\\/bfnrt'.includes(text[at])) {
          at++;
        } else if (text[at] === "u") {
          at++;
          for (let i = 0; i < 4; i++) {
            if (!/[0-9a-fA-F]/.test(text[at] ?? "")) fail('four hex digits after "\\u"');
            at++;
          }
        } else {
          fail('an escape such as \\n or \\" after the backslash');
        }
      } else if (char.charCodeAt(0) < 0x20) {
        fail('a closing """ (a string cannot contain a line break or control character)');
      } else {
        at++;
      }
    }
  };
  const word = (literal: string) => {
    for (const char of literal) {
      if (text[at] !== char) fail(`"${literal}"`);
      at++;
    }
  };
  const object = () => {
    at++;
    skipWhitespace();
    if (text[at] === "}") {
      at++;
      return;
    }
    for (;;) {
      skipWhitespace();
      if (text[at] !== '"') fail("a property name in double quotes");
      string();
      skipWhitespace();
      expect(":");
      value();
      skipWhitespace();
      if (text[at] === "}") {
        at++;
        return;
      }
      expect(",");
    }
  };
  const array = () => {
    at++;
    skipWhitespace();
    if (text[at] === "]") {
      at++;
      return;
    }
    for (;;) {
      value();
      skipWhitespace();
      if (text[at] === "]") {
        at++;
        return;
      }
      expect(",");
    }
  };
  const value = (): void => {
    skipWhitespace();
    const char = text[at];
    if (char === "{") object();
    else if (char === "[") array();
    else if (char === '"') string();
    else if (char === "-" || isDigit()) number();
    else if (char === "t") word("true");
    else if (char === "f") word("false");
    else if (char === "n") word("null");
    else fail("a value");
  };

  try {
    value();
    skipWhitespace();
    if (at < text.length) fail("the end of the file");
    return undefined;
  } catch (error) {
    if (!(error instanceof SyntaxStop)) throw error;
    return { ...lineAndColumn(text, error.offset), message: error.message };
  }
}

class SyntaxStop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}
