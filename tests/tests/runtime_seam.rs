//! The seam between generator and runtime cannot drift: the names `codegen/src/runtime.rs`
//! reserves are exactly the names the runtime's sources define (methods of `Client`, of the
//! handles and of the request builders, the crate root's items and modules), and every
//! generated name the runtime uses is one the list says it requires.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use codegen::runtime::{self, Reserved, requires};
use proc_macro2::{TokenStream, TokenTree};
use syn::{ImplItem, Item, UseTree};
use tests::spec_files::workspace;

/// The runtime's hand-written files, as `(path from the workspace root, parsed file)`.
fn runtime_files() -> Vec<(String, syn::File)> {
    let dir = workspace().join("onenote-api/src");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".rs"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let path = format!("onenote-api/src/{name}");
            let text = fs::read_to_string(workspace().join(&path)).unwrap_or_default();
            let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
            (path, file)
        })
        .collect()
}

/// `#[cfg(test)]` items are not part of the runtime generated code meets.
fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .meta
                .require_list()
                .is_ok_and(|list| list.tokens.to_string() == "test")
    })
}

/// The last segment of an impl's self type (`Client`, `Notes`, `Request`).
fn self_type(item: &syn::ItemImpl) -> Option<String> {
    match &*item.self_ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Method names per self type, with the file defining each; derives count (`Clone` → `clone`).
fn methods() -> BTreeMap<String, BTreeMap<String, String>> {
    let mut found: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (path, file) in runtime_files() {
        for item in &file.items {
            match item {
                Item::Impl(item) if !is_test_only(&item.attrs) => {
                    let Some(owner) = self_type(item) else {
                        continue;
                    };
                    for member in &item.items {
                        if let ImplItem::Fn(method) = member {
                            found
                                .entry(owner.clone())
                                .or_default()
                                .insert(method.sig.ident.to_string(), path.clone());
                        }
                    }
                }
                Item::Struct(item) => {
                    for attr in item.attrs.iter().filter(|a| a.path().is_ident("derive")) {
                        let derives = attr
                            .meta
                            .require_list()
                            .map(|l| l.tokens.to_string())
                            .unwrap_or_default();
                        for (derive, method) in [("Clone", "clone"), ("Debug", "fmt")] {
                            if derives.split(',').any(|d| d.trim() == derive) {
                                found
                                    .entry(item.ident.to_string())
                                    .or_default()
                                    .insert(method.to_owned(), path.clone());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    found
}

/// Compares what the runtime defines with what the list reserves, both ways.
fn compare(
    what: &str,
    qualifier: &str,
    list: &str,
    defined: &BTreeMap<String, String>,
    reserved: &[Reserved],
) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, file) in defined {
        match reserved.iter().find(|r| r.name == name) {
            None => problems.push(format!(
                "{file} defines {what} `{qualifier}{name}`, which codegen/src/runtime.rs does not reserve: add `at(…, \"{name}\")` to {list}"
            )),
            Some(r) if r.file != file => problems.push(format!(
                "codegen/src/runtime.rs says {what} `{qualifier}{name}` is in {}, but it is in {file}: fix its entry in {list}",
                r.file
            )),
            Some(_) => {}
        }
    }
    for r in reserved {
        if !defined.contains_key(r.name) {
            problems.push(format!(
                "codegen/src/runtime.rs reserves {what} `{qualifier}{}` ({list}), which {} no longer defines: remove it",
                r.name, r.file
            ));
        }
    }
    problems
}

fn assert_none(problems: Vec<String>) {
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn every_client_method_is_reserved() {
    let methods = methods();
    let defined = methods.get("Client").cloned().unwrap_or_default();
    assert_none(compare(
        "the method",
        "Client::",
        "CLIENT_METHODS",
        &defined,
        runtime::CLIENT_METHODS,
    ));
}

#[test]
fn every_handle_method_is_reserved() {
    let methods = methods();
    let defined = methods.get("Handle").cloned().unwrap_or_default();
    assert_none(compare(
        "the method",
        "Handle::",
        "HANDLE_METHODS",
        &defined,
        runtime::HANDLE_METHODS,
    ));
}

#[test]
fn every_request_builder_method_is_reserved() {
    let methods = methods();
    let defined = methods.get("Request").cloned().unwrap_or_default();
    let reserved: Vec<Reserved> = runtime::BUILDER_METHODS
        .iter()
        .chain(runtime::ODATA_SETTERS)
        .copied()
        .collect();
    assert_none(compare(
        "the method",
        "Request::",
        "BUILDER_METHODS or ODATA_SETTERS",
        &defined,
        &reserved,
    ));
}

/// The names `lib.rs` puts at the crate root: its `pub use`s, items and modules.
fn root_items() -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let mut items = BTreeMap::new();
    let mut modules = BTreeMap::new();
    let files = runtime_files();
    let Some((path, lib)) = files.iter().find(|(path, _)| path.ends_with("/lib.rs")) else {
        panic!("no lib.rs");
    };
    for item in &lib.items {
        match item {
            Item::Mod(module) => {
                modules.insert(module.ident.to_string(), path.clone());
            }
            Item::Use(used) if matches!(used.vis, syn::Visibility::Public(_)) => {
                let mut leaves = Vec::new();
                use_leaves(&used.tree, Vec::new(), &mut leaves);
                for (module, name) in leaves {
                    // `pub use generated::*` is the generated code itself.
                    if name == "*" {
                        continue;
                    }
                    // A re-export of a dependency (`bytes::Bytes`) is lib.rs's own.
                    let local = lib
                        .items
                        .iter()
                        .any(|item| matches!(item, Item::Mod(m) if m.ident == module.as_str()));
                    let file = if local {
                        format!("onenote-api/src/{module}.rs")
                    } else {
                        path.clone()
                    };
                    items.insert(name, file);
                }
            }
            Item::Struct(item) => {
                items.insert(item.ident.to_string(), path.clone());
            }
            _ => {}
        }
    }
    (items, modules)
}

/// `(first module, leaf name)` of every name a use tree imports.
fn use_leaves(tree: &UseTree, prefix: Vec<String>, out: &mut Vec<(String, String)>) {
    match tree {
        UseTree::Path(path) => {
            let mut prefix = prefix;
            prefix.push(path.ident.to_string());
            use_leaves(&path.tree, prefix, out);
        }
        UseTree::Name(name) => out.push((
            prefix.first().cloned().unwrap_or_default(),
            name.ident.to_string(),
        )),
        UseTree::Rename(rename) => out.push((
            prefix.first().cloned().unwrap_or_default(),
            rename.rename.to_string(),
        )),
        UseTree::Glob(_) => out.push((prefix.first().cloned().unwrap_or_default(), "*".to_owned())),
        UseTree::Group(group) => {
            for tree in &group.items {
                use_leaves(tree, prefix.clone(), out);
            }
        }
    }
}

#[test]
fn every_crate_root_name_is_reserved() {
    let (items, _) = root_items();
    assert_none(compare(
        "the root item",
        "",
        "ROOT_NAMES",
        &items,
        runtime::ROOT_NAMES,
    ));
}

#[test]
fn every_runtime_module_is_reserved() {
    let (_, modules) = root_items();
    assert_none(compare(
        "the module",
        "",
        "MODULES",
        &modules,
        runtime::MODULES,
    ));
}

/// Every `crate::Name` (and `use crate::{A, B}`) outside test code, with the file using it.
fn crate_paths() -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for (path, file) in runtime_files() {
        for item in file.items.iter().filter(|item| !item_is_test_only(item)) {
            let tokens: TokenStream = quote_item(item);
            scan(tokens, &path, &mut found);
        }
    }
    found
}

fn item_is_test_only(item: &Item) -> bool {
    match item {
        Item::Mod(module) => is_test_only(&module.attrs),
        Item::Fn(function) => is_test_only(&function.attrs),
        Item::Impl(imp) => is_test_only(&imp.attrs),
        _ => false,
    }
}

fn quote_item(item: &Item) -> TokenStream {
    quote::ToTokens::to_token_stream(item)
}

/// Finds `crate :: Ident` and `crate :: { A , B }` in a token stream.
fn scan(tokens: TokenStream, file: &str, found: &mut BTreeSet<(String, String)>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Group(group) => scan(group.stream(), file, found),
            TokenTree::Ident(ident) if ident == "crate" => {
                let colons = matches!(
                    (trees.get(i + 1), trees.get(i + 2)),
                    (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b))) if a.as_char() == ':' && b.as_char() == ':'
                );
                if !colons {
                    continue;
                }
                match trees.get(i + 3) {
                    Some(TokenTree::Ident(name)) => {
                        found.insert((name.to_string(), file.to_owned()));
                    }
                    Some(TokenTree::Group(group)) => {
                        for inner in group.stream() {
                            if let TokenTree::Ident(name) = inner {
                                found.insert((name.to_string(), file.to_owned()));
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

#[test]
fn every_generated_name_the_runtime_uses_is_a_stated_requirement() {
    let (items, modules) = root_items();
    let required: Vec<&str> = requires::FROM_API_SECTION
        .iter()
        .chain([&requires::OPERATION_MODEL, &requires::OPERATION_STATUS])
        .map(|r| r.name)
        .collect();
    let mut problems = Vec::new();
    for (name, file) in crate_paths() {
        let runtime_defines = items.contains_key(&name) || modules.contains_key(&name);
        // `crate::generated::…` and `crate::op::…`-style paths are modules of generated code.
        if runtime_defines
            || required.contains(&name.as_str())
            || name.starts_with(char::is_lowercase)
        {
            continue;
        }
        problems.push(format!(
            "{file} uses `crate::{name}`, which the runtime does not define and codegen/src/runtime.rs does not require of the spec: add it to `requires` (with a check in codegen/src/validate/seam.rs) or stop using it"
        ));
    }
    assert_none(problems);
}

/// The modules (name, `pub` or not) and `pub use` items of a crate root.
fn crate_root(relative: &str) -> (Vec<(String, bool)>, Vec<String>) {
    let text = fs::read_to_string(workspace().join(relative)).unwrap_or_default();
    let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{relative}: {e}"));
    let mut modules = Vec::new();
    let mut uses = Vec::new();
    for item in &file.items {
        match item {
            Item::Mod(module) => modules.push((
                module.ident.to_string(),
                matches!(module.vis, syn::Visibility::Public(_)),
            )),
            Item::Use(used) if matches!(used.vis, syn::Visibility::Public(_)) => {
                uses.push(quote::ToTokens::to_token_stream(&used.tree).to_string());
            }
            _ => {}
        }
    }
    (modules, uses)
}

#[test]
fn the_constructs_client_has_the_runtime_s_modules_and_re_exports() {
    let runtime = crate_root("onenote-api/src/lib.rs");
    let fixture = crate_root("tests/constructs-client/src/lib.rs");
    assert_eq!(
        fixture.0, runtime.0,
        "tests/constructs-client/src/lib.rs must declare the modules onenote-api/src/lib.rs does \
         (each runtime module by #[path]): edit it to match"
    );
    assert_eq!(
        fixture.1, runtime.1,
        "tests/constructs-client/src/lib.rs must re-export what onenote-api/src/lib.rs does: \
         edit it to match"
    );
}
