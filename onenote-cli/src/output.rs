//! Answers for people and for scripts: a table of the useful columns on a terminal, JSON
//! (one object per line) otherwise or with `--output json`.

use std::io::{self, IsTerminal, Write};

use serde_json::Value;

/// How answers are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Table,
    Json,
}

impl Format {
    /// `--output` if given, else a table on a terminal and JSON otherwise.
    pub(crate) fn choose(flag: Option<&str>) -> Format {
        match flag {
            Some("json") => Format::Json,
            Some(_) => Format::Table,
            None if io::stdout().is_terminal() => Format::Table,
            None => Format::Json,
        }
    }
}

/// The widest cell before it is cut with `…`.
const MAX_CELL: usize = 48;

/// The width a table may take: the terminal's, else `COLUMNS`, else 120.
fn width() -> usize {
    let terminal = io::stdout()
        .is_terminal()
        .then(|| console::Term::stdout().size_checked())
        .flatten()
        .map(|(_, columns)| usize::from(columns));
    terminal
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        .unwrap_or(120)
        .max(20)
}

/// Writes one line of JSON per value.
pub(crate) fn json_lines(out: &mut impl Write, values: &[Value]) -> io::Result<()> {
    for value in values {
        serde_json::to_writer(&mut *out, value)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The text of one cell: strings as they are, numbers and booleans as JSON, nothing for null;
/// cut at [`MAX_CELL`] characters.
fn cell(value: Option<&Value>) -> String {
    cut(whole(value))
}

/// The text of one cell, whole.
fn whole(value: Option<&Value>) -> String {
    let text = match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    };
    text.replace(['\n', '\r', '\t'], " ")
}

fn cut(text: String) -> String {
    if text.chars().count() > MAX_CELL {
        let cut: String = text.chars().take(MAX_CELL - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}

fn is_url(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| s.starts_with("https://") || s.starts_with("http://"))
}

/// A table of `items` under `columns` (wire names), left-aligned: only columns that hold a
/// value somewhere and are not all links, and as many as fit the width, from the left.
/// Items that are not objects (a list of strings) are printed one per line.
pub(crate) fn table(out: &mut impl Write, items: &[Value], columns: &[&str]) -> io::Result<()> {
    if columns.is_empty() || items.iter().any(|item| !item.is_object()) {
        for item in items {
            writeln!(out, "{}", cell(Some(item)))?;
        }
        return Ok(());
    }
    let shown: Vec<&str> = columns
        .iter()
        .copied()
        .filter(|column| {
            let values: Vec<&Value> = items
                .iter()
                .filter_map(|item| item.get(*column))
                .filter(|v| !v.is_null())
                .collect();
            !values.is_empty() && !values.iter().all(|v| is_url(v))
        })
        .collect();
    // The first column (the id) is never cut: it is what the next command takes.
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|item| {
            shown
                .iter()
                .enumerate()
                .map(|(index, c)| match index {
                    0 => whole(item.get(*c)),
                    _ => cell(item.get(*c)),
                })
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = shown.iter().map(|c| c.chars().count()).collect();
    for row in &rows {
        for (width, text) in widths.iter_mut().zip(row) {
            *width = (*width).max(text.chars().count());
        }
    }
    // Keep the columns that fit, from the left (at least one).
    let limit = width();
    let mut used = 0;
    let keep = widths
        .iter()
        .take_while(|w| {
            used += **w + 2;
            used <= limit + 2
        })
        .count()
        .max(1)
        .min(shown.len());
    let line = |cells: Vec<&str>| {
        let mut text = String::new();
        for (index, cell) in cells.iter().enumerate().take(keep) {
            if index + 1 == keep {
                text.push_str(cell);
            } else {
                let pad = widths[index].saturating_sub(cell.chars().count());
                text.push_str(cell);
                text.push_str(&" ".repeat(pad + 2));
            }
        }
        text
    };
    writeln!(out, "{}", line(shown.clone()))?;
    for row in &rows {
        writeln!(out, "{}", line(row.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}

/// One object as `field  value` lines, in the columns' order, skipping empty fields.
pub(crate) fn record(out: &mut impl Write, item: &Value, columns: &[&str]) -> io::Result<()> {
    if columns.is_empty() || !item.is_object() {
        return writeln!(out, "{}", cell(Some(item)));
    }
    let present: Vec<&str> = columns
        .iter()
        .copied()
        .filter(|c| item.get(*c).is_some_and(|v| !v.is_null() && !is_url(v)))
        .collect();
    // Headings are the wire names (`lastModifiedTime`), as `--select` names them.
    let width = present.iter().map(|c| c.len()).max().unwrap_or(0);
    for column in present {
        writeln!(out, "{column:width$}  {}", cell(item.get(column)))?;
    }
    Ok(())
}
