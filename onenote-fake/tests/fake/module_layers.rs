//! The fake's `api/` modules import one way: the handlers (the modules `dispatch` calls) import
//! no other handler, and what they share sits below them without cycles. Read from the source,
//! so a new import that closes a circle fails here, naming it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every `super::{module}` an `api/` file names, by file stem.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
    let mut found = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("src/api") {
        let path = entry.expect("an entry").path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).expect("a source file");
        // Unit tests' `use super::*` is the module itself, not another.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let named = code
            .match_indices("super::")
            .map(|(at, _)| {
                code[at + "super::".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect::<String>()
            })
            .filter(|module| !module.is_empty() && *module != stem)
            .collect();
        found.insert(stem, named);
    }
    found
}

/// The modules `dispatch` (in `api/mod.rs`) hands requests to.
fn handlers() -> BTreeSet<String> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api/mod.rs"))
            .expect("src/api/mod.rs");
    let dispatch = &text[text.find("pub(crate) fn dispatch").expect("dispatch")..];
    dispatch
        .match_indices("(ctx, call")
        .filter_map(|(at, _)| {
            let call = &dispatch[..at];
            let path = call
                .rsplit(|c: char| c.is_whitespace() || c == '>')
                .next()?;
            Some(path.split("::").next()?.to_owned())
        })
        .collect()
}

#[test]
fn no_handler_imports_another_and_shared_modules_sit_below_without_cycles() {
    let imports = imports();
    let handlers = handlers();
    assert!(handlers.contains("class_notebooks") && handlers.contains("permissions"));
    for (module, named) in &imports {
        let reached: Vec<&String> = named.intersection(&handlers).collect();
        assert!(
            reached.is_empty(),
            "api/{module}.rs imports the handler(s) {reached:?}: move what it needs below the \
             handlers (lookup, representation, classroom, creation, …)"
        );
    }
    // What remains is the shared layer: it must have an order (no cycle).
    let mut left: BTreeMap<&String, &BTreeSet<String>> = imports
        .iter()
        .filter(|(module, _)| !handlers.contains(*module) && module.as_str() != "mod")
        .collect();
    while !left.is_empty() {
        let free: Vec<&String> = left
            .iter()
            .filter(|(_, named)| named.iter().all(|n| !left.contains_key(n)))
            .map(|(module, _)| *module)
            .collect();
        assert!(
            !free.is_empty(),
            "the shared api/ modules import each other in a circle: {left:?}"
        );
        for module in free {
            left.remove(module);
        }
    }
}
