//! Fuzz target `spec_edits`: the whole spec pipeline on structure-aware mutations of the
//! every-construct fixture.
//!
//! The input is a script of edits applied to the parsed trees of
//! `tests/fixtures/constructs/*.json` (keys in their order, duplicates kept), which are then
//! written back as JSON and run through the pipeline ([`pipeline::check_sources`]). Each edit is
//! an opcode byte, a file byte and a node index (two bytes, over the file's nodes in document
//! order), then its operands:
//!
//! | opcode % 8 | edit |
//! |---|---|
//! | 0 | replace the node with a value from a palette of JSON values and the specs' own strings |
//! | 1 | delete the node from its object or array |
//! | 2 | rename the node's key to another key the specs use, or a near miss of it |
//! | 3 | duplicate the node next to itself (same key, or the key with a suffix) |
//! | 4 | change a type reference (`type`, `body`, `response`, `mountedAt`) to another type |
//! | 5 | copy another node (any file) over this one |
//! | 6 | insert a member (a known key, a palette value) into an object |
//! | 7 | insert, delete or cut characters of a string (paths, names, calls) |
//!
//! The fixture, not the real spec, is what the edits start from: it uses every construct of
//! the format in 11 operations and 9 KB, where the real spec repeats the same constructs over
//! 45 operations and 69 KB, so an edit of it costs about seven times as much for the same
//! reach. The palettes hold the real spec's keys, strings and type names too, and the real
//! spec itself is a seed of `spec_bytes`.
//!
//! The empty script is the fixture, which generates; the fuzzer mutates scripts, and every
//! script decodes to some list of edits.

use std::fmt::Write as _;
use std::sync::OnceLock;

use codegen::SpecSource;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{Input, pipeline};

/// Most edits one input applies (a longer script is cut), so every run stays fast.
const MAX_EDITS: usize = 32;

/// Checks one input: see the module docs.
pub fn check(data: &[u8]) {
    pipeline::check_sources(data, &sources(data));
}

/// The spec files after applying the input's edits to the fixture.
pub fn sources(data: &[u8]) -> Vec<SpecSource> {
    let base = base();
    let mut files: Vec<Tree> = base.files.iter().map(|(_, tree)| tree.clone()).collect();
    let mut input = Input::new(data);
    for _ in 0..MAX_EDITS {
        if apply_one(&mut input, &mut files, base).is_none() {
            break;
        }
    }
    base.files
        .iter()
        .zip(&files)
        .map(|((path, _), tree)| {
            let mut text = String::new();
            tree.write(&mut text, 0);
            text.push('\n');
            SpecSource {
                path: path.clone(),
                text,
            }
        })
        .collect()
}

/// A JSON value that keeps object members in order, duplicates included.
#[derive(Clone, Debug, PartialEq)]
enum Tree {
    Null,
    Bool(bool),
    /// As written back (serde gives integers exactly and floats in shortest form).
    Number(String),
    String(String),
    Array(Vec<Tree>),
    Object(Vec<(String, Tree)>),
}

/// The fixture, parsed once, and the palettes edits draw from.
struct Base {
    files: Vec<(String, Tree)>,
    /// Every key the fixture and the real spec use, then a few strangers.
    keys: Vec<String>,
    /// Every string value in the fixture and the real spec.
    strings: Vec<String>,
    /// Every declared type name and type reference of both, plain and with `[]`, then strangers.
    types: Vec<String>,
    /// JSON values of every kind, including the awkward ones.
    values: Vec<Tree>,
}

fn base() -> &'static Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    BASE.get_or_init(|| {
        let files = parsed("tests/fixtures/constructs");
        let mut keys = Vec::new();
        let mut strings = Vec::new();
        let mut types = Vec::new();
        for (_, tree) in files.iter().chain(&parsed("spec")) {
            tree.collect(None, &mut keys, &mut strings, &mut types);
        }
        keys.extend(["", "Type", "type ", "é", "$ref", "x"].map(String::from));
        let declared: Vec<String> = types.clone();
        for name in declared {
            types.push(format!("{name}[]"));
        }
        types.extend(["", "Nope", "string[][]", "[]", "Principal ", "principal"].map(String::from));
        for list in [&mut keys, &mut strings, &mut types] {
            dedup_keeping_order(list);
        }
        let values = serde_json::from_str::<Vec<Tree>>(VALUES)
            .unwrap_or_else(|e| panic!("the value palette does not parse: {e}"));
        Base {
            files,
            keys,
            strings,
            types,
            values,
        }
    })
}

/// The spec files of a folder as trees.
fn parsed(folder: &str) -> Vec<(String, Tree)> {
    crate::spec_files::read_spec(folder)
        .into_iter()
        .map(|source| {
            let tree = serde_json::from_str(&source.text)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", source.path));
            (source.path, tree)
        })
        .collect()
}

/// Values an edit can put anywhere: every JSON kind, numbers at the edges, statuses, methods,
/// path shapes and names near the real ones.
const VALUES: &str = r##"[
    null, true, false, 0, 1, -1, 200, 201, 202, 204, 299, 302, 404, 1.5, -0.0, 1e300,
    18446744073709551615, -9223372036854775808, "", " ", "x", "é", "{", "}", "{id}", "/",
    "a/{b}/c", "..", "?", "#", "%", "GET", "POST", "PATCH", "DELETE", "PUT", "string",
    "version", "notes", "async", "sync", "filter", "expand", "self", "type", "Client",
    [], [null], [""], ["x", "x"], {}, {"x": null}, {"doc": ""}, {"doc": "x", "type": "string"}
]"##;

fn dedup_keeping_order(list: &mut Vec<String>) {
    let mut seen = std::collections::BTreeSet::new();
    list.retain(|item| seen.insert(item.clone()));
}

/// Characters edit 7 inserts: the ones paths, names and templates care about.
const CHARS: &[char] = &[
    '{', '}', '/', '.', '?', '#', '%', ' ', '-', '_', '[', ']', '\'', '"', '\\', 'é', 'A', 'z',
    '0', '\n', '\u{0}',
];

/// Applies the next edit of the script; `None` when the script is used up.
fn apply_one(input: &mut Input<'_>, files: &mut [Tree], base: &Base) -> Option<()> {
    let opcode = input.byte()? % 8;
    let file = usize::from(input.byte()?) % files.len();
    let paths = files[file].paths();
    let path = paths[input.index(paths.len())?].clone();
    match opcode {
        0 => {
            let value = palette_value(input, base)?;
            *files[file].at_mut(&path)? = value;
        }
        1 => {
            let (last, parent) = path.split_last()?;
            files[file].at_mut(parent)?.remove(*last);
        }
        2 => {
            let (last, parent) = path.split_last()?;
            let key = near_key(input, base)?;
            if let Tree::Object(members) = files[file].at_mut(parent)? {
                members.get_mut(*last)?.0 = key;
            }
        }
        3 => {
            let (last, parent) = path.split_last()?;
            let suffix = input.byte()? % 2 == 1;
            match files[file].at_mut(parent)? {
                Tree::Object(members) => {
                    let (key, value) = members.get(*last)?.clone();
                    let key = if suffix { format!("{key}2") } else { key };
                    members.insert(*last + 1, (key, value));
                }
                Tree::Array(items) => {
                    let item = items.get(*last)?.clone();
                    items.insert(*last + 1, item);
                }
                _ => {}
            }
        }
        4 => {
            let references = files[file].type_references();
            let target = references.get(input.index(references.len())?)?.clone();
            let name = base.types.get(input.index(base.types.len())?)?.clone();
            *files[file].at_mut(&target)? = Tree::String(name);
        }
        5 => {
            let from = usize::from(input.byte()?) % files.len();
            let sources = files[from].paths();
            let source = files[from]
                .at(&sources[input.index(sources.len())?])?
                .clone();
            *files[file].at_mut(&path)? = source;
        }
        6 => {
            let key = near_key(input, base)?;
            let value = palette_value(input, base)?;
            if let Tree::Object(members) = files[file].at_mut(&path)? {
                let at = usize::from(input.byte()?) % (members.len() + 1);
                members.insert(at, (key, value));
            }
        }
        _ => {
            let how = input.byte()?;
            let where_ = usize::from(input.byte()?);
            if let Tree::String(text) = files[file].at_mut(&path)? {
                let mut chars: Vec<char> = text.chars().collect();
                let at = where_ % (chars.len() + 1);
                match how % 3 {
                    0 => chars.insert(at, CHARS[usize::from(how / 3) % CHARS.len()]),
                    1 if at < chars.len() => {
                        chars.remove(at);
                    }
                    _ => chars.truncate(at),
                }
                *text = chars.into_iter().collect();
            }
        }
    }
    Some(())
}

/// A value from the palette, a string of the spec, or a short string from the input.
fn palette_value(input: &mut Input<'_>, base: &Base) -> Option<Tree> {
    Some(match input.byte()? % 3 {
        0 => base.values[input.index(base.values.len())?].clone(),
        1 => Tree::String(base.strings.get(input.index(base.strings.len())?)?.clone()),
        _ => Tree::String(String::from_utf8_lossy(input.bytes(16)).into_owned()),
    })
}

/// A key the spec uses, or a near miss of one (another case, a suffix, a cut).
fn near_key(input: &mut Input<'_>, base: &Base) -> Option<String> {
    let key = base.keys.get(input.index(base.keys.len())?)?.clone();
    Some(match input.byte()? % 4 {
        0 => key,
        1 => key.to_uppercase(),
        2 => format!("{key}s"),
        _ => key.chars().skip(1).collect(),
    })
}

impl Tree {
    /// Every node's address (child indices from the root), in document order, root first.
    fn paths(&self) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        self.walk(&mut Vec::new(), &mut |path, _, _| out.push(path.to_vec()));
        out
    }

    /// The addresses of string nodes that name a type: values of `type`, `body` and
    /// `response`, and the items of `mountedAt`.
    fn type_references(&self) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        self.walk(&mut Vec::new(), &mut |path, key, node| {
            if matches!(node, Tree::String(_))
                && matches!(key, Some("type" | "body" | "response" | "mountedAt"))
            {
                out.push(path.to_vec());
            }
        });
        out
    }

    /// Calls `visit(path, key of the nearest member, node)` for every node.
    fn walk<'t>(
        &'t self,
        path: &mut Vec<usize>,
        visit: &mut impl FnMut(&[usize], Option<&'t str>, &'t Tree),
    ) {
        self.walk_under(None, path, visit);
    }

    fn walk_under<'t>(
        &'t self,
        key: Option<&'t str>,
        path: &mut Vec<usize>,
        visit: &mut impl FnMut(&[usize], Option<&'t str>, &'t Tree),
    ) {
        visit(path, key, self);
        match self {
            Tree::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    path.push(index);
                    item.walk_under(key, path, visit);
                    path.pop();
                }
            }
            Tree::Object(members) => {
                for (index, (key, value)) in members.iter().enumerate() {
                    path.push(index);
                    value.walk_under(Some(key), path, visit);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    fn child(&self, index: usize) -> Option<&Tree> {
        match self {
            Tree::Array(items) => items.get(index),
            Tree::Object(members) => members.get(index).map(|(_, value)| value),
            _ => None,
        }
    }

    fn child_mut(&mut self, index: usize) -> Option<&mut Tree> {
        match self {
            Tree::Array(items) => items.get_mut(index),
            Tree::Object(members) => members.get_mut(index).map(|(_, value)| value),
            _ => None,
        }
    }

    fn at(&self, path: &[usize]) -> Option<&Tree> {
        path.iter().try_fold(self, |node, &index| node.child(index))
    }

    fn at_mut(&mut self, path: &[usize]) -> Option<&mut Tree> {
        path.iter()
            .try_fold(self, |node, &index| node.child_mut(index))
    }

    fn remove(&mut self, index: usize) {
        match self {
            Tree::Array(items) if index < items.len() => {
                items.remove(index);
            }
            Tree::Object(members) if index < members.len() => {
                members.remove(index);
            }
            _ => {}
        }
    }

    /// Gathers the palettes: keys, string values, and type names (declared under `types`, or
    /// referenced from `type`, `body`, `response`, `mountedAt`).
    fn collect(
        &self,
        key: Option<&str>,
        keys: &mut Vec<String>,
        strings: &mut Vec<String>,
        types: &mut Vec<String>,
    ) {
        match self {
            Tree::String(text) => {
                strings.push(text.clone());
                if matches!(key, Some("type" | "body" | "response" | "mountedAt")) {
                    types.push(text.clone());
                }
            }
            Tree::Array(items) => {
                for item in items {
                    item.collect(key, keys, strings, types);
                }
            }
            Tree::Object(members) => {
                for (name, value) in members {
                    keys.push(name.clone());
                    if key == Some("types") {
                        types.push(name.clone());
                    }
                    value.collect(Some(name), keys, strings, types);
                }
            }
            Tree::Null | Tree::Bool(_) | Tree::Number(_) => {}
        }
    }

    /// Writes the tree as JSON indented by two spaces, members in order.
    fn write(&self, out: &mut String, depth: usize) {
        let newline = |out: &mut String, depth: usize| {
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
        };
        match self {
            Tree::Null => out.push_str("null"),
            Tree::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            Tree::Number(text) => out.push_str(text),
            Tree::String(text) => write_string(out, text),
            Tree::Array(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    item.write(out, depth + 1);
                }
                if !items.is_empty() {
                    newline(out, depth);
                }
                out.push(']');
            }
            Tree::Object(members) => {
                out.push('{');
                for (index, (key, value)) in members.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    write_string(out, key);
                    out.push_str(": ");
                    value.write(out, depth + 1);
                }
                if !members.is_empty() {
                    newline(out, depth);
                }
                out.push('}');
            }
        }
    }
}

/// A JSON string literal (control characters escaped, everything else as is).
fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Tree, D::Error> {
        deserializer.deserialize_any(TreeVisitor)
    }
}

/// Builds a [`Tree`] from serde's events, so object members keep their order and duplicates.
struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Tree;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Tree, E> {
        Ok(Tree::Null)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Tree, E> {
        Ok(Tree::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Tree, E> {
        Ok(Tree::Number(value.to_string()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Tree, E> {
        Ok(Tree::Number(value.to_string()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Tree, E> {
        Ok(Tree::Number(
            serde_json::Number::from_f64(value).map_or_else(|| "0".to_owned(), |n| n.to_string()),
        ))
    }

    fn visit_str<E>(self, value: &str) -> Result<Tree, E> {
        Ok(Tree::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Tree, E> {
        Ok(Tree::String(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Tree::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
        let mut members = Vec::new();
        while let Some(member) = map.next_entry::<String, Tree>()? {
            members.push(member);
        }
        Ok(Tree::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_script_is_the_fixture_and_generates() {
        let sources = sources(&[]);
        assert_eq!(
            sources.iter().map(|s| s.path.as_str()).collect::<Vec<_>>(),
            crate::spec_files::read_spec("tests/fixtures/constructs")
                .iter()
                .map(|s| s.path.clone())
                .collect::<Vec<_>>()
        );
        let rewritten = codegen::generate(&sources).unwrap_or_else(|e| panic!("{e}"));
        let fixture = codegen::generate(&crate::spec_files::read_spec("tests/fixtures/constructs"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rewritten, fixture);
    }

    #[test]
    fn a_delete_edit_removes_the_addressed_member() {
        // Opcode 1 (delete) in file 0 (the fixture's api.json), node 1: its first member, `$schema`.
        let edited = sources(&[1, 0, 0, 1]);
        assert!(!edited[0].text.contains("$schema"), "{}", edited[0].text);
        assert!(edited[0].text.contains("\"api\""));
    }

    #[test]
    fn the_edit_a_path_seed_puts_a_brace_into_a_path() {
        // Opcode 7 in file 1 (lessons.json), node 112 (`lessons/{lessonId}`), insert `{` at 5.
        let seed = std::fs::read(
            crate::spec_files::workspace().join("fuzz/corpus/spec_edits/edit-a-path"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(sources(&seed)[1].text.contains("\"lesso{ns/{lessonId}\""));
    }

    #[test]
    fn every_script_decodes_to_some_edits() {
        for script in [&[0xFF; 3][..], &[7, 200, 255, 255, 9, 9], &[3; 64]] {
            assert_eq!(sources(script).len(), base().files.len());
        }
    }
}
