//! Code written as text, already laid out, for pieces of a fixed form (the schema tables, the
//! command tree, the models): one entry to a line, a level of indent per open bracket, and a
//! list on one line unless that passes [`WIDTH`], then an item a line. Such pieces skip syn
//! and prettyplease, whose cost grows with every token.

use super::docs;

/// The columns a line may take before a list in it is broken a line an item (rustfmt's
/// default).
pub const WIDTH: usize = 100;

/// Laid-out lines: each at the current depth, four spaces a level.
#[derive(Default)]
pub struct Lines {
    text: String,
    depth: usize,
}

impl Lines {
    /// One line at the current depth.
    pub fn line(&mut self, line: &str) {
        for _ in 0..self.depth {
            self.text.push_str("    ");
        }
        self.text.push_str(line);
        self.text.push('\n');
    }

    /// A line that opens a bracket: what follows is a level deeper.
    pub fn open(&mut self, line: &str) {
        self.line(line);
        self.depth += 1;
    }

    /// A line that closes the innermost open bracket.
    pub fn close(&mut self, line: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.line(line);
    }

    /// Lines a level deeper that do not open a bracket: a method chain's calls.
    pub fn indented(&mut self, lines: impl FnOnce(&mut Lines)) {
        self.depth += 1;
        lines(self);
        self.depth -= 1;
    }

    /// `head` with `list`'s items a line (or block) each between `[` and `]`, `[]` when it is
    /// empty; `tail` follows the closing bracket.
    pub fn list<T>(
        &mut self,
        head: &str,
        list: &[T],
        tail: &str,
        mut item: impl FnMut(&T, &mut Lines),
    ) {
        if list.is_empty() {
            self.line(&format!("{head}[]{tail}"));
            return;
        }
        self.open(&format!("{head}["));
        for entry in list {
            item(entry, self);
        }
        self.close(&format!("]{tail}"));
    }

    /// A doc block (`///` lines) of `text`, as `docs` writes one; nothing for empty text.
    pub fn doc(&mut self, text: &str) {
        for line in docs::lines(text) {
            let line = format!("///{}", docs::doc_value(line).trim_end_matches(' '));
            self.line(&line);
        }
    }

    /// `head(a, b)tail`, or the items a line each when that passes the width; the last item
    /// has a comma after it when broken if `trailing` (a parameter list, not an attribute).
    pub fn parens(&mut self, head: &str, items: &[String], tail: &str, trailing: bool) {
        self.delimited(head, ["(", ")"], "", items, tail, trailing);
    }

    /// `head { a, b }tail` (a struct literal), or the items a line each when that passes the
    /// width.
    pub fn braces(&mut self, head: &str, items: &[String], tail: &str) {
        self.delimited(head, [" {", "}"], " ", items, tail, true);
    }

    /// `head[a, b]tail` (an array), or the items a line each when that passes the width.
    pub fn brackets(&mut self, head: &str, items: &[String], tail: &str) {
        self.delimited(head, ["[", "]"], "", items, tail, true);
    }

    /// `items` between `open` and `close` (with `pad` inside them) on one line, or a line
    /// each, comma after, when that passes the width (the last without one unless
    /// `trailing`).
    fn delimited(
        &mut self,
        head: &str,
        [open, close]: [&str; 2],
        pad: &str,
        items: &[String],
        tail: &str,
        trailing: bool,
    ) {
        let one_line = match items.is_empty() {
            true => format!("{head}{open}{close}{tail}"),
            false => format!("{head}{open}{pad}{}{pad}{close}{tail}", items.join(", ")),
        };
        if self.fits(&one_line) {
            return self.line(&one_line);
        }
        self.open(&format!("{head}{open}"));
        for (index, item) in items.iter().enumerate() {
            match trailing || index + 1 < items.len() {
                true => self.line(&format!("{item},")),
                false => self.line(item),
            }
        }
        self.close(&format!("{close}{tail}"));
    }

    /// Whether `line` fits in [`WIDTH`] columns at the current depth.
    fn fits(&self, line: &str) -> bool {
        self.depth * 4 + line.chars().count() <= WIDTH
    }

    /// The text written.
    pub fn into_text(self) -> String {
        self.text
    }
}

/// A Rust string literal of `text`: `{:?}` escapes exactly what a literal must.
pub fn string(text: &str) -> String {
    format!("{text:?}")
}

/// `&["a", "b"]`.
pub fn strings(values: &[String]) -> String {
    let values: Vec<String> = values.iter().map(|value| string(value)).collect();
    format!("&[{}]", values.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_lists_indent_a_level_per_bracket() {
        let mut out = Lines::default();
        out.list(
            "static A: &[&[u8]] = &",
            &[vec![1], vec![]],
            ";",
            |row, out| {
                out.list("&", row, ",", |n, out| out.line(&format!("{n},")));
            },
        );
        assert_eq!(
            out.into_text(),
            "static A: &[&[u8]] = &[\n    &[\n        1,\n    ],\n    &[],\n];\n"
        );
    }

    #[test]
    fn a_list_breaks_an_item_a_line_only_past_the_width() {
        let mut out = Lines::default();
        out.braces("Self", &["a".to_owned(), "b".to_owned()], "");
        out.braces("Self", &[], ";");
        let long = "x".repeat(60);
        out.parens("#[serde", &[long.clone(), long.clone()], "]", false);
        out.parens("fn f", &[long.clone(), long.clone()], " {", true);
        assert_eq!(
            out.into_text(),
            format!(
                "Self {{ a, b }}\nSelf {{}};\n#[serde(\n    {long},\n    {long}\n)]\nfn f(\n    {long},\n    {long},\n) {{\n"
            )
        );
    }

    #[test]
    fn strings_are_rust_literals() {
        assert_eq!(string("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
        assert_eq!(strings(&["x".to_owned(), "y".to_owned()]), r#"&["x", "y"]"#);
    }
}
