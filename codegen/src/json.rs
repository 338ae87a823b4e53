//! Parses spec JSON into a tree that remembers the line and column of every value and key.
//!
//! serde_json forgets positions, and every diagnostic must point at one, so the loader
//! reads the text itself. The grammar is strict RFC 8259 JSON; the first syntax error
//! stops the parse of that file (nothing after it can be trusted).

use std::fmt;

/// A 1-based line and column (columns count characters, as editors do).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// Line number, starting at 1.
    pub line: u32,
    /// Column number in characters, starting at 1.
    pub column: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A JSON value with the position where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Where the value starts.
    pub pos: Pos,
    /// The value itself.
    pub value: Value,
}

/// The JSON value kinds; objects keep their keys in source order, with positions.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, kept as written so integers stay exact.
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Node>),
    /// An object: `(key, key position, value)` in source order.
    Object(Vec<Member>),
}

/// One `"key": value` pair of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// The key, unescaped.
    pub key: String,
    /// Where the key's opening quote is.
    pub key_pos: Pos,
    /// The value.
    pub value: Node,
}

impl Value {
    /// What this kind is called in diagnostics ("a string", "an object").
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// A syntax error: where, and what was wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    /// Where the parser stopped.
    pub pos: Pos,
    /// What it expected or found.
    pub message: String,
}

/// Parses one JSON document.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut parser = Parser {
        chars: text.chars().collect(),
        at: 0,
        pos: Pos { line: 1, column: 1 },
        depth: 0,
    };
    parser.skip_whitespace();
    let node = parser.value()?;
    parser.skip_whitespace();
    if let Some(c) = parser.peek() {
        return Err(parser.error(format!(
            "unexpected {} after the end of the document",
            describe(c)
        )));
    }
    Ok(node)
}

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_DEPTH: u32 = 128;

struct Parser {
    chars: Vec<char>,
    at: usize,
    pos: Pos,
    depth: u32,
}

fn describe(c: char) -> String {
    match c {
        '\u{201c}' | '\u{201d}' => format!("curly quote `{c}` (use a straight `\"`)"),
        c if c.is_control() => format!("control character U+{:04X}", c as u32),
        c => format!("character `{c}`"),
    }
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        if c == '\n' {
            self.pos.line += 1;
            self.pos.column = 1;
        } else {
            self.pos.column += 1;
        }
        Some(c)
    }

    fn error(&self, message: String) -> SyntaxError {
        SyntaxError {
            pos: self.pos,
            message,
        }
    }

    fn unexpected(&self, expected: &str) -> SyntaxError {
        match self.peek() {
            Some(c) => self.error(format!("expected {expected}, found {}", describe(c))),
            None => self.error(format!("expected {expected}, found the end of the file")),
        }
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.bump();
        }
    }

    fn value(&mut self) -> Result<Node, SyntaxError> {
        let pos = self.pos;
        let value = match self.peek() {
            Some('{') => self.nested(Self::object)?,
            Some('[') => self.nested(Self::array)?,
            Some('"') => Value::String(self.string()?),
            Some('t') => self.keyword("true", Value::Bool(true))?,
            Some('f') => self.keyword("false", Value::Bool(false))?,
            Some('n') => self.keyword("null", Value::Null)?,
            Some(c) if c == '-' || c.is_ascii_digit() => Value::Number(self.number()?),
            _ => return Err(self.unexpected("a value")),
        };
        Ok(Node { pos, value })
    }

    fn nested(
        &mut self,
        parse: fn(&mut Self) -> Result<Value, SyntaxError>,
    ) -> Result<Value, SyntaxError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        self.depth += 1;
        let value = parse(self);
        self.depth -= 1;
        value
    }

    fn keyword(&mut self, word: &str, value: Value) -> Result<Value, SyntaxError> {
        for expected in word.chars() {
            if self.peek() != Some(expected) {
                return Err(self.unexpected(&format!("`{word}`")));
            }
            self.bump();
        }
        Ok(value)
    }

    fn object(&mut self) -> Result<Value, SyntaxError> {
        self.bump();
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some('}') {
            self.bump();
            return Ok(Value::Object(members));
        }
        let mut comma = None;
        loop {
            self.skip_whitespace();
            if self.peek() != Some('"') {
                return Err(match (self.peek(), comma) {
                    (Some('}'), Some(pos)) => SyntaxError {
                        pos,
                        message: "trailing comma before `}`: remove the comma".to_owned(),
                    },
                    _ => self.unexpected("a string key"),
                });
            }
            let key_pos = self.pos;
            let key = self.string()?;
            self.skip_whitespace();
            if self.peek() != Some(':') {
                return Err(self.unexpected("`:` after the key"));
            }
            self.bump();
            self.skip_whitespace();
            let value = self.value()?;
            members.push(Member {
                key,
                key_pos,
                value,
            });
            self.skip_whitespace();
            match self.peek() {
                Some(',') => {
                    comma = Some(self.pos);
                    self.bump();
                }
                Some('}') => {
                    self.bump();
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.unexpected("`,` or `}`")),
            }
        }
    }

    fn array(&mut self) -> Result<Value, SyntaxError> {
        self.bump();
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(']') {
            self.bump();
            return Ok(Value::Array(items));
        }
        let mut comma = self.pos;
        loop {
            self.skip_whitespace();
            if self.peek() == Some(']') {
                return Err(SyntaxError {
                    pos: comma,
                    message: "trailing comma before `]`: remove the comma".to_owned(),
                });
            }
            items.push(self.value()?);
            self.skip_whitespace();
            match self.peek() {
                Some(',') => {
                    comma = self.pos;
                    self.bump();
                }
                Some(']') => {
                    self.bump();
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.unexpected("`,` or `]`")),
            }
        }
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        self.bump();
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err(self.error("unterminated string".to_owned())),
                Some('"') => {
                    self.bump();
                    return Ok(out);
                }
                Some('\\') => {
                    self.bump();
                    out.push(self.escape()?);
                }
                Some(c) if (c as u32) < 0x20 => {
                    return Err(self.error(format!("{} inside a string: escape it", describe(c))));
                }
                Some(c) => {
                    self.bump();
                    out.push(c);
                }
            }
        }
    }

    fn escape(&mut self) -> Result<char, SyntaxError> {
        let c = match self.peek() {
            Some('"') => '"',
            Some('\\') => '\\',
            Some('/') => '/',
            Some('b') => '\u{8}',
            Some('f') => '\u{c}',
            Some('n') => '\n',
            Some('r') => '\r',
            Some('t') => '\t',
            Some('u') => {
                self.bump();
                let high = self.hex4()?;
                if !(0xD800..0xDC00).contains(&high) {
                    return char::from_u32(high)
                        .ok_or_else(|| self.error("escape is not a Unicode scalar".to_owned()));
                }
                if self.peek() != Some('\\') {
                    return Err(self.error("unpaired surrogate in `\\u` escape".to_owned()));
                }
                self.bump();
                if self.peek() != Some('u') {
                    return Err(self.error("unpaired surrogate in `\\u` escape".to_owned()));
                }
                self.bump();
                let low = self.hex4()?;
                if !(0xDC00..0xE000).contains(&low) {
                    return Err(self.error("unpaired surrogate in `\\u` escape".to_owned()));
                }
                let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                return char::from_u32(code)
                    .ok_or_else(|| self.error("escape is not a Unicode scalar".to_owned()));
            }
            _ => return Err(self.unexpected("an escape (`\\\"`, `\\\\`, `\\n`, `\\u0041`, …)")),
        };
        self.bump();
        Ok(c)
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|c| c.to_digit(16))
                .ok_or_else(|| self.unexpected("four hex digits after `\\u`"))?;
            self.bump();
            code = code * 16 + digit;
        }
        Ok(code)
    }

    fn number(&mut self) -> Result<String, SyntaxError> {
        let mut text = String::new();
        if self.peek() == Some('-') {
            text.push('-');
            self.bump();
        }
        match self.peek() {
            Some('0') => {
                text.push('0');
                self.bump();
            }
            Some(c) if c.is_ascii_digit() => self.digits(&mut text),
            _ => return Err(self.unexpected("a digit")),
        }
        if self.peek() == Some('.') {
            text.push('.');
            self.bump();
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.unexpected("a digit after `.`"));
            }
            self.digits(&mut text);
        }
        if let Some(e @ ('e' | 'E')) = self.peek() {
            text.push(e);
            self.bump();
            if let Some(sign @ ('+' | '-')) = self.peek() {
                text.push(sign);
                self.bump();
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.unexpected("a digit in the exponent"));
            }
            self.digits(&mut text);
        }
        Ok(text)
    }

    fn digits(&mut self, text: &mut String) {
        while let Some(c) = self.peek().filter(char::is_ascii_digit) {
            text.push(c);
            self.bump();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_point_at_values_and_keys() {
        let node = parse("{\n  \"a\": [1, \"x\"]\n}").unwrap();
        let Value::Object(members) = node.value else {
            panic!("not an object")
        };
        assert_eq!(members[0].key_pos, Pos { line: 2, column: 3 });
        assert_eq!(members[0].value.pos, Pos { line: 2, column: 8 });
    }

    #[test]
    fn trailing_comma_is_named() {
        let err = parse("[1,]").unwrap_err();
        assert_eq!(err.message, "trailing comma before `]`: remove the comma");
        assert_eq!(err.pos, Pos { line: 1, column: 3 });
    }

    #[test]
    fn curly_quotes_are_named() {
        let err = parse("{\u{201c}a\u{201d}: 1}").unwrap_err();
        assert_eq!(
            err.message,
            "expected a string key, found curly quote `\u{201c}` (use a straight `\"`)"
        );
    }

    #[test]
    fn surrogate_pairs_decode() {
        let node = parse("\"\\ud83d\\ude00\"").unwrap();
        assert_eq!(node.value, Value::String("\u{1F600}".to_owned()));
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = "[".repeat(10_000);
        let err = parse(&text).unwrap_err();
        assert_eq!(err.message, "nesting deeper than 128 levels");
    }
}
