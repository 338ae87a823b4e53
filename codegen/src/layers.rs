//! The declared order of codegen's modules, and the test that their imports follow it: data
//! flows one way through the stages, so a module uses only modules listed before it.
//!
//! The test reads every `*.rs` file under `codegen/src/`, tokenizes it (proc-macro2's lexer, so
//! comments and string contents never count), and collects the modules each one names in a
//! path: `use` trees and paths in code that start at `crate::`, `super::`, `self::` or a child
//! module the file declares. Tokens inside `quote!` are the generated crate's paths, and
//! `#[cfg(test)]` items may reach anywhere, so neither counts. A file missing from [`LAYERS`]
//! fails too: a new module takes its place in the order (and in ARCHITECTURE.md's map).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::str::FromStr;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// codegen's modules in layers, the bottom first; a module may use any module listed before it
/// (in an earlier layer, or earlier in its own) and none after it. `""` is the crate root,
/// `lib.rs`; `emit` is `emit/mod.rs`.
pub const LAYERS: &[(&str, &[&str])] = &[
    (
        "text, names, the runtime's reserved names, and running work on every core",
        &[
            "json",
            "diagnostics",
            "names",
            "runtime",
            "template",
            "parallel",
        ],
    ),
    ("the spec format", &["spec", "decode"]),
    ("the resolved model", &["model"]),
    (
        "validate, phase by phase",
        &[
            "validate/names",
            "validate/checker",
            "validate/constraints",
            "validate/api",
            "validate/types",
            "validate/resources",
            "validate/content",
            "validate/operations",
            "validate/usage",
            "validate/routes",
            "validate/seam",
            "validate/services",
            "validate",
        ],
    ),
    (
        "backends over the model",
        &[
            "rules",
            "tables",
            "emit/docs",
            "emit/text",
            "emit/tokens",
            "emit/tables",
            "emit/paths",
            "emit/types",
            "emit/resources",
            "emit/api",
            "emit/operations",
            "emit/graph",
            "emit",
            "format",
            "routes",
            "openapi",
            "cli/words",
            "cli/tree",
            "cli/inputs",
            "cli/check",
            "cli/emit",
            "cli",
            "impact/change",
            "impact/surface",
            "impact/compare",
            "impact",
        ],
    ),
    ("entry points", &[""]),
    ("outside the pipeline: reading a spec folder", &["source"]),
    ("this check", &["layers"]),
];

/// Every `*.rs` file under `dir` as its module path (`validate/api`, `emit` for
/// `emit/mod.rs`, `""` for `lib.rs`) and its text.
fn modules(dir: &Path, prefix: &str, out: &mut BTreeMap<String, String>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .path();
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let joined = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        if path.is_dir() {
            modules(&path, &joined, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let module = match name.as_str() {
                "lib" if prefix.is_empty() => String::new(),
                "mod" => prefix.to_owned(),
                _ => joined,
            };
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            out.insert(module, text);
        }
    }
}

/// Every path the code of module `here` names, made absolute (`["validate", "checker",
/// "Checker"]` for `super::checker::Checker` in `validate/api`; `["validate", "api", "check"]`
/// for `api::check` in `validate`, which declares `mod api;`).
fn paths(tokens: TokenStream, here: &[String], out: &mut Vec<Vec<String>>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let children = declared_children(&tokens);
    let mut i = 0;
    while i < tokens.len() {
        // `#[cfg(test)] item`: skip the attribute and the item (to its `;` or body).
        if is_punct(&tokens[i], '#') && tokens.get(i + 1).is_some_and(is_cfg_test) {
            i += 2;
            while i < tokens.len() {
                let end = is_punct(&tokens[i], ';')
                    || matches!(&tokens[i], TokenTree::Group(g) if g.delimiter() == Delimiter::Brace);
                i += 1;
                if end {
                    break;
                }
            }
            continue;
        }
        // `quote! { … }`: the generated crate's paths, not ours.
        if matches!(&tokens[i], TokenTree::Ident(id) if id == "quote")
            && tokens.get(i + 1).is_some_and(|t| is_punct(t, '!'))
        {
            i += 3;
            continue;
        }
        // `mod name { … }`: an inline module, where `super` is this one.
        if let (TokenTree::Ident(kw), Some(TokenTree::Ident(name)), Some(TokenTree::Group(body))) =
            (&tokens[i], tokens.get(i + 1), tokens.get(i + 2))
            && kw == "mod"
            && body.delimiter() == Delimiter::Brace
        {
            let mut inner = here.to_vec();
            inner.push(name.to_string());
            paths(body.stream(), &inner, out);
            i += 3;
            continue;
        }
        let starts_path = i == 0 || !is_path_sep_end(&tokens[i - 1]);
        if let TokenTree::Ident(first) = &tokens[i] {
            let first = first.to_string();
            let anchored =
                matches!(first.as_str(), "crate" | "super" | "self") || children.contains(&first);
            if starts_path && anchored && is_path_sep(&tokens, i + 1) {
                let mut raw = Vec::new();
                i = use_tree(&tokens, i, Vec::new(), &mut raw);
                out.extend(raw.iter().filter_map(|path| absolute(here, path)));
                continue;
            }
        }
        if let TokenTree::Group(group) = &tokens[i] {
            paths(group.stream(), here, out);
        }
        i += 1;
    }
}

/// Reads the path (or use tree) starting at `tokens[i]` onto `prefix`, records every full path
/// it names, and returns the index after it.
fn use_tree(
    tokens: &[TokenTree],
    mut i: usize,
    mut prefix: Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    loop {
        match tokens.get(i) {
            Some(TokenTree::Ident(segment)) => {
                prefix.push(segment.to_string());
                i += 1;
            }
            Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                let mut j = 0;
                while j < inner.len() {
                    j = use_tree(&inner, j, prefix.clone(), out);
                    // Past `as alias` and up to the next `,`.
                    while j < inner.len() && !is_punct(&inner[j], ',') {
                        j += 1;
                    }
                    j += 1;
                }
                return i + 1;
            }
            _ => break,
        }
        if is_path_sep(tokens, i) {
            i += 2;
        } else {
            break;
        }
    }
    out.push(prefix);
    i
}

/// `[cfg(test)]`, the bracket group of a test-only attribute.
fn is_cfg_test(token: &TokenTree) -> bool {
    let TokenTree::Group(group) = token else {
        return false;
    };
    let inner: Vec<TokenTree> = group.stream().into_iter().collect();
    group.delimiter() == Delimiter::Bracket
        && matches!(inner.as_slice(), [TokenTree::Ident(cfg), TokenTree::Group(args)]
            if cfg == "cfg" && args.stream().to_string() == "test")
}

fn is_punct(token: &TokenTree, c: char) -> bool {
    matches!(token, TokenTree::Punct(p) if p.as_char() == c)
}

/// True when `tokens[i..]` starts with `::`.
fn is_path_sep(tokens: &[TokenTree], i: usize) -> bool {
    matches!(tokens.get(i), Some(TokenTree::Punct(p)) if p.as_char() == ':' && p.spacing() == Spacing::Joint)
        && tokens.get(i + 1).is_some_and(|t| is_punct(t, ':'))
}

/// True for the second `:` of a `::`, which makes the next identifier a path's inner segment.
fn is_path_sep_end(token: &TokenTree) -> bool {
    matches!(token, TokenTree::Punct(p) if p.as_char() == ':' && p.spacing() == Spacing::Alone)
}

/// The names of the `mod name;` declarations among `tokens`: child modules in files.
fn declared_children(tokens: &[TokenTree]) -> BTreeSet<String> {
    tokens
        .windows(3)
        .filter_map(|w| match (&w[0], &w[1], &w[2]) {
            (TokenTree::Ident(kw), TokenTree::Ident(name), TokenTree::Punct(semi))
                if kw == "mod" && semi.as_char() == ';' =>
            {
                Some(name.to_string())
            }
            _ => None,
        })
        .collect()
}

/// `path` as used in module `here`, from the crate root (`None` for a `super` above it).
fn absolute(here: &[String], path: &[String]) -> Option<Vec<String>> {
    let (mut base, mut rest) = match path.first().map(String::as_str) {
        Some("crate") => (Vec::new(), &path[1..]),
        Some("self") => (here.to_vec(), &path[1..]),
        _ => (here.to_vec(), path),
    };
    while rest.first().is_some_and(|s| s == "super") {
        base.pop()?;
        rest = &rest[1..];
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// The module an absolute path names: its longest prefix that is a file of the crate.
fn target(path: &[String], known: &BTreeMap<String, String>) -> Option<String> {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].join("/"))
        .find(|candidate| known.contains_key(candidate))
}

/// Each module's uses of other modules of the crate.
fn uses(known: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph = BTreeMap::new();
    for (module, text) in known {
        let tokens = TokenStream::from_str(text)
            .unwrap_or_else(|e| panic!("codegen/src/{module}: does not tokenize: {e:?}"));
        let here: Vec<String> = if module.is_empty() {
            Vec::new()
        } else {
            module.split('/').map(str::to_owned).collect()
        };
        let mut found = Vec::new();
        paths(tokens, &here, &mut found);
        let targets = found
            .iter()
            .filter_map(|path| target(path, known))
            .filter(|target| target != module)
            .collect();
        graph.insert(module.clone(), targets);
    }
    graph
}

fn shown(module: &str) -> String {
    if module.is_empty() {
        "lib".to_owned()
    } else {
        module.to_owned()
    }
}

fn crate_modules() -> BTreeMap<String, String> {
    let mut known = BTreeMap::new();
    modules(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        "",
        &mut known,
    );
    known
}

#[test]
fn every_module_uses_only_modules_below_it() {
    let known = crate_modules();
    let order: BTreeMap<&str, usize> = LAYERS
        .iter()
        .flat_map(|(_, modules)| modules.iter())
        .enumerate()
        .map(|(index, module)| (*module, index))
        .collect();
    let unplaced: Vec<String> = known
        .keys()
        .filter(|m| !order.contains_key(m.as_str()))
        .map(|m| shown(m))
        .collect();
    assert!(
        unplaced.is_empty(),
        "codegen/src modules not in layers::LAYERS: {unplaced:?}: give each its place in the order (and in ARCHITECTURE.md)"
    );
    let stale: Vec<&str> = order
        .keys()
        .filter(|m| !known.contains_key(**m))
        .copied()
        .collect();
    assert!(
        stale.is_empty(),
        "layers::LAYERS lists modules that are not files of codegen/src: {stale:?}"
    );
    let mut upward = Vec::new();
    for (module, targets) in uses(&known) {
        for target in targets {
            if order[target.as_str()] > order[module.as_str()] {
                upward.push(format!("{} uses {}", shown(&module), shown(&target)));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports against the layer order (a module may use only modules listed before it in layers::LAYERS):\n{}\nmove the shared piece below both, or reorder LAYERS if the order itself was wrong",
        upward.join("\n")
    );
}

#[test]
fn the_reader_finds_every_kind_of_use() {
    let text = r#"
        mod child;
        use crate::model::{self, Model, ParamModel as P};
        use super::checker::{Checker, spec_claim};
        use self::child::Thing;
        fn f() {
            let _ = crate::json::Pos { line: 1, column: 1 };
            child::call();
            let _ = quote! { crate::runtime::Nope };
        }
        pub mod inline {
            use super::super::names::Scope;
        }
        #[cfg(test)]
        mod tests {
            use crate::emit::Nope;
        }
    "#;
    let known: BTreeMap<String, String> = [
        "",
        "model",
        "json",
        "runtime",
        "emit",
        "validate",
        "validate/names",
        "validate/checker",
        "validate/api",
        "validate/api/child",
    ]
    .iter()
    .map(|m| ((*m).to_owned(), String::new()))
    .collect();
    let here = ["validate".to_owned(), "api".to_owned()];
    let mut found = Vec::new();
    paths(TokenStream::from_str(text).unwrap(), &here, &mut found);
    let targets: BTreeSet<String> = found
        .iter()
        .filter_map(|path| target(path, &known))
        .collect();
    let expected: BTreeSet<String> = [
        "model",
        "validate/checker",
        "validate/api/child",
        "json",
        "validate/names",
    ]
    .iter()
    .map(|m| (*m).to_owned())
    .collect();
    assert_eq!(targets, expected);
}
