//! The `onenote` command line from the model: the command tree (one command per operation and
//! mount, reached like the client's calls), each command's arguments, and the typed client call
//! it makes; plus the checks a spec must pass for the command line to express it. The third
//! backend beside `emit` (the client) and `openapi`.
//!
//! The command path reads like the URL and the Rust call: `client.me().class_notebook(id)
//! .students().add(body)` is `onenote class-notebook ID students add …`. A resource is a
//! subcommand that takes its path parameters; an operation is a leaf. Required inputs are
//! arguments, optional ones flags: path parameters, then the body's scalar fields (the whole
//! body also from `--body FILE`), query parameters and OData options. The generated file is
//! data (the tree, with each leaf's inputs) and one `run` function per command that calls the
//! typed client; `onenote-cli`'s hand-written runtime builds clap from the data and prints.

use std::collections::BTreeMap;

use heck::{ToKebabCase, ToShoutySnakeCase};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::SpecSource;
use crate::diagnostics::Diagnostics;
use crate::emit::EmittedFile;
use crate::json::{self, Node, Pos, Value};
use crate::model::{
    AsyncForm, BodyModel, Host, Model, ODataOption, OperationId, OperationModel, ParamModel,
    QueryValue, ResourceId, ResponseModel, TypeKind, TypeModel, TypeRef,
};

/// Where the generated file goes, relative to the workspace root.
pub const OUT_DIR: &str = "onenote-cli/src/generated";

/// Flags every command has, made by `onenote-cli`'s hand-written root command (besides one
/// flag per location, which come from the spec).
pub const RUNTIME_GLOBAL_FLAGS: &[&str] = &["output", "base-url", "help", "version"];

/// Flags the runtime adds to some commands: the body from a file, the asynchronous form, every
/// page, the binary parts of a multipart body.
pub const RUNTIME_COMMAND_FLAGS: &[&str] = &["body", "async", "all", "part"];

/// Commands `onenote-cli` writes by hand, as word paths; clap adds `help` at every level.
pub const RUNTIME_COMMANDS: &[&[&str]] = &[
    &["login"],
    &["logout"],
    &["roster"],
    &["fake"],
    &["completions"],
    &["operation", "wait"],
];

/// One node of the command tree.
#[derive(Clone, Debug)]
pub struct CommandNode {
    /// The subcommand name (`class-notebook`, `add`).
    pub word: String,
    /// A resource (takes its path parameters, has children) or an operation (a leaf).
    pub kind: NodeKind,
    /// The resources and operations reached from here, sorted by word.
    pub children: Vec<CommandNode>,
}

/// What a node of the command tree is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A navigation step.
    Resource(ResourceId),
    /// A call.
    Operation(OperationId),
}

/// One leaf command: its words from the root, its operation and the resources on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// `["class-notebook", "students", "add"]`.
    pub words: Vec<String>,
    /// The operation it calls.
    pub operation: OperationId,
    /// The resources from the root to the operation's host, in order.
    pub resources: Vec<ResourceId>,
}

impl Command {
    /// The words joined with spaces: `class-notebook students add`.
    pub fn path(&self) -> String {
        self.words.join(" ")
    }
}

/// The command tree: the children of the root, sorted by word.
pub fn tree(model: &Model) -> Vec<CommandNode> {
    let mut nodes = children(model, &Host::Client);
    nodes.extend(children(model, &Host::Notes));
    nodes.sort_by(|a, b| a.word.cmp(&b.word));
    nodes
}

fn children(model: &Model, host: &Host) -> Vec<CommandNode> {
    let mut nodes: Vec<CommandNode> = Vec::new();
    for (index, resource) in model.resources.iter().enumerate() {
        if resource.hosts.contains(host) {
            let id = ResourceId(index);
            nodes.push(CommandNode {
                word: word(&resource.accessor),
                kind: NodeKind::Resource(id),
                children: children(model, &Host::Resource(id)),
            });
        }
    }
    for (index, op) in model.operations.iter().enumerate() {
        if op.hosts.contains(host) {
            nodes.push(CommandNode {
                word: word(&op.call),
                kind: NodeKind::Operation(OperationId(index)),
                children: Vec::new(),
            });
        }
    }
    nodes.sort_by(|a, b| a.word.cmp(&b.word));
    nodes
}

/// Every leaf command, in tree order (the order `onenote --help` lists them).
pub fn commands(model: &Model) -> Vec<Command> {
    let mut out = Vec::new();
    walk(&tree(model), &mut Vec::new(), &mut Vec::new(), &mut out);
    out
}

fn walk(
    nodes: &[CommandNode],
    words: &mut Vec<String>,
    resources: &mut Vec<ResourceId>,
    out: &mut Vec<Command>,
) {
    for node in nodes {
        words.push(node.word.clone());
        match node.kind {
            NodeKind::Operation(operation) => out.push(Command {
                words: words.clone(),
                operation,
                resources: resources.clone(),
            }),
            NodeKind::Resource(id) => {
                resources.push(id);
                walk(&node.children, words, resources, out);
                resources.pop();
            }
        }
        words.pop();
    }
}

/// A subcommand or argument name from a Rust name: `class_notebook` → `class-notebook`,
/// `r#type` → `type`, `self_` → `self`.
fn word(rust: &str) -> String {
    rust.trim_start_matches("r#")
        .trim_end_matches('_')
        .to_kebab_case()
}

// ---------------------------------------------------------------------------------------------
// The inputs of a command
// ---------------------------------------------------------------------------------------------

/// One input of a command, as the runtime's `Input` describes it.
#[derive(Clone, Debug)]
struct Input {
    /// The clap id, also the long flag (`send-email`) or the positional's name.
    id: String,
    help: String,
    kind: Kind,
    role: Role,
    /// An argument (positional) rather than a flag.
    positional: bool,
    list: bool,
    nullable: bool,
    /// Where the name comes from, for diagnostics.
    origin: Origin,
}

#[derive(Clone, Debug)]
enum Kind {
    Text,
    Integer,
    Number,
    Boolean,
    DateTime,
    Choice(Vec<String>),
    File,
    Unsigned,
}

#[derive(Clone, Debug)]
enum Role {
    /// A path parameter of a resource on the way or of the operation.
    Path,
    /// A field of the JSON body (wire name).
    Field(String),
    /// The whole JSON body from a file.
    BodyFile,
    /// A text body from a file.
    TextBody,
    /// A query parameter.
    Query,
    /// A flag read by the command's call or the runtime (OData options, `--all`, `--async`).
    Option,
    /// A declared multipart part: its name and media type (JSON parts are `application/json`);
    /// an empty name is the caller's binary parts.
    Part(String, String),
}

/// What a name of the command line comes from, so a diagnostic can point at it.
#[derive(Clone, Debug)]
enum Origin {
    ResourceParam(ResourceId, String),
    OperationParam(OperationId, String),
    Field(String, String),
    Query(OperationId, String),
    Part(OperationId, String),
    OData(OperationId, ODataOption),
    Runtime,
}

/// How a command takes its JSON body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BodyForm {
    None,
    /// Scalar fields as arguments and flags, or the whole body from `--body FILE`.
    Fields,
    /// Only from a file: the positional `BODY`.
    File,
    Text,
    Multipart {
        binary: bool,
    },
}

/// The types by name, for field lists and enum values.
struct Types<'a>(BTreeMap<&'a str, &'a TypeModel>);

impl<'a> Types<'a> {
    fn new(model: &'a Model) -> Self {
        Types(
            model
                .modules
                .iter()
                .flat_map(|m| &m.types)
                .map(|t| (t.name.as_str(), t))
                .collect(),
        )
    }

    /// The input kind of a scalar type (an enum is a choice), `None` for objects and JSON.
    fn scalar(&self, ty: &TypeRef) -> Option<Kind> {
        Some(match ty {
            TypeRef::String => Kind::Text,
            TypeRef::Boolean => Kind::Boolean,
            TypeRef::Integer => Kind::Integer,
            TypeRef::Number => Kind::Number,
            TypeRef::DateTime => Kind::DateTime,
            TypeRef::Named(name) => match &self.0.get(name.as_str())?.kind {
                TypeKind::Enum { values, .. } => {
                    Kind::Choice(values.iter().map(|v| v.wire.clone()).collect())
                }
                TypeKind::Object { .. } => return None,
            },
            TypeRef::Json | TypeRef::Array(_) => return None,
        })
    }

    /// The input kind of a value the command line can take: a scalar, or a list of them.
    fn value(&self, ty: &TypeRef) -> Option<(Kind, bool)> {
        match ty {
            TypeRef::Array(inner) => self.scalar(inner).map(|kind| (kind, true)),
            other => self.scalar(other).map(|kind| (kind, false)),
        }
    }

    fn fields(&self, ty: &TypeRef) -> Option<&'a [crate::model::FieldModel]> {
        let TypeRef::Named(name) = ty else {
            return None;
        };
        match &self.0.get(name.as_str())?.kind {
            TypeKind::Object { fields } => Some(fields),
            TypeKind::Enum { .. } => None,
        }
    }

    /// The table columns of a response type: its scalar fields, in spec order, without OData
    /// annotations (`@odata.context`).
    fn columns(&self, ty: &TypeRef) -> Vec<String> {
        self.fields(ty)
            .unwrap_or_default()
            .iter()
            .filter(|f| !f.wire.starts_with('@') && self.scalar(&f.ty).is_some())
            .map(|f| f.wire.clone())
            .collect()
    }
}

fn body_form(types: &Types, op: &OperationModel) -> BodyForm {
    match &op.body {
        None => BodyForm::None,
        Some(BodyModel::Text { .. }) => BodyForm::Text,
        Some(BodyModel::Multipart(multipart)) => BodyForm::Multipart {
            binary: multipart.binary_parts.is_some(),
        },
        Some(BodyModel::Json(ty)) => match types.fields(ty) {
            Some(fields)
                if fields
                    .iter()
                    .filter(|f| f.required)
                    .all(|f| types.value(&f.ty).is_some()) =>
            {
                BodyForm::Fields
            }
            _ => BodyForm::File,
        },
    }
}

fn param_input(param: &ParamModel, origin: Origin) -> Input {
    Input {
        id: word(&param.rust),
        help: param.doc.clone(),
        kind: if param.ty == TypeRef::Integer {
            Kind::Integer
        } else {
            Kind::Text
        },
        role: Role::Path,
        positional: true,
        list: false,
        nullable: false,
        origin,
    }
}

/// The path parameters a resource node takes.
fn resource_inputs(model: &Model, id: ResourceId) -> Vec<Input> {
    model
        .resource(id)
        .params
        .iter()
        .map(|p| param_input(p, Origin::ResourceParam(id, p.wire.clone())))
        .collect()
}

/// The inputs of an operation's leaf, in the order clap shows them: its own path parameters,
/// then the body, query parameters and OData options.
fn leaf_inputs(model: &Model, types: &Types, id: OperationId) -> Vec<Input> {
    let op = model.operation(id);
    let mut inputs: Vec<Input> = op
        .params
        .iter()
        .map(|p| param_input(p, Origin::OperationParam(id, p.wire.clone())))
        .collect();
    match (&op.body, body_form(types, op)) {
        (Some(BodyModel::Json(ty)), BodyForm::Fields) => {
            let type_name = match ty {
                TypeRef::Named(name) => name.clone(),
                _ => String::new(),
            };
            for field in types.fields(ty).unwrap_or_default() {
                let Some((kind, list)) = types.value(&field.ty) else {
                    continue;
                };
                inputs.push(Input {
                    id: word(&field.rust),
                    help: field.doc.clone(),
                    kind,
                    role: Role::Field(field.wire.clone()),
                    positional: field.required,
                    list,
                    nullable: field.nullable,
                    origin: Origin::Field(type_name.clone(), field.wire.clone()),
                });
            }
            inputs.push(runtime_input("body", "The whole JSON body from FILE (`-`: standard input) instead of the arguments and flags.", Kind::File, Role::BodyFile, false));
        }
        (Some(BodyModel::Json(_)), _) => inputs.push(runtime_input(
            "body",
            &format!(
                "The JSON body: a FILE, or `-` for standard input. {}",
                op.body_doc.trim()
            ),
            Kind::File,
            Role::BodyFile,
            true,
        )),
        (Some(BodyModel::Text { media_type }), _) => inputs.push(runtime_input(
            "body",
            &format!(
                "The `{media_type}` body: a FILE, or `-` for standard input. {}",
                op.body_doc.trim()
            ),
            Kind::File,
            Role::TextBody,
            true,
        )),
        (Some(BodyModel::Multipart(multipart)), _) => {
            for part in &multipart.parts {
                inputs.push(Input {
                    id: word(&part.name),
                    help: format!(
                        "The `{}` part ({}): a FILE, or `-` for standard input. {}",
                        part.name,
                        part.content.media_type(),
                        part.doc.trim()
                    ),
                    kind: Kind::File,
                    role: Role::Part(part.name.clone(), part.content.media_type().to_owned()),
                    positional: part.required,
                    list: false,
                    nullable: false,
                    origin: Origin::Part(id, part.name.clone()),
                });
            }
            if let Some(binary) = &multipart.binary_parts {
                inputs.push(runtime_input(
                    "part",
                    &format!(
                        "A binary part as NAME=FILE (repeatable; the media type comes from the file's extension, or NAME=FILE;type=MEDIA/TYPE), at most {} bytes. {}",
                        binary.max_bytes,
                        binary.doc.trim()
                    ),
                    Kind::File,
                    Role::Part(String::new(), String::new()),
                    false,
                ));
            }
        }
        (None, _) => {}
    }
    for query in &op.query {
        let QueryValue::Typed(ty) = &query.value else {
            continue;
        };
        // Validate allows only scalars (and their lists) in queries; anything else is refused
        // by `check`.
        let (kind, list) = types.value(ty).unwrap_or((Kind::Text, false));
        inputs.push(Input {
            id: word(&query.rust),
            help: format!("{} (`{}`)", query.doc.trim(), query.wire),
            kind,
            role: Role::Query,
            positional: false,
            list,
            nullable: false,
            origin: Origin::Query(id, query.wire.clone()),
        });
    }
    for option in &op.odata {
        let (kind, list) = match option {
            ODataOption::Select | ODataOption::Expand => (Kind::Text, true),
            ODataOption::Top | ODataOption::Skip => (Kind::Unsigned, false),
            ODataOption::Count => (Kind::Boolean, false),
            ODataOption::Filter | ODataOption::Orderby => (Kind::Text, false),
        };
        let mut help = format!("`${}`", option.as_str());
        if let Some(doc) = op.odata_docs.get(option).filter(|d| !d.trim().is_empty()) {
            help.push_str(": ");
            help.push_str(doc.trim());
        }
        if let Some(max) = op.odata_max.get(option) {
            help.push_str(&format!(" At most {max}."));
        }
        inputs.push(Input {
            id: option.as_str().to_owned(),
            help,
            kind,
            role: Role::Option,
            positional: false,
            list,
            nullable: false,
            origin: Origin::OData(id, *option),
        });
    }
    if matches!(op.response, ResponseModel::Page(_)) {
        inputs.push(runtime_input(
            "all",
            "Every page: follow `@odata.nextLink` to the end.",
            Kind::Boolean,
            Role::Option,
            false,
        ));
    }
    if op.async_form != AsyncForm::None || is_accepted(op) {
        inputs.push(runtime_input(
            "async",
            "Print the operation's location and do not wait for it (`onenote operation wait LOCATION` resumes).",
            Kind::Boolean,
            Role::Option,
            false,
        ));
    }
    inputs
}

fn runtime_input(id: &str, help: &str, kind: Kind, role: Role, positional: bool) -> Input {
    Input {
        id: id.to_owned(),
        help: help.trim().to_owned(),
        kind,
        role,
        positional,
        list: id == "part",
        nullable: false,
        origin: Origin::Runtime,
    }
}

/// Always answered with `202 Accepted` and an operation (the copies), without being asked.
fn is_accepted(op: &OperationModel) -> bool {
    op.status == 202 && op.async_form == AsyncForm::None
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

/// Reports every name of the spec the command line cannot use: two inputs of one command with
/// the same name, an input named like a flag the command line has anyway (a location flag,
/// `--output`, `--body`, …), a subcommand named like one `onenote-cli` writes by hand.
///
/// The model carries no positions, so a diagnostic finds its place in `sources` (only when
/// there is something to report).
pub fn check(model: &Model, sources: &[&SpecSource], diagnostics: &mut Diagnostics) {
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
            let (file, pos) = locator.origin(&input.origin);
            let name = describe(&input);
            if let Some(first) = seen.get(&input.id) {
                if !matches!(input.origin, Origin::Runtime) {
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
        let (file, pos) = match node.kind {
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
    files: Vec<(&'a str, Option<Node>)>,
    /// The spec file of each resource and operation (by the module that holds it).
    resource_files: BTreeMap<ResourceId, &'a str>,
    operation_files: BTreeMap<OperationId, &'a str>,
}

impl<'a> Locator<'a> {
    fn new(model: &'a Model, sources: &[&'a SpecSource]) -> Self {
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
            files: sources
                .iter()
                .map(|s| (s.path.as_str(), json::parse(&s.text).ok()))
                .collect(),
            resource_files,
            operation_files,
        }
    }

    /// The position of the deepest key of `keys` found in `file` (`*` matches any key).
    fn find(&self, file: &str, keys: &[&str]) -> Option<Pos> {
        let (_, root) = self.files.iter().find(|(path, _)| *path == file)?;
        find(root.as_ref()?, keys)
    }

    /// The first file where `keys` resolve, with the position.
    fn anywhere(&self, keys: &[&str]) -> Option<(String, Pos)> {
        self.files.iter().find_map(|(path, root)| {
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
        self.files.first().map_or("spec", |(path, _)| path)
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

// ---------------------------------------------------------------------------------------------
// Emit
// ---------------------------------------------------------------------------------------------

/// The generated module of `onenote-cli`: `mod.rs`, not yet formatted.
pub fn files(model: &Model) -> Vec<EmittedFile> {
    let types = Types::new(model);
    let tree = tree(model);
    let nodes: Vec<TokenStream> = tree
        .iter()
        .map(|node| node_tokens(model, &types, node, &mut Vec::new()))
        .collect();
    let runs: Vec<TokenStream> = commands(model)
        .iter()
        .map(|command| run_tokens(model, &types, command))
        .collect();
    let location = location_tokens(model);
    let doc = inner_doc(
        "The commands of `onenote`, generated from the spec: the command tree (one leaf per operation and mount, with its inputs) and, per command, the typed client call it makes. `crate::tree` turns the tree into clap commands; `crate::call` sends and prints.",
    );
    let tokens = quote! {
        #doc
        use crate::call::{Context, Inputs, Run};
        use crate::failure::Failure;
        use crate::tree::{Input, Kind, Leaf, LocationFlag, Node, Role};

        #location

        /// The command tree under `onenote`.
        pub(crate) static TREE: &[Node] = &[#(#nodes),*];

        #(#runs)*
    };
    vec![EmittedFile {
        path: "mod.rs".to_owned(),
        sources: model.modules.iter().map(|m| m.source.clone()).collect(),
        tokens,
    }]
}

fn inner_doc(text: &str) -> TokenStream {
    let text = format!(" {text}");
    quote!(#![doc = #text])
}

fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The location flags and the `Location` enum the commands match on.
fn location_tokens(model: &Model) -> TokenStream {
    let flags = model.api.locations.iter().map(|location| {
        let key = &location.key;
        let flag = word(&location.accessor);
        let values: Vec<String> = location
            .params
            .iter()
            .map(|p| word(&p.rust).to_shouty_snake_case())
            .collect();
        let help = first_sentence(&location.doc);
        quote!(LocationFlag { key: #key, flag: #flag, values: &[#(#values),*], help: #help })
    });
    let variants = model.api.locations.iter().map(|location| {
        let marker = ident(&location.marker);
        let fields = location.params.iter().map(|p| {
            let name = ident(&p.rust);
            let ty = if p.ty == TypeRef::Integer {
                quote!(i64)
            } else {
                quote!(String)
            };
            quote!(#name: #ty)
        });
        if location.params.is_empty() {
            quote!(#marker)
        } else {
            quote!(#marker { #(#fields),* })
        }
    });
    let arms = model.api.locations.iter().map(|location| {
        let key = &location.key;
        let marker = ident(&location.marker);
        let fields = location.params.iter().enumerate().map(|(index, p)| {
            let name = ident(&p.rust);
            let value_name = word(&p.rust).to_shouty_snake_case();
            let value = match index {
                0 => quote!(values.first()),
                _ => {
                    let index = proc_macro2::Literal::usize_unsuffixed(index);
                    quote!(values.get(#index))
                }
            };
            if p.ty == TypeRef::Integer {
                quote!(#name: crate::call::integer(#value, #value_name)?)
            } else {
                quote!(#name: crate::call::text(#value, #value_name)?)
            }
        });
        if location.params.is_empty() {
            quote!(#key => Ok(Location::#marker),)
        } else {
            quote!(#key => Ok(Location::#marker { #(#fields),* }),)
        }
    });
    let visits = model.api.locations.iter().map(|location| {
        let marker = ident(&location.marker);
        let accessor = ident(&location.accessor);
        let names: Vec<Ident> = location.params.iter().map(|p| ident(&p.rust)).collect();
        let values = location.params.iter().map(|p| {
            let name = ident(&p.rust);
            if p.ty == TypeRef::Integer {
                quote!(*#name)
            } else {
                quote!(#name)
            }
        });
        let pattern = if location.params.is_empty() {
            quote!(Location::#marker)
        } else {
            quote!(Location::#marker { #(#names),* })
        };
        quote!(#pattern => visit.at(client.#accessor(#(#values),*)),)
    });
    quote! {
        /// The location flags, in spec order; the first without values is the default.
        pub(crate) static LOCATIONS: &[LocationFlag] = &[#(#flags),*];

        /// Where a command works: one variant per location of the spec.
        pub(crate) enum Location {
            #(#variants),*
        }

        impl Location {
            /// The location of flag `key` with its values.
            pub(crate) fn new(key: &str, values: &[String]) -> Result<Location, Failure> {
                match key {
                    #(#arms)*
                    other => Err(Failure::usage(format!("no location {other:?}"))),
                }
            }

            /// Calls `visit` with this location's notes root.
            pub(crate) fn visit<V: crate::call::AtLocation>(&self, client: &onenote_api::Client, visit: V) -> V::Output {
                match self {
                    #(#visits)*
                }
            }
        }
    }
}

fn node_tokens(
    model: &Model,
    types: &Types,
    node: &CommandNode,
    words: &mut Vec<String>,
) -> TokenStream {
    words.push(node.word.clone());
    let name = &node.word;
    let tokens = match node.kind {
        NodeKind::Resource(id) => {
            let resource = model.resource(id);
            let about = first_sentence(&resource.doc);
            let help = resource.doc.trim().to_owned();
            let params = resource_inputs(model, id)
                .iter()
                .map(input_tokens)
                .collect::<Vec<_>>();
            let children = node
                .children
                .iter()
                .map(|child| node_tokens(model, types, child, words))
                .collect::<Vec<_>>();
            quote! {
                Node {
                    name: #name, about: #about, help: #help,
                    params: &[#(#params),*],
                    children: &[#(#children),*],
                    leaf: None,
                }
            }
        }
        NodeKind::Operation(id) => {
            let op = model.operation(id);
            let about = first_sentence(&op.doc);
            let help = operation_help(model, op);
            let inputs = leaf_inputs(model, types, id)
                .iter()
                .map(input_tokens)
                .collect::<Vec<_>>();
            let operation = &op.id;
            let run = run_ident(words);
            quote! {
                Node {
                    name: #name, about: #about, help: #help,
                    params: &[], children: &[],
                    leaf: Some(Leaf { operation: #operation, inputs: &[#(#inputs),*], run: #run }),
                }
            }
        }
    };
    words.pop();
    tokens
}

fn input_tokens(input: &Input) -> TokenStream {
    let id = &input.id;
    let value_name = match input.role {
        Role::Part(ref name, _) if name.is_empty() => "NAME=FILE".to_owned(),
        Role::BodyFile | Role::TextBody | Role::Part(..) if input.positional => {
            input.id.to_shouty_snake_case()
        }
        Role::BodyFile | Role::TextBody | Role::Part(..) => "FILE".to_owned(),
        _ => input.id.to_shouty_snake_case(),
    };
    let help = input.help.trim();
    let kind = match &input.kind {
        Kind::Text => quote!(Kind::Text),
        Kind::Integer => quote!(Kind::Integer),
        Kind::Unsigned => quote!(Kind::Unsigned),
        Kind::Number => quote!(Kind::Number),
        Kind::Boolean => quote!(Kind::Boolean),
        Kind::DateTime => quote!(Kind::DateTime),
        Kind::File => quote!(Kind::File),
        Kind::Choice(values) => quote!(Kind::Choice(&[#(#values),*])),
    };
    let role = match &input.role {
        Role::Path => quote!(Role::Path),
        Role::Field(wire) => quote!(Role::Field(#wire)),
        Role::BodyFile => quote!(Role::BodyFile),
        Role::TextBody => quote!(Role::TextBody),
        Role::Query => quote!(Role::Query),
        Role::Option => quote!(Role::Option),
        Role::Part(name, _) if name.is_empty() => quote!(Role::BinaryParts),
        Role::Part(name, media_type) => quote!(Role::Part { name: #name, media_type: #media_type }),
    };
    let positional = input.positional;
    let list = input.list;
    let nullable = input.nullable;
    quote! {
        Input { id: #id, value_name: #value_name, help: #help, kind: #kind, role: #role, positional: #positional, list: #list, nullable: #nullable }
    }
}

fn run_ident(words: &[String]) -> Ident {
    let name = words
        .iter()
        .map(|w| w.replace('-', "_"))
        .collect::<Vec<_>>()
        .join("__");
    Ident::new(&format!("run__{name}"), Span::call_site())
}

/// The doc's first sentence: up to the first `. ` before a capital letter (so `e.g. a` does not
/// end it), on the first line.
fn first_sentence(doc: &str) -> String {
    let first = doc.trim().lines().next().unwrap_or_default();
    let end = first.match_indices(". ").map(|(at, _)| at).find(|at| {
        first[at + 2..]
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    });
    match end {
        Some(end) => first[..=end].to_owned(),
        None => first.to_owned(),
    }
}

/// The long help of a leaf: the spec's doc, then how it is sent, where it exists, its scopes.
fn operation_help(model: &Model, op: &OperationModel) -> String {
    let mut text = op.doc.trim().to_owned();
    let mut paths: Vec<String> = Vec::new();
    for route in model.routes_of(op) {
        let path = route.relative.to_template();
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
    let root = if op.root == crate::model::Root::Notes {
        format!("{{location}}/{}/", model.api.notes_root)
    } else {
        String::new()
    };
    text.push_str("\n\nHTTP:");
    for path in paths {
        text.push_str(&format!("\n  {} {root}{path}", op.method.as_str()));
    }
    text.push_str(&format!("\nOperation id: {}.", op.id));
    match op.async_form {
        AsyncForm::Optional => text.push_str(
            " Also asynchronous: --async prints the operation's location instead of waiting.",
        ),
        AsyncForm::Only => text.push_str(
            " Asynchronous only: waits for the operation with a progress bar (--async: print its location).",
        ),
        AsyncForm::None if is_accepted(op) => text.push_str(
            " Answered with an operation: waits for it with a progress bar (--async: print its location).",
        ),
        AsyncForm::None => {}
    }
    if let Some(locations) = &op.locations {
        let flags = locations
            .iter()
            .map(|id| format!("--{}", word(&model.location(*id).accessor)))
            .collect::<Vec<_>>()
            .join(", ");
        text.push_str(&format!(
            "\nOnly at {flags}: refused at any other location."
        ));
    }
    if op.scopes.is_empty() {
        text.push_str("\nScopes: the documents name none.");
    } else {
        text.push_str(&format!("\nScopes (any one): {}.", op.scopes.join(", ")));
    }
    if !op.response_doc.trim().is_empty() {
        text.push_str(&format!("\nAnswer: {}", op.response_doc.trim()));
    }
    text
}

/// The Rust type of a value the command decodes, from `onenote_api`.
fn rust_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::DateTime => quote!(onenote_api::DateTime),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(onenote_api::#name)
        }
        TypeRef::Array(inner) => {
            let inner = rust_type(inner);
            quote!(Vec<#inner>)
        }
    }
}

/// One command's `run` function: the location match, the typed call, its options, the answer.
fn run_tokens(model: &Model, types: &Types, command: &Command) -> TokenStream {
    let op = model.operation(command.operation);
    let run = run_ident(&command.words);
    let builder = ident(&op.builder);
    let mut chain = TokenStream::new();
    for id in &command.resources {
        let resource = model.resource(*id);
        let accessor = ident(&resource.accessor);
        let args = resource.params.iter().map(path_value);
        chain.extend(quote!(.#accessor(#(#args),*)));
    }
    let call = ident(&op.call);
    let mut args: Vec<TokenStream> = op.params.iter().map(path_value).collect();
    match &op.body {
        Some(BodyModel::Json(ty)) => {
            let ty = rust_type(ty);
            args.push(quote!(inputs.json_body::<#ty>()?));
        }
        Some(BodyModel::Text { .. }) => args.push(quote!(inputs.text_body()?)),
        Some(BodyModel::Multipart(_)) => args.push(quote!(inputs.multipart()?)),
        None => {}
    }
    let build = quote!(#chain.#call(#(#args),*));
    let top_host = command
        .resources
        .first()
        .map(|id| &model.resource(*id).hosts)
        .map_or_else(|| op.hosts.first().cloned(), |hosts| hosts.first().cloned());
    let uses_inputs = !args.is_empty()
        || command
            .resources
            .iter()
            .any(|id| !model.resource(*id).params.is_empty());
    let request = if top_host == Some(Host::Client) {
        quote!(cx.client()? #build)
    } else {
        location_match(model, op, &builder, &build, uses_inputs)
    };
    let options = option_setters(types, op);
    let answer = answer_tokens(types, op);
    let path = command.path();
    let doc = format!(" `onenote {path}`: `{}`.", op.id);
    quote! {
        #[doc = #doc]
        #[allow(non_snake_case)]
        fn #run<'a>(cx: &'a Context, inputs: &'a Inputs<'a>) -> Run<'a> {
            Box::pin(async move {
                #[allow(unused_mut)]
                let mut request: onenote_api::#builder = #request;
                #(#options)*
                #answer
            })
        }
    }
}

fn path_value(param: &ParamModel) -> TokenStream {
    let id = word(&param.rust);
    if param.ty == TypeRef::Integer {
        quote!(inputs.required::<i64>(#id)?)
    } else {
        quote!(inputs.required::<String>(#id)?)
    }
}

/// `match cx.location()? { … }`: the request built at each location the operation exists at,
/// and a refusal naming those locations at the others.
fn location_match(
    model: &Model,
    op: &OperationModel,
    builder: &Ident,
    build: &TokenStream,
    uses_inputs: bool,
) -> TokenStream {
    let allowed = |index: usize| {
        op.locations
            .as_ref()
            .is_none_or(|ids| ids.iter().any(|id| id.0 == index))
    };
    let flags: Vec<String> = model
        .api
        .locations
        .iter()
        .enumerate()
        .filter(|(index, _)| allowed(*index))
        .map(|(_, l)| l.key.clone())
        .collect();
    let arms = model
        .api
        .locations
        .iter()
        .enumerate()
        .map(|(index, location)| {
            let marker = ident(&location.marker);
            let accessor = ident(&location.accessor);
            let names: Vec<Ident> = location.params.iter().map(|p| ident(&p.rust)).collect();
            let values = location.params.iter().map(|p| {
                let name = ident(&p.rust);
                if p.ty == TypeRef::Integer {
                    quote!(*#name)
                } else {
                    quote!(#name)
                }
            });
            let pattern = match (location.params.is_empty(), allowed(index)) {
                (true, _) => quote!(Location::#marker),
                (false, true) => quote!(Location::#marker { #(#names),* }),
                (false, false) => quote!(Location::#marker { .. }),
            };
            if allowed(index) {
                quote!(#pattern => {
                    let notes = cx.client()?.#accessor(#(#values),*);
                    request(notes, inputs)?
                })
            } else {
                quote!(#pattern => return Err(inputs.not_at_location(&[#(#flags),*])),)
            }
        });
    // Location-restricted operations are methods of one location's handles only, so the
    // builder function is written for that location; the others are generic.
    let notes_type = match op.locations.as_deref() {
        Some([only]) => {
            let marker = ident(&model.location(*only).marker);
            quote!(onenote_api::Notes<onenote_api::#marker>)
        }
        _ => quote!(onenote_api::Notes<L>),
    };
    let generics = match op.locations.as_deref() {
        Some([_]) => TokenStream::new(),
        _ => quote!(<L: onenote_api::Location>),
    };
    let inputs = if uses_inputs {
        quote!(inputs)
    } else {
        quote!(_inputs)
    };
    quote! {{
        fn request #generics (notes: #notes_type, #inputs: &Inputs<'_>) -> Result<onenote_api::#builder, Failure> {
            Ok(notes #build)
        }
        match inputs.location()? {
            #(#arms)*
        }
    }}
}

fn option_setters(types: &Types, op: &OperationModel) -> Vec<TokenStream> {
    let mut setters = Vec::new();
    for query in &op.query {
        let QueryValue::Typed(ty) = &query.value else {
            continue;
        };
        let id = word(&query.rust);
        let setter = ident(&query.rust);
        let ty = rust_type(ty);
        setters.push(quote! {
            if let Some(value) = inputs.value::<#ty>(#id)? {
                request = request.#setter(value);
            }
        });
    }
    for option in &op.odata {
        let name = option.as_str();
        let setter = ident(name);
        let ty = match option {
            ODataOption::Select | ODataOption::Expand => quote!(Vec<String>),
            ODataOption::Top | ODataOption::Skip => quote!(u32),
            ODataOption::Count => quote!(bool),
            ODataOption::Filter | ODataOption::Orderby => quote!(String),
        };
        setters.push(quote! {
            if let Some(value) = inputs.value::<#ty>(#name)? {
                request = request.#setter(value);
            }
        });
    }
    let _ = types;
    setters
}

fn answer_tokens(types: &Types, op: &OperationModel) -> TokenStream {
    let columns = |ty: &TypeRef| {
        let columns = types.columns(ty);
        quote!(&[#(#columns),*])
    };
    let sync = match &op.response {
        _ if op.async_form == AsyncForm::Only || is_accepted(op) => {
            quote!(inputs.follow(request.send().await?).await)
        }
        ResponseModel::Empty => quote!(inputs.done(request.send_with_meta().await?)),
        ResponseModel::Json(ty) => {
            let columns = columns(ty);
            quote!(inputs.one(request.send().await?, #columns))
        }
        ResponseModel::Page(ty) => {
            let columns = columns(ty);
            quote!(inputs.list(request, #columns).await)
        }
        ResponseModel::Text { .. } => quote!(inputs.text(request.send().await?)),
        ResponseModel::Bytes { .. } => quote!(inputs.bytes(request.send().await?)),
    };
    if op.async_form == AsyncForm::Optional {
        quote! {
            if inputs.asynchronous() {
                return inputs.started(request.respond_async().send().await?);
            }
            #sync
        }
    } else {
        sync
    }
}
