//! An RFC 4180 CSV reader that knows the line and column of every field and of every mistake.
//!
//! Fields are separated by `,`; records end at CRLF, LF or CR. A field may be quoted with `"`,
//! and then holds commas, line breaks and `""` (one quote). A quote inside an unquoted field, a
//! character after a closing quote, and a quote never closed are errors; after an error the
//! reader skips to the next line and carries on, so one pass reports every bad record. Empty
//! lines are skipped. Columns count characters, from 1.

use std::iter::Peekable;
use std::str::Chars;

/// One field and where it starts (its opening quote, when quoted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The value, unquoted.
    pub text: String,
    /// 1-based line of its first character.
    pub line: u32,
    /// 1-based column of its first character.
    pub column: u32,
}

/// One record: its fields and the line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// 1-based line the record starts on.
    pub line: u32,
    /// The fields, in order.
    pub fields: Vec<Field>,
}

/// A malformed record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvError {
    /// 1-based line of the mistake.
    pub line: u32,
    /// 1-based column of the mistake.
    pub column: u32,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Reads records from text, one at a time.
pub struct Reader<'a> {
    chars: Peekable<Chars<'a>>,
    line: u32,
    column: u32,
}

impl<'a> Reader<'a> {
    /// A reader over `text`; a leading UTF-8 byte-order mark is skipped.
    pub fn new(text: &'a str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Self {
            chars: text.chars().peekable(),
            line: 1,
            column: 1,
        }
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if c == '\n' || (c == '\r' && self.chars.peek() != Some(&'\n')) {
            self.line = self.line.saturating_add(1);
            self.column = 1;
        } else if c != '\r' {
            self.column = self.column.saturating_add(1);
        }
        Some(c)
    }

    /// Consumes a line break (CRLF, LF or CR) if one is next; true if one was.
    fn eat_line_break(&mut self) -> bool {
        match self.chars.peek() {
            Some('\r') => {
                self.bump();
                if self.chars.peek() == Some(&'\n') {
                    self.bump();
                }
                true
            }
            Some('\n') => {
                self.bump();
                true
            }
            _ => false,
        }
    }

    fn at_record_end(&mut self) -> bool {
        matches!(self.chars.peek(), None | Some('\r') | Some('\n'))
    }

    /// Skips the rest of the current line, after a mistake.
    fn skip_line(&mut self) {
        while !self.at_record_end() {
            self.bump();
        }
        self.eat_line_break();
    }

    fn error(&self, line: u32, column: u32, message: String) -> CsvError {
        CsvError {
            line,
            column,
            message,
        }
    }

    /// A quoted field; the opening quote is next.
    fn quoted(&mut self, line: u32, column: u32) -> Result<String, CsvError> {
        self.bump();
        let mut text = String::new();
        loop {
            match self.bump() {
                None => {
                    return Err(self.error(
                        line,
                        column,
                        "this quoted field is never closed: the file ends inside it; add the \
                         closing `\"` (a quote inside a value is written `\"\"`)"
                            .into(),
                    ));
                }
                Some('"') if self.chars.peek() == Some(&'"') => {
                    self.bump();
                    text.push('"');
                }
                Some('"') => return Ok(text),
                // A CR LF inside quotes is kept as one line break, as it was written.
                Some(c) => text.push(c),
            }
        }
    }

    /// The next record, or `None` at the end of the text.
    pub fn next_record(&mut self) -> Option<Result<Record, CsvError>> {
        while self.eat_line_break() {}
        self.chars.peek()?;
        let record_line = self.line;
        let mut fields = Vec::new();
        loop {
            let (line, column) = (self.line, self.column);
            let text = if self.chars.peek() == Some(&'"') {
                let text = match self.quoted(line, column) {
                    Ok(text) => text,
                    Err(error) => return Some(Err(error)),
                };
                if !self.at_record_end() && self.chars.peek() != Some(&',') {
                    let error = self.error(
                        self.line,
                        self.column,
                        "unexpected text after the closing quote of a field; quote the whole \
                         value, and write a quote inside it as `\"\"`"
                            .into(),
                    );
                    self.skip_line();
                    return Some(Err(error));
                }
                text
            } else {
                let mut text = String::new();
                while let Some(&c) = self.chars.peek() {
                    match c {
                        ',' | '\r' | '\n' => break,
                        '"' => {
                            let error = self.error(
                                self.line,
                                self.column,
                                "a quote inside an unquoted field; put the whole value in quotes \
                                 and double the quote: `\"say \"\"hi\"\"\"`"
                                    .into(),
                            );
                            self.skip_line();
                            return Some(Err(error));
                        }
                        _ => {
                            text.push(c);
                            self.bump();
                        }
                    }
                }
                text
            };
            fields.push(Field { text, line, column });
            if self.chars.peek() == Some(&',') {
                self.bump();
                continue;
            }
            self.eat_line_break();
            return Some(Ok(Record {
                line: record_line,
                fields,
            }));
        }
    }
}

impl Iterator for Reader<'_> {
    type Item = Result<Record, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(input: &str) -> Vec<Result<Vec<String>, (u32, u32)>> {
        Reader::new(input)
            .map(|record| {
                record
                    .map(|r| r.fields.into_iter().map(|f| f.text).collect())
                    .map_err(|e| (e.line, e.column))
            })
            .collect()
    }

    fn ok(fields: &[&str]) -> Result<Vec<String>, (u32, u32)> {
        Ok(fields.iter().map(|f| f.to_string()).collect())
    }

    #[test]
    fn reads_plain_records_with_any_line_ending() {
        assert_eq!(
            texts("a,b\r\nc,d\ne,f\rg,h"),
            vec![
                ok(&["a", "b"]),
                ok(&["c", "d"]),
                ok(&["e", "f"]),
                ok(&["g", "h"])
            ]
        );
    }

    #[test]
    fn empty_fields_and_trailing_comma_are_fields() {
        assert_eq!(texts("a,,b,\n"), vec![ok(&["a", "", "b", ""])]);
    }

    #[test]
    fn quoted_fields_hold_commas_quotes_and_line_breaks() {
        assert_eq!(
            texts("\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\"\nx"),
            vec![ok(&["a,b", "say \"hi\"", "two\r\nlines"]), ok(&["x"])]
        );
    }

    #[test]
    fn empty_lines_and_a_byte_order_mark_are_skipped() {
        assert_eq!(
            texts("\u{feff}a\n\n\r\nb\n\n"),
            vec![ok(&["a"]), ok(&["b"])]
        );
    }

    #[test]
    fn fields_know_their_line_and_column_in_characters() {
        let record = Reader::new("x\n\"q\nq\",é,z").nth(1).unwrap().unwrap();
        let places: Vec<_> = record.fields.iter().map(|f| (f.line, f.column)).collect();
        assert_eq!(record.line, 2);
        assert_eq!(places, vec![(2, 1), (3, 4), (3, 6)]);
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_reported_where_it_is_and_reading_goes_on() {
        let mut reader = Reader::new("ok\nab\"c,d\nnext");
        assert!(reader.next().unwrap().is_ok());
        let error = reader.next().unwrap().unwrap_err();
        assert_eq!((error.line, error.column), (2, 3));
        assert!(error.message.contains("a quote inside an unquoted field"));
        assert_eq!(
            reader.next().unwrap().unwrap().fields[0].text,
            "next".to_string()
        );
    }

    #[test]
    fn text_after_a_closing_quote_is_reported() {
        assert_eq!(texts("\"ab\"c,d\nx"), vec![Err((1, 5)), ok(&["x"])]);
    }

    #[test]
    fn an_unclosed_quote_is_reported_at_the_opening_quote() {
        let error = Reader::new("a,\"never\nclosed")
            .next()
            .unwrap()
            .unwrap_err();
        assert_eq!((error.line, error.column), (1, 3));
        assert!(error.message.contains("never closed"));
    }
}
