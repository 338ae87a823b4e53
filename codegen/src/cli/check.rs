//! What the command line cannot express: two inputs of one command with one name, an input
//! named like a flag every command has, a command named like a hand-written one. Reported as
//! positioned diagnostics, found in the spec text only when there is one to report (the model
//! keeps no positions).

use std::cell::OnceCell;
use std::collections::BTreeMap;

use crate::diagnostics::Diagnostics;
use crate::json::{self, Node, Pos, Value};
use crate::model::{Model, OperationId, ResourceId};

use super::inputs::{Input, Origin, Types, leaf_inputs, resource_inputs};
use super::tree::{CommandNode, NodeKind, commands, tree};
use super::words::{RUNTIME_COMMAND_FLAGS, RUNTIME_COMMANDS, RUNTIME_GLOBAL_FLAGS, word};

/// Reports every name of the spec the command line cannot use: two inputs of one command with
/// the same name, an input named like a flag the command line has anyway (a location flag,
/// `--output`, `--body`, …), a subcommand named like one `onenote-cli` writes by hand.
///
/// The model carries no positions, so a diagnostic finds its place in `sources` (each spec
/// file's path and text; parsed again only when there is something to report).
pub fn check<'a>(
    model: &'a Model,
    sources: &'a [(&'a str, &'a str)],
    diagnostics: &mut Diagnostics,
) {
    let types = Types::new(model);
    let locator = Locator::new(model, sources);
    let mut global: BTreeMap<String, String> = BTreeMap::new();
    for name in RUNTIME_GLOBAL_FLAGS {
        global.insert(
            (*name).to_owned(),
            format!("`onenote-cli`'s global flag `--{name}`"),
        );
    }
    for location in &model.api.locations {
        let flag = word(&location.accessor);
        let what = format!("the flag `--{flag}` of location \"{}\"", location.key);
        if let Some(first) = global.get(&flag) {
            let (file, pos) = locator.location(&location.key);
            diagnostics.push(
                &file,
                pos,
                format!("location \"{}\" makes the command-line flag `--{flag}`, which is {first}: rename the location", location.key),
            );
        }
        global.insert(flag, what);
    }
    let mut reserved = global.clone();
    for name in RUNTIME_COMMAND_FLAGS {
        reserved
            .entry((*name).to_owned())
            .or_insert_with(|| format!("the flag `--{name}` that `onenote-cli` adds to commands"));
    }
    for command in commands(model) {
        let mut seen: BTreeMap<String, Input> = BTreeMap::new();
        let mut inputs: Vec<Input> = command
            .resources
            .iter()
            .flat_map(|id| resource_inputs(model, *id))
            .collect();
        inputs.extend(leaf_inputs(model, &types, command.operation));
        for input in inputs {
            let name = describe(&input);
            if let Some(first) = seen.get(&input.id) {
                if !matches!(input.origin, Origin::Runtime) {
                    let (file, pos) = locator.origin(&input.origin);
                    diagnostics.push(
                        &file,
                        pos,
                        format!(
                            "{name} makes the argument `{}` of `onenote {}`, which {} makes too: {}",
                            input.id,
                            command.path(),
                            describe(first),
                            hint(&input.origin)
                        ),
                    );
                }
            } else if let (Some(taken), false) = (
                reserved.get(&input.id),
                matches!(input.origin, Origin::Runtime),
            ) {
                let (file, pos) = locator.origin(&input.origin);
                diagnostics.push(
                    &file,
                    pos,
                    format!(
                        "{name} makes the argument `{}` of `onenote {}`, but that is {taken}: {}",
                        input.id,
                        command.path(),
                        hint(&input.origin)
                    ),
                );
            }
            seen.entry(input.id.clone()).or_insert(input);
        }
    }
    check_words(model, &locator, &tree(model), &mut Vec::new(), diagnostics);
}

fn check_words(
    model: &Model,
    locator: &Locator,
    nodes: &[CommandNode],
    words: &mut Vec<String>,
    diagnostics: &mut Diagnostics,
) {
    let mut seen: BTreeMap<&str, &CommandNode> = BTreeMap::new();
    for node in nodes {
        words.push(node.word.clone());
        let what = match node.kind {
            NodeKind::Resource(id) => format!("resource \"{}\"", model.resource(id).key),
            NodeKind::Operation(id) => format!("operation \"{}\"", model.operation(id).id),
        };
        // Positions only for a diagnostic: finding one parses the spec again.
        let place = || match node.kind {
            NodeKind::Resource(id) => locator.resource(model, id),
            NodeKind::Operation(id) => locator.operation(model, id),
        };
        let fix = match node.kind {
            NodeKind::Resource(_) => "rename the resource",
            NodeKind::Operation(_) => "give the operation another \"call\"",
        };
        let path = words.join(" ");
        if node.word == "help"
            || RUNTIME_COMMANDS.iter().any(|reserved| {
                reserved
                    .iter()
                    .copied()
                    .eq(words.iter().map(String::as_str))
            })
        {
            let (file, pos) = place();
            diagnostics.push(
                &file,
                pos,
                format!("{what} makes the command `onenote {path}`, which `onenote-cli` has already: {fix}"),
            );
        } else if let Some(first) = seen.get(node.word.as_str()) {
            let first = match first.kind {
                NodeKind::Resource(id) => format!("resource \"{}\"", model.resource(id).key),
                NodeKind::Operation(id) => format!("operation \"{}\"", model.operation(id).id),
            };
            let (file, pos) = place();
            diagnostics.push(
                &file,
                pos,
                format!(
                    "{what} makes the command `onenote {path}`, which {first} makes too: {fix}"
                ),
            );
        }
        seen.entry(node.word.as_str()).or_insert(node);
        check_words(model, locator, &node.children, words, diagnostics);
        words.pop();
    }
}

fn describe(input: &Input) -> String {
    match &input.origin {
        Origin::ResourceParam(_, wire) | Origin::OperationParam(_, wire) => {
            format!("path parameter \"{wire}\"")
        }
        Origin::Field(ty, wire) => format!("field \"{wire}\" of \"{ty}\""),
        Origin::Query(_, wire) => format!("query parameter \"{wire}\""),
        Origin::Part(_, name) => format!("multipart part \"{name}\""),
        Origin::OData(_, option) => format!("OData option \"{}\"", option.as_str()),
        Origin::Runtime => format!("`onenote-cli`'s flag `--{}`", input.id),
    }
}

fn hint(origin: &Origin) -> &'static str {
    match origin {
        Origin::Field(..) | Origin::Query(..) => {
            "give it a \"rustName\" (the command line's name is made from it)"
        }
        Origin::ResourceParam(..) | Origin::OperationParam(..) => "rename the parameter",
        Origin::Part(..) => "rename the part",
        Origin::OData(..) | Origin::Runtime => "rename the other one",
    }
}

/// Finds where a spec item is written, for diagnostics only: the model keeps no positions.
struct Locator<'a> {
    sources: &'a [(&'a str, &'a str)],
    /// The spec files parsed again, on the first diagnostic only.
    files: OnceCell<Vec<(&'a str, Option<Node>)>>,
    /// The spec file of each resource and operation (by the module that holds it).
    resource_files: BTreeMap<ResourceId, &'a str>,
    operation_files: BTreeMap<OperationId, &'a str>,
}

impl<'a> Locator<'a> {
    fn new(model: &'a Model, sources: &'a [(&'a str, &'a str)]) -> Self {
        let mut resource_files = BTreeMap::new();
        let mut operation_files = BTreeMap::new();
        for module in &model.modules {
            for id in &module.resources {
                resource_files.insert(*id, module.source.as_str());
            }
            for id in &module.operations {
                operation_files.insert(*id, module.source.as_str());
            }
        }
        Locator {
            sources,
            files: OnceCell::new(),
            resource_files,
            operation_files,
        }
    }

    fn files(&self) -> &[(&'a str, Option<Node>)] {
        self.files.get_or_init(|| {
            self.sources
                .iter()
                .map(|(path, text)| (*path, json::parse(text).ok()))
                .collect()
        })
    }

    /// The position of the deepest key of `keys` found in `file` (`*` matches any key).
    fn find(&self, file: &str, keys: &[&str]) -> Option<Pos> {
        let (_, root) = self.files().iter().find(|(path, _)| *path == file)?;
        find(root.as_ref()?, keys)
    }

    /// The first file where `keys` resolve, with the position.
    fn anywhere(&self, keys: &[&str]) -> Option<(String, Pos)> {
        self.files().iter().find_map(|(path, root)| {
            let pos = find(root.as_ref()?, keys)?;
            Some(((*path).to_owned(), pos))
        })
    }

    fn or_start(&self, file: &str, found: Option<Pos>) -> (String, Pos) {
        (file.to_owned(), found.unwrap_or(Pos { line: 1, column: 1 }))
    }

    fn location(&self, key: &str) -> (String, Pos) {
        self.anywhere(&["api", "locations", key])
            .unwrap_or_else(|| self.or_start(self.first_file(), None))
    }

    fn first_file(&self) -> &str {
        self.sources.first().map_or("spec", |(path, _)| path)
    }

    fn resource(&self, model: &Model, id: ResourceId) -> (String, Pos) {
        let file = self.resource_files.get(&id).copied().unwrap_or("spec");
        let key = model.resource(id).key.as_str();
        let found = self
            .find(file, &["resources", key])
            .or_else(|| self.find(file, &["groups", "*", "resources", key]));
        self.or_start(file, found)
    }

    fn operation(&self, model: &Model, id: OperationId) -> (String, Pos) {
        self.operation_keys(model, id, &["call"])
            .or_else(|| self.operation_keys(model, id, &[]))
            .unwrap_or_else(|| self.or_start(self.operation_file(id), None))
    }

    fn operation_file(&self, id: OperationId) -> &str {
        self.operation_files.get(&id).copied().unwrap_or("spec")
    }

    fn operation_keys(
        &self,
        model: &Model,
        id: OperationId,
        rest: &[&str],
    ) -> Option<(String, Pos)> {
        let file = self.operation_file(id);
        let op = model.operation(id).id.as_str();
        for prefix in [
            &["operations", op][..],
            &["groups", "*", "operations", op][..],
        ] {
            let keys: Vec<&str> = prefix.iter().chain(rest).copied().collect();
            if let Some(pos) = self.find(file, &keys) {
                return Some((file.to_owned(), pos));
            }
        }
        None
    }

    fn origin(&self, origin: &Origin) -> (String, Pos) {
        let model_free = |keys: &[&str]| self.anywhere(keys);
        match origin {
            Origin::Field(ty, wire) => model_free(&["types", ty, "fields", wire])
                .or_else(|| model_free(&["types", "*", "fields", wire]))
                .unwrap_or_else(|| self.or_start(self.first_file(), None)),
            Origin::ResourceParam(id, wire) => {
                let file = self.resource_files.get(id).copied().unwrap_or("spec");
                let found = self
                    .find(file, &["resources", "*", "params", wire])
                    .or_else(|| {
                        self.find(file, &["groups", "*", "resources", "*", "params", wire])
                    });
                self.or_start(file, found)
            }
            Origin::OperationParam(id, wire) => self.in_operation(*id, &["params", wire]),
            Origin::Query(id, wire) => self.in_operation(*id, &["query", wire]),
            Origin::Part(id, name) => self.in_operation(*id, &["body", "multipart", "parts", name]),
            Origin::OData(id, option) => self.in_operation(*id, &["odata", option.as_str()]),
            Origin::Runtime => self.or_start(self.first_file(), None),
        }
    }

    fn in_operation(&self, id: OperationId, rest: &[&str]) -> (String, Pos) {
        let file = self.operation_file(id);
        let found = [
            &["operations", "*"][..],
            &["groups", "*", "operations", "*"][..],
        ]
        .iter()
        .find_map(|prefix| {
            let keys: Vec<&str> = prefix.iter().chain(rest).copied().collect();
            self.find(file, &keys)
        });
        self.or_start(file, found)
    }
}

/// Descends `keys` from `node`: the position of the last key, when every key is there.
fn find(node: &Node, keys: &[&str]) -> Option<Pos> {
    let Some((first, rest)) = keys.split_first() else {
        return Some(node.pos);
    };
    let Value::Object(members) = &node.value else {
        return None;
    };
    members
        .iter()
        .filter(|m| *first == "*" || m.key == *first)
        .find_map(|m| {
            if rest.is_empty() {
                Some(m.key_pos)
            } else {
                find(&m.value, rest)
            }
        })
}
