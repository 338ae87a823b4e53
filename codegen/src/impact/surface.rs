//! The public surface of a model: every item a user of the generated client (or of the
//! `onenote` command) names or calls, each with the facts their code depends on.
//!
//! This is what the emitters make of each model element, seen from outside the crate: a type
//! is a struct with public fields, a `new` taking the required ones and a `with_` setter per
//! optional one (`emit/types.rs`), or an enum with a variant per value and `Unknown`; a
//! resource is a handle alias and an accessor on each host (`emit/resources.rs`); an operation
//! is a method on each host, its builder alias, the builder's setters and what `send` returns
//! (`emit/operations.rs`); the API section is `Version`, `DEFAULT_BASE_URL` and the location
//! accessors (`emit/api.rs`); the command line is `cli::tree`. A unit test holds the argument
//! and field types written here to the code emit generates.
//!
//! Items are keyed by what identifies them to a caller (a Rust name, an operation id), so a
//! change of anything else about them is a change of one of their facts, not a removal.

use std::collections::BTreeMap;

use crate::cli::{self, CommandNode, NodeKind};
use crate::model::{
    AsyncForm, BodyModel, Constraints, Host, Model, Module, OperationModel, ParamModel, Part,
    PathTemplate, QueryValue, ResourceId, ResponseModel, Rule, TypeKind, TypeModel, TypeRef,
};

/// Generated structs are not `#[non_exhaustive]` (`emit/types.rs`): code outside the crate may
/// build one with a struct literal, which a new field breaks.
pub(super) const STRUCTS_EXHAUSTIVE: bool = true;

/// Generated enums are not `#[non_exhaustive]` (`emit/types.rs`, `emit/api.rs`): a `match`
/// outside the crate may list every variant, which a new variant breaks.
pub(super) const ENUMS_EXHAUSTIVE: bool = true;

/// Past this many ways to reach one handle, a label lists the first ones and `…`.
const MAX_CHAINS: usize = 6;

/// The public items of one model, by key.
pub(super) struct Surface {
    pub(super) items: BTreeMap<String, Item>,
}

/// One public item.
pub(super) struct Item {
    pub(super) kind: Kind,
    /// How a caller writes it: `CreateClassNotebook::new`,
    /// `notes.class_notebook(notebook_id).students().add(body)`, `onenote class-notebooks list`.
    pub(super) label: String,
    /// The spec file it comes from.
    pub(super) source: String,
    /// The item it belongs to (a field's struct, a setter's builder): when both appear or go,
    /// only the parent is reported.
    pub(super) parent: Option<String>,
    pub(super) facts: BTreeMap<Aspect, Fact>,
}

/// What kind of item it is, as the report names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Kind {
    Module,
    Struct,
    Field,
    Constructor,
    Setter,
    Enum,
    Variant,
    Constant,
    Location,
    Handle,
    Operation,
    Builder,
    BuilderSetter,
    BodyPart,
    Command,
}

impl Kind {
    pub(super) fn name(self) -> &'static str {
        match self {
            Kind::Module => "module",
            Kind::Struct => "struct",
            Kind::Field => "field",
            Kind::Constructor => "constructor",
            Kind::Setter => "setter",
            Kind::Enum => "enum",
            Kind::Variant => "variant",
            Kind::Constant => "constant",
            Kind::Location => "location",
            Kind::Handle => "handle",
            Kind::Operation => "call",
            Kind::Builder => "request builder",
            Kind::BuilderSetter => "builder method",
            Kind::BodyPart => "body part",
            Kind::Command => "command",
        }
    }
}

/// Which fact about an item: an item has at most one of each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Aspect {
    /// `Text`: the public module it is declared in.
    Module,
    /// `Flag`: a struct literal or an exhaustive `match` is possible outside the crate.
    Exhaustive,
    /// `Flag`: the struct implements `Default`.
    Default,
    /// `Field`: a field's type.
    FieldType,
    /// `Text`: a one-argument setter's argument type.
    Argument,
    /// `Args`: a function's arguments.
    Arguments,
    /// `Text`: the method's name on its hosts.
    Method,
    /// `Hosts`: the handles the method is on.
    Hosts,
    /// `Locations`: the locations where it exists.
    Locations,
    /// `Text`: the name or value on the wire.
    Wire,
    /// `Texts`: other names accepted when decoding.
    Aliases,
    /// `Flag`: received values match ignoring case, spaces, `_` and `-`.
    Lenient,
    /// `Text`: the HTTP method.
    HttpMethod,
    /// `Path`: the path from the host.
    Path,
    /// `Text`: the status that means success.
    Status,
    /// `Text`: the `Accept` sent.
    Accept,
    /// `Flag`: always sent with `Prefer: respond-async`.
    AsyncOnly,
    /// `Text`: what `.send().await` gives.
    Returns,
    /// `Texts`: query parameters always sent (`name=value`).
    ConstQuery,
    /// `Text`: the declared part sent alone as the whole body (empty: none).
    Alone,
    /// `Flag`: a body part the request is refused without.
    Required,
    /// `Text`: a body part's media type.
    MediaType,
    /// `Max`: the largest value (or size) accepted before sending.
    Max,
    /// `Rules`: what a field, query parameter or text part must be to be sent.
    Rules,
    /// `Texts`: an object's fields a request sends as alternatives, one group a text
    /// (`siteCollectionId + siteId`); none when the type has no such groups.
    Exclusive,
    /// `Flag`: a request carries the enum, so a value it does not list is refused before
    /// sending (a request's enums are closed, a response's open).
    ClosedOnRequests,
    /// `Text`: a constant's value.
    Value,
    /// `Texts`: the permission scopes the docs name.
    Scopes,
    /// `Text`: the spec's docs for it.
    Doc,
}

/// The value of one fact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Fact {
    Flag(bool),
    Text(String),
    Texts(Vec<String>),
    /// `None`: no limit.
    Max(Option<u64>),
    Field(FieldShape),
    Args(Vec<Arg>),
    /// The handles, by key (the Rust type), each with how a caller reaches it.
    Hosts(Vec<(String, String)>),
    /// `None`: every location.
    Locations(Option<Vec<String>>),
    Path(PathShape),
    Rules(Limits),
}

/// The rules an input is checked against before sending (`model::Constraints` without its
/// source, which is docs): each a limit and the error code a broken one is refused with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Limits {
    pub(super) min_length: Option<Rule<u32>>,
    pub(super) max_length: Option<Rule<u32>>,
    pub(super) forbidden_characters: Option<Rule<String>>,
    /// The regular expression alone: its meaning is docs.
    pub(super) pattern: Option<Rule<String>>,
    pub(super) min_items: Option<Rule<u32>>,
}

impl Limits {
    fn of(constraints: &Constraints) -> Fact {
        Fact::Rules(Limits {
            min_length: constraints.min_length.clone(),
            max_length: constraints.max_length.clone(),
            forbidden_characters: constraints.forbidden_characters.clone(),
            pattern: constraints.pattern.as_ref().map(|rule| Rule {
                value: rule.value.regex.clone(),
                code: rule.code.clone(),
            }),
            min_items: constraints.min_items.clone(),
        })
    }
}

/// A struct field's type as the struct declares it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct FieldShape {
    pub(super) ty: String,
    pub(super) required: bool,
    pub(super) nullable: bool,
}

impl FieldShape {
    /// The Rust type of the field (`Option<Vec<Principal>>`), as emit writes it.
    pub(super) fn rust(&self) -> String {
        let ty = &self.ty;
        match (self.required, self.nullable) {
            (true, false) => ty.clone(),
            (true, true) | (false, false) => format!("Option<{ty}>"),
            (false, true) => format!("Option<Nullable<{ty}>>"),
        }
    }
}

/// One argument of a function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Arg {
    pub(super) name: String,
    pub(super) ty: String,
}

/// A path as a caller's request takes it: compared without parameter names (renaming `{id}`
/// sends the same request), shown with them.
#[derive(Clone, Debug)]
pub(super) struct PathShape {
    pub(super) erased: String,
    pub(super) shown: String,
}

impl PartialEq for PathShape {
    fn eq(&self, other: &Self) -> bool {
        self.erased == other.erased
    }
}

impl Eq for PathShape {}

/// Every public item of `model`.
pub(super) fn surface(model: &Model) -> Surface {
    let mut surface = Surface {
        items: BTreeMap::new(),
    };
    api_items(model, &mut surface);
    for module in &model.modules {
        surface.add(
            format!("module:{}", module.name),
            Item::new(
                Kind::Module,
                format!("onenote_api::{}", module.name),
                &module.source,
            )
            .fact(Aspect::Doc, Fact::Text(module.doc.clone())),
        );
        for ty in &module.types {
            type_items(module, ty, &mut surface);
        }
        for id in &module.resources {
            resource_item(model, module, *id, &mut surface);
        }
        for op in model.module_operations(module) {
            operation_items(model, module, op, &mut surface);
        }
    }
    command_items(model, &cli::tree(model), None, &mut surface);
    surface
}

impl Surface {
    fn add(&mut self, key: String, item: Item) {
        self.items.insert(key, item);
    }
}

impl Item {
    fn new(kind: Kind, label: String, source: &str) -> Self {
        Item {
            kind,
            label,
            source: source.to_owned(),
            parent: None,
            facts: BTreeMap::new(),
        }
    }

    fn fact(mut self, aspect: Aspect, fact: Fact) -> Self {
        self.facts.insert(aspect, fact);
        self
    }

    fn text(self, aspect: Aspect, text: impl Into<String>) -> Self {
        self.fact(aspect, Fact::Text(text.into()))
    }

    fn parent(mut self, key: &str) -> Self {
        self.parent = Some(key.to_owned());
        self
    }

    /// The fact's flag, `false` when the item has none.
    pub(super) fn flag(&self, aspect: Aspect) -> bool {
        matches!(self.facts.get(&aspect), Some(Fact::Flag(true)))
    }
}

/// `Version` and its variants, `DEFAULT_BASE_URL`, the notes root, the location accessors.
fn api_items(model: &Model, surface: &mut Surface) {
    let api = &model.api;
    let source = api.source.as_str();
    let default = api
        .versions
        .get(api.default_version)
        .map(|v| v.segment.clone())
        .unwrap_or_default();
    surface.add(
        "api:version".to_owned(),
        Item::new(Kind::Enum, "Version".to_owned(), source)
            .fact(Aspect::Exhaustive, Fact::Flag(ENUMS_EXHAUSTIVE))
            .text(Aspect::Value, format!("default `{default}`")),
    );
    for version in &api.versions {
        surface.add(
            format!("api:version:{}", version.variant),
            Item::new(
                Kind::Variant,
                format!("Version::{}", version.variant),
                source,
            )
            .parent("api:version")
            .text(Aspect::Wire, &version.segment)
            .text(Aspect::Doc, &version.doc),
        );
    }
    surface.add(
        "api:base-url".to_owned(),
        Item::new(Kind::Constant, "DEFAULT_BASE_URL".to_owned(), source)
            .text(Aspect::Value, format!("`{}`", api.base_url))
            .text(Aspect::Doc, &api.doc),
    );
    surface.add(
        "api:notes-root".to_owned(),
        Item::new(Kind::Handle, "notes".to_owned(), source).fact(
            Aspect::Path,
            Fact::Path(PathShape {
                erased: api.notes_root.clone(),
                shown: format!("{{base}}/{{version}}/{{location}}/{}", api.notes_root),
            }),
        ),
    );
    for location in &api.locations {
        surface.add(
            format!("location:{}", location.accessor),
            Item::new(
                Kind::Location,
                format!(
                    "client.{}({})",
                    location.accessor,
                    arg_names(&location.params)
                ),
                source,
            )
            .fact(Aspect::Arguments, Fact::Args(param_args(&location.params)))
            .fact(Aspect::Path, path(&location.path, "{base}/{version}/"))
            .text(Aspect::Doc, docs(&location.doc, &location.params)),
        );
    }
}

/// A struct with its fields, constructor and setters, or an enum with its variants.
fn type_items(module: &Module, ty: &TypeModel, surface: &mut Surface) {
    let key = format!("type:{}", ty.name);
    let source = module.source.as_str();
    let module_path = format!("onenote_api::{}", module.name);
    match &ty.kind {
        TypeKind::Object { fields } => {
            let all_optional = fields.iter().all(|f| !f.required);
            surface.add(
                key.clone(),
                Item::new(Kind::Struct, ty.name.clone(), source)
                    .text(Aspect::Module, &module_path)
                    .fact(Aspect::Exhaustive, Fact::Flag(STRUCTS_EXHAUSTIVE))
                    .fact(Aspect::Default, Fact::Flag(all_optional))
                    .fact(Aspect::Exclusive, Fact::Texts(exclusive_groups(ty)))
                    .text(Aspect::Doc, &ty.doc),
            );
            let required: Vec<Arg> = fields
                .iter()
                .filter(|f| f.required)
                .map(|f| Arg {
                    name: f.rust.clone(),
                    ty: if f.ty == TypeRef::String && !f.nullable {
                        "impl Into<String>".to_owned()
                    } else {
                        field_shape(f).rust()
                    },
                })
                .collect();
            if !required.is_empty() {
                surface.add(
                    format!("{key}::new"),
                    Item::new(Kind::Constructor, format!("{}::new", ty.name), source)
                        .parent(&key)
                        .fact(Aspect::Arguments, Fact::Args(required)),
                );
            }
            for field in fields {
                surface.add(
                    format!("{key}.{}", field.rust),
                    Item::new(Kind::Field, format!("{}::{}", ty.name, field.rust), source)
                        .parent(&key)
                        .fact(Aspect::FieldType, Fact::Field(field_shape(field)))
                        .text(Aspect::Wire, &field.wire)
                        .fact(Aspect::Aliases, Fact::Texts(field.aliases.clone()))
                        .fact(Aspect::Rules, Limits::of(&field.constraints))
                        .text(Aspect::Doc, &field.doc),
                );
                if field.required {
                    continue;
                }
                let setter = format!("with_{}", field.rust.trim_start_matches("r#"));
                let arg = match (&field.ty, field.nullable) {
                    (TypeRef::String, false) => "impl Into<String>".to_owned(),
                    (ty, false) => rust_type(ty),
                    (ty, true) => format!("impl Into<Nullable<{}>>", rust_type(ty)),
                };
                surface.add(
                    format!("{key}::{setter}"),
                    Item::new(Kind::Setter, format!("{}::{setter}", ty.name), source)
                        .parent(&key)
                        .text(Aspect::Argument, arg),
                );
            }
        }
        TypeKind::Enum { values, lenient } => {
            surface.add(
                key.clone(),
                Item::new(Kind::Enum, ty.name.clone(), source)
                    .text(Aspect::Module, &module_path)
                    .fact(Aspect::Exhaustive, Fact::Flag(ENUMS_EXHAUSTIVE))
                    .fact(Aspect::Lenient, Fact::Flag(*lenient))
                    .fact(Aspect::ClosedOnRequests, Fact::Flag(ty.usage.requests))
                    .text(Aspect::Doc, &ty.doc),
            );
            for value in values {
                surface.add(
                    format!("{key}::{}", value.variant),
                    Item::new(
                        Kind::Variant,
                        format!("{}::{}", ty.name, value.variant),
                        source,
                    )
                    .parent(&key)
                    .text(Aspect::Wire, &value.wire)
                    .text(Aspect::Doc, &value.doc),
                );
            }
            // Every generated enum keeps values it does not know in `Unknown`.
            surface.add(
                format!("{key}::Unknown"),
                Item::new(Kind::Variant, format!("{}::Unknown", ty.name), source).parent(&key),
            );
        }
    }
}

/// Each group of fields a request sends as alternatives, as `a + b`.
fn exclusive_groups(ty: &TypeModel) -> Vec<String> {
    ty.exclusive
        .iter()
        .flat_map(|exclusive| &exclusive.groups)
        .map(|group| group.join(" + "))
        .collect()
}

/// A resource: its handle alias and the accessor that reaches it on each host.
fn resource_item(model: &Model, module: &Module, id: ResourceId, surface: &mut Surface) {
    let resource = model.resource(id);
    let reached = resource
        .hosts
        .iter()
        .flat_map(|host| host_chains(model, host, 0))
        .collect::<Vec<_>>();
    let tail = format!(".{}({})", resource.accessor, arg_names(&resource.params));
    surface.add(
        format!("resource:{}", resource.name),
        Item::new(Kind::Handle, call_label(&reached, &tail), &module.source)
            .text(Aspect::Module, format!("onenote_api::{}", module.name))
            .text(Aspect::Method, &resource.accessor)
            .fact(Aspect::Hosts, hosts(model, &resource.hosts))
            .fact(Aspect::Arguments, Fact::Args(param_args(&resource.params)))
            .fact(Aspect::Path, path(&resource.path_from_host, "…/"))
            .text(Aspect::Doc, docs(&resource.doc, &resource.params)),
    );
}

/// An operation: the method on each host, its builder, the builder's setters, its body parts.
fn operation_items(model: &Model, module: &Module, op: &OperationModel, surface: &mut Surface) {
    let key = format!("operation:{}", op.id);
    let source = module.source.as_str();
    let reached = op
        .hosts
        .iter()
        .flat_map(|host| host_chains(model, host, 0))
        .collect::<Vec<_>>();
    let mut args = param_args(&op.params);
    if let Some(body) = &op.body {
        args.push(Arg {
            name: "body".to_owned(),
            ty: body_arg(body),
        });
    }
    let names = args
        .iter()
        .map(|a| a.name.trim_start_matches("r#"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut doc = docs(&op.doc, &op.params);
    for text in [&op.body_doc, &op.response_doc]
        .into_iter()
        .chain(op.odata_docs.values())
    {
        doc.push('\n');
        doc.push_str(text);
    }
    let locations = op.locations.as_ref().map(|ids| {
        ids.iter()
            .map(|id| model.location(*id).key.clone())
            .collect()
    });
    let const_query = op
        .query
        .iter()
        .filter_map(|q| match &q.value {
            QueryValue::Const(value) => Some(format!("{}={value}", q.wire)),
            QueryValue::Typed(_) => None,
        })
        .collect();
    let async_only = op.async_form == AsyncForm::Only;
    surface.add(
        key.clone(),
        Item::new(
            Kind::Operation,
            call_label(&reached, &format!(".{}({names})", op.call)),
            source,
        )
        .text(Aspect::Method, &op.call)
        .fact(Aspect::Hosts, hosts(model, &op.hosts))
        .fact(Aspect::Locations, Fact::Locations(locations))
        .fact(Aspect::Arguments, Fact::Args(args))
        .text(Aspect::HttpMethod, op.method.as_str())
        .fact(Aspect::Path, path(&op.path_from_host, "…/"))
        .text(
            Aspect::Status,
            if async_only {
                "202".to_owned()
            } else {
                op.status.to_string()
            },
        )
        .text(Aspect::Accept, op.response.accept())
        .fact(Aspect::AsyncOnly, Fact::Flag(async_only))
        .text(Aspect::Returns, returns(op))
        .fact(Aspect::ConstQuery, Fact::Texts(const_query))
        .fact(Aspect::Scopes, Fact::Texts(op.scopes.clone()))
        .text(Aspect::Doc, doc),
    );
    builder_items(module, op, &key, surface);
}

/// The builder alias, its query and OData setters, `respond_async`, and the body's parts.
fn builder_items(module: &Module, op: &OperationModel, op_key: &str, surface: &mut Surface) {
    let key = format!("builder:{}", op.id);
    let source = module.source.as_str();
    let builder = &op.builder;
    let alone = match &op.body {
        Some(BodyModel::Multipart(multipart)) => multipart.alone.clone().unwrap_or_default(),
        _ => String::new(),
    };
    surface.add(
        key.clone(),
        Item::new(Kind::Builder, builder.clone(), source)
            .parent(op_key)
            .text(Aspect::Module, format!("onenote_api::{}", module.name))
            .text(Aspect::Alone, alone),
    );
    let setter = |name: &str| {
        Item::new(Kind::BuilderSetter, format!("{builder}::{name}"), source).parent(&key)
    };
    for query in &op.query {
        if let QueryValue::Typed(ty) = &query.value {
            let arg = match ty {
                TypeRef::String => "impl Into<String>".to_owned(),
                _ => rust_type(ty),
            };
            surface.add(
                format!("{key}::{}", query.rust),
                setter(&query.rust)
                    .text(Aspect::Argument, arg)
                    .text(Aspect::Wire, &query.wire)
                    .fact(Aspect::Rules, Limits::of(&query.constraints))
                    .text(Aspect::Doc, &query.doc),
            );
        }
    }
    for option in &op.odata {
        let max = op.odata_max.get(option).map(|max| u64::from(max.value));
        surface.add(
            format!("{key}::{}", option.as_str()),
            setter(option.as_str()).fact(Aspect::Max, Fact::Max(max)),
        );
    }
    if op.async_form == AsyncForm::Optional {
        surface.add(format!("{key}::respond_async"), setter("respond_async"));
    }
    let Some(BodyModel::Multipart(multipart)) = &op.body else {
        return;
    };
    for part in &multipart.parts {
        surface.add(
            format!("{key}:part:{}", part.name),
            Item::new(
                Kind::BodyPart,
                format!("{builder} part `{}`", part.name),
                source,
            )
            .parent(&key)
            .fact(Aspect::Required, Fact::Flag(part.required))
            .text(Aspect::MediaType, part.content.media_type())
            .fact(Aspect::Rules, Limits::of(&part.constraints))
            .text(Aspect::Doc, &part.doc),
        );
    }
    if let Some(binary) = &multipart.binary_parts {
        surface.add(
            format!("{key}:binary-parts"),
            Item::new(Kind::BodyPart, format!("{builder} binary parts"), source)
                .parent(&key)
                .fact(Aspect::Max, Fact::Max(Some(binary.max_bytes)))
                .text(Aspect::Doc, &binary.doc),
        );
    }
}

/// Every node of the `onenote` command tree: a resource's subcommand or an operation's leaf.
fn command_items(
    model: &Model,
    nodes: &[CommandNode],
    parent: Option<(&str, &str)>,
    surface: &mut Surface,
) {
    for node in nodes {
        let (key, label) = match parent {
            Some((key, label)) => (
                format!("{key} {}", node.word),
                format!("{label} {}", node.word),
            ),
            None => (
                format!("command:{}", node.word),
                format!("onenote {}", node.word),
            ),
        };
        let source = match node.kind {
            NodeKind::Resource(id) => module_of(model, |m| m.resources.contains(&id)),
            NodeKind::Operation(id) => module_of(model, |m| m.operations.contains(&id)),
        };
        let mut item = Item::new(Kind::Command, label.clone(), source);
        if let Some((parent_key, _)) = parent {
            item = item.parent(parent_key);
        }
        surface.add(key.clone(), item);
        command_items(model, &node.children, Some((&key, &label)), surface);
    }
}

/// The spec file of the module that holds something.
fn module_of(model: &Model, holds: impl Fn(&Module) -> bool) -> &str {
    model
        .modules
        .iter()
        .find(|m| holds(m))
        .map_or("", |m| m.source.as_str())
}

/// How a caller writes a host: `client`, `notes` (any location's root, `client.me()` …), or
/// the chain of accessors to a resource, one per way to reach it.
fn host_chains(model: &Model, host: &Host, depth: usize) -> Vec<String> {
    match host {
        Host::Client => vec!["client".to_owned()],
        Host::Notes => vec!["notes".to_owned()],
        // Validate rejects cycles; the bound keeps a model built some other way finite.
        Host::Resource(_) if depth > 16 => vec!["…".to_owned()],
        Host::Resource(id) => {
            let resource = model.resource(*id);
            let tail = format!(".{}({})", resource.accessor, arg_names(&resource.params));
            let mut chains: Vec<String> = resource
                .hosts
                .iter()
                .flat_map(|host| host_chains(model, host, depth + 1))
                .map(|chain| format!("{chain}{tail}"))
                .collect();
            if chains.len() > MAX_CHAINS {
                chains.truncate(MAX_CHAINS);
                chains.push("…".to_owned());
            }
            chains
        }
    }
}

/// One label for a call reached several ways: the shared start, then the alternatives in braces
/// (`notes.{notebook(notebook_id) | section_group(section_group_id)}.sections()`).
fn call_label(chains: &[String], tail: &str) -> String {
    match chains {
        [] => tail.trim_start_matches('.').to_owned(),
        [one] => format!("{one}{tail}"),
        [first, rest @ ..] => {
            let mut shared = first.len();
            for chain in rest {
                shared = shared.min(
                    first
                        .char_indices()
                        .zip(chain.chars())
                        .find(|((_, a), b)| a != b)
                        .map_or(first.len().min(chain.len()), |((at, _), _)| at),
                );
            }
            // Cut back to the last `.` so the alternatives are whole accessor calls.
            let prefix = first[..shared].rfind('.').map_or(0, |at| at + 1);
            let alternatives = chains
                .iter()
                .map(|c| &c[prefix..])
                .collect::<Vec<_>>()
                .join(" | ");
            format!("{}{{{alternatives}}}{tail}", &first[..prefix])
        }
    }
}

/// The hosts of a method or accessor, each by its Rust type and how a caller reaches it.
fn hosts(model: &Model, hosts: &[Host]) -> Fact {
    let mut list: Vec<(String, String)> = hosts
        .iter()
        .map(|host| {
            let key = match host {
                Host::Client => "Client".to_owned(),
                Host::Notes => "Notes".to_owned(),
                Host::Resource(id) => model.resource(*id).name.clone(),
            };
            (key, call_label(&host_chains(model, host, 0), ""))
        })
        .collect();
    list.sort();
    Fact::Hosts(list)
}

/// The arguments a path parameter becomes (`emit/paths.rs`).
fn param_args(params: &[ParamModel]) -> Vec<Arg> {
    params
        .iter()
        .map(|p| Arg {
            name: p.rust.clone(),
            ty: match p.ty {
                TypeRef::Integer => "i64".to_owned(),
                _ => "impl AsRef<str>".to_owned(),
            },
        })
        .collect()
}

/// The arguments' names, for a label: `notebook_id, page_id`.
fn arg_names(params: &[ParamModel]) -> String {
    params
        .iter()
        .map(|p| p.rust.trim_start_matches("r#"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An item's docs and its parameters' docs, compared as one text.
fn docs(doc: &str, params: &[ParamModel]) -> String {
    let mut text = doc.to_owned();
    for param in params {
        text.push_str(&format!("\n{}: {}", param.rust, param.doc));
    }
    text
}

/// The `body` argument's type (`emit/operations.rs`).
fn body_arg(body: &BodyModel) -> String {
    match body {
        BodyModel::Json(ty) => rust_type(ty),
        BodyModel::Text { .. } => "impl Into<String>".to_owned(),
        BodyModel::Multipart(_) => "impl Into<Multipart>".to_owned(),
    }
}

/// What `.send().await` gives (the runtime's `Receive::Output` of the operation's response).
fn returns(op: &OperationModel) -> String {
    if op.async_form == AsyncForm::Only || op.status == 202 {
        return "OperationHandle".to_owned();
    }
    match &op.response {
        ResponseModel::Empty => "()".to_owned(),
        ResponseModel::Json(ty) => rust_type(ty),
        ResponseModel::Page(ty) => format!("Page<{}>", rust_type(ty)),
        ResponseModel::Text { .. } => "String".to_owned(),
        ResponseModel::Bytes { .. } => "Bytes".to_owned(),
    }
}

/// A struct field's type.
fn field_shape(field: &crate::model::FieldModel) -> FieldShape {
    FieldShape {
        ty: rust_type(&field.ty),
        required: field.required,
        nullable: field.nullable,
    }
}

/// A type reference as a caller writes it (the crate's types by their root name).
pub(super) fn rust_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::Boolean => "bool".to_owned(),
        TypeRef::Integer => "i64".to_owned(),
        TypeRef::Number => "f64".to_owned(),
        TypeRef::DateTime => "DateTime".to_owned(),
        TypeRef::Json => "serde_json::Value".to_owned(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Array(inner) => format!("Vec<{}>", rust_type(inner)),
    }
}

/// A path after `prefix` (`…/` for one from a host), shown as written and compared without
/// parameter names.
fn path(template: &PathTemplate, prefix: &str) -> Fact {
    let erased = template
        .segments
        .iter()
        .map(|segment| {
            segment
                .parts
                .iter()
                .map(|part| match part {
                    Part::Literal(text) => text.clone(),
                    Part::Param(_) => "{}".to_owned(),
                    Part::QuotedParam(_) => "'{}'".to_owned(),
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("/");
    let shown = if template.is_empty() {
        prefix.trim_end_matches('/').to_owned()
    } else {
        format!("{prefix}{template}")
    };
    Fact::Path(PathShape { erased, shown })
}

#[cfg(test)]
mod tests {
    //! The surface says what emit generates: every signature written above is found in the
    //! emitted code of the real spec and of the every-construct fixture.

    use std::path::Path;

    use super::*;
    use crate::emit::{self, Code, docs::DocMode};

    /// The emitted code of a spec folder (from the workspace root) without whitespace or
    /// `crate::`, and its model.
    fn emitted(relative: &str) -> (Model, String) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let sources = crate::source::read_spec_folder(&root.join(relative), Path::new(relative))
            .unwrap_or_else(|e| panic!("{e}"));
        let model = crate::load(&sources).unwrap_or_else(|d| panic!("{d}"));
        let mut code = String::new();
        for file in emit::files(&model, DocMode::Deferred) {
            for piece in file.pieces {
                match piece.code {
                    Code::Tokens(tokens) => code.push_str(&tokens.to_string()),
                    Code::Text(text) => code.push_str(&text),
                }
            }
        }
        (model, compact(&code).replace("crate::", ""))
    }

    /// `text` without whitespace, and without the comma a parameter list broken a line a
    /// parameter ends with (pieces emitted as text are laid out; token pieces are not).
    fn compact(text: &str) -> String {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        compact.replace(",)", ")")
    }

    fn args(item: &Item) -> String {
        match item.facts.get(&Aspect::Arguments) {
            Some(Fact::Args(args)) => args
                .iter()
                .map(|a| format!("{}:{}", a.name, a.ty))
                .collect::<Vec<_>>()
                .join(","),
            other => panic!("{}: no arguments ({other:?})", item.label),
        }
    }

    fn text(item: &Item, aspect: Aspect) -> String {
        match item.facts.get(&aspect) {
            Some(Fact::Text(text)) => text.clone(),
            other => panic!("{}: no {aspect:?} ({other:?})", item.label),
        }
    }

    /// The signature each item promises, as emit writes it.
    fn expected(model: &Model, key: &str, item: &Item) -> Option<String> {
        let name = item.label.rsplit("::").next().unwrap_or_default();
        let signature = match item.kind {
            Kind::Field => match item.facts.get(&Aspect::FieldType) {
                Some(Fact::Field(shape)) => format!("pub {name}: {},", shape.rust()),
                _ => return None,
            },
            Kind::Constructor => format!("pub fn new({}) -> Self", args(item)),
            Kind::Setter => format!(
                "pub fn {name}(mut self, value: {}) -> Self",
                text(item, Aspect::Argument)
            ),
            Kind::BuilderSetter if item.facts.contains_key(&Aspect::Argument) => format!(
                "pub fn {name}(mut self, value: {}) -> Self",
                text(item, Aspect::Argument)
            ),
            Kind::Location => {
                let location = model
                    .api
                    .locations
                    .iter()
                    .find(|l| key == format!("location:{}", l.accessor))?;
                format!(
                    "pub fn {}(&self, {}) -> Notes<{}>",
                    location.accessor,
                    args(item),
                    location.marker
                )
            }
            Kind::Handle => {
                let resource = model
                    .resources
                    .iter()
                    .find(|r| key == format!("resource:{}", r.name))?;
                format!(
                    "pub fn {}(&self, {}) -> {}<L>",
                    resource.accessor,
                    args(item),
                    resource.name
                )
            }
            Kind::Operation => {
                let op = model
                    .operations
                    .iter()
                    .find(|op| key == format!("operation:{}", op.id))?;
                let returns = match text(item, Aspect::Returns).as_str() {
                    "OperationHandle" => "OperationHandle".to_owned(),
                    "()" => "()".to_owned(),
                    "String" => "String".to_owned(),
                    "Bytes" => "Bytes".to_owned(),
                    page if page.starts_with("Page<") => page.to_owned(),
                    json => format!("Json<{json}>"),
                };
                return Some(format!(
                    "{};{}",
                    compact(&format!(
                        "pub fn {}(&self, {}) -> {}",
                        op.call,
                        args(item),
                        op.builder
                    )),
                    compact(&format!("type Response = {returns};"))
                ));
            }
            _ => return None,
        };
        Some(compact(&signature))
    }

    fn assert_surface_is_emitted(relative: &str) {
        let (model, code) = emitted(relative);
        let surface = surface(&model);
        let mut checked = 0;
        for (key, item) in &surface.items {
            let Some(expected) = expected(&model, key, item) else {
                continue;
            };
            for part in expected.split(';').filter(|p| !p.is_empty()) {
                assert!(
                    code.contains(part),
                    "{relative}: {} ({key}) promises `{part}`, which emit does not generate",
                    item.label
                );
            }
            checked += 1;
        }
        assert!(
            checked > 20,
            "{relative}: only {checked} signatures checked"
        );
    }

    #[test]
    fn every_signature_of_the_real_spec_is_what_emit_generates() {
        assert_surface_is_emitted("spec");
    }

    #[test]
    fn every_signature_of_the_construct_fixture_is_what_emit_generates() {
        assert_surface_is_emitted("tests/fixtures/constructs");
    }

    #[test]
    fn generated_types_are_exhaustive_as_the_surface_says() {
        let (_, code) = emitted("spec");
        let marked = code.contains("non_exhaustive");
        assert_eq!(
            (STRUCTS_EXHAUSTIVE, ENUMS_EXHAUSTIVE),
            (!marked, !marked),
            "emit and STRUCTS_EXHAUSTIVE / ENUMS_EXHAUSTIVE disagree on #[non_exhaustive]: make them match \
             (with the attribute, a new field or variant is compatible)"
        );
    }
}
