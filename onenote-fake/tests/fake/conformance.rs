//! `CONFORMANCE.md` cannot rot: every test it names exists, every rule and every invented
//! behaviour names at least one test, every statement the fake does not follow says why, and
//! the rules cover every row (1–26) of the documents' inventory.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What a table of `CONFORMANCE.md` holds.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Table {
    /// `## 000: …` to `## 003: …`: rule, section, sentence, inventory rows, tests.
    Rules,
    /// What the fake invents: choice, what, why, tests.
    Invented,
    /// What the fake does not do: statement, what, why, kind.
    NotDone,
}

/// One table row: its table, its line, its cells.
struct Row {
    table: Table,
    line: usize,
    cells: Vec<String>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rows() -> Vec<Row> {
    let text = std::fs::read_to_string(root().join("CONFORMANCE.md")).expect("CONFORMANCE.md");
    let mut table = None;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(heading) = line.strip_prefix("## ") {
            table = if heading.starts_with("What the fake invents") {
                Some(Table::Invented)
            } else if heading.starts_with("What the documents say that the fake does not do") {
                Some(Table::NotDone)
            } else if heading.starts_with("00") {
                Some(Table::Rules)
            } else {
                None
            };
            continue;
        }
        let (Some(table), Some(inner)) = (table, line.strip_prefix('|')) else {
            continue;
        };
        // `\|` is a bar inside a cell.
        let cells: Vec<String> = inner
            .replace("\\|", "\u{0}")
            .split('|')
            .map(|cell| cell.trim().replace('\u{0}', "|"))
            .collect();
        let first = cells.first().map(String::as_str).unwrap_or_default();
        if first.is_empty()
            || first.starts_with("---")
            || first == "Rule"
            || first == "Choice"
            || first == "Statement"
        {
            continue;
        }
        rows.push(Row {
            table,
            line: i + 1,
            cells,
        });
    }
    rows
}

/// The `module::test` names in backticks in a cell.
fn tests_in(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .filter(|name| {
            name.contains("::")
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == ':')
        })
        .map(str::to_owned)
        .collect()
}

/// Whether `fn {test}(` is in the file the path names: `tests/fake/{module}.rs` for
/// `module::test`, `src/{a}/{b}.rs` for a unit test `a::b::tests::test`.
fn exists(path: &str) -> Result<(), String> {
    let segments: Vec<&str> = path.split("::").collect();
    let (name, modules) = segments.split_last().ok_or("empty")?;
    let file = match modules {
        [module] => root().join("tests/fake").join(format!("{module}.rs")),
        [inner @ .., "tests"] if !inner.is_empty() => {
            let mut file = root().join("src");
            for module in inner {
                file.push(module);
            }
            file.set_extension("rs");
            file
        }
        _ => {
            return Err(format!(
                "`{path}` is neither `module::test` nor `path::tests::test`"
            ));
        }
    };
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("`{path}`: cannot read {}: {e}", shown(&file)))?;
    if text.contains(&format!("fn {name}(")) {
        Ok(())
    } else {
        Err(format!("`{path}`: no `fn {name}(` in {}", shown(&file)))
    }
}

fn shown(file: &Path) -> String {
    file.strip_prefix(root())
        .unwrap_or(file)
        .display()
        .to_string()
}

/// The inventory rows a cell names: `1`, `6, 7`, `1–15`, `all`.
fn inventory(cell: &str) -> Result<BTreeSet<u32>, String> {
    let mut rows = BTreeSet::new();
    for part in cell.split(',').map(str::trim) {
        if part == "all" {
            rows.extend(1..=26);
        } else if let Some((from, to)) = part.split_once('–') {
            let (from, to): (u32, u32) = (
                from.trim().parse().map_err(|_| format!("{part:?}"))?,
                to.trim().parse().map_err(|_| format!("{part:?}"))?,
            );
            rows.extend(from..=to);
        } else {
            rows.insert(part.parse().map_err(|_| format!("{part:?} is not a row"))?);
        }
    }
    Ok(rows)
}

#[test]
fn every_rule_and_choice_in_conformance_md_names_tests_that_exist() {
    let rows = rows();
    assert!(rows.iter().filter(|r| r.table == Table::Rules).count() >= 70);
    let mut problems = Vec::new();
    let mut covered = BTreeSet::new();
    for row in &rows {
        let at = format!("CONFORMANCE.md:{}: {}", row.line, row.cells[0]);
        let tests_cell = match row.table {
            Table::Rules => row.cells.get(4),
            Table::Invented => row.cells.get(3),
            Table::NotDone => None,
        };
        if row.table == Table::Rules {
            match row.cells.get(3).map(|cell| inventory(cell)) {
                Some(Ok(rows)) => covered.extend(rows),
                Some(Err(e)) => problems.push(format!("{at}: inventory {e}")),
                None => problems.push(format!("{at}: no inventory column")),
            }
        }
        if row.table != Table::Rules && row.cells.get(2).is_none_or(|why| why.len() < 20) {
            problems.push(format!("{at}: say why"));
        }
        if let Some(cell) = tests_cell {
            let tests = tests_in(cell);
            if tests.is_empty() {
                problems.push(format!("{at}: names no test"));
            }
            problems.extend(
                tests
                    .iter()
                    .filter_map(|t| exists(t).err())
                    .map(|e| format!("{at}: {e}")),
            );
        } else if row.table != Table::NotDone {
            problems.push(format!("{at}: no tests column"));
        }
    }
    let missing: Vec<u32> = (1..=26).filter(|n| !covered.contains(n)).collect();
    if !missing.is_empty() {
        problems.push(format!("no rule covers the inventory rows {missing:?}"));
    }
    assert!(
        problems.is_empty(),
        "CONFORMANCE.md is out of date (fix the table or the test names):\n{}",
        problems.join("\n")
    );
}
