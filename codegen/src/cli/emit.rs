//! The generated module of `onenote-cli`: the tree as data (`TREE`, each leaf with its inputs
//! and its `run` function), the `Location` enum the commands match on, and one `run` function
//! per command that builds the typed client call at the chosen location, sets its options and
//! prints the answer through the runtime.

use heck::ToShoutySnakeCase;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::emit::docs::{DocMode, Docs};
use crate::emit::text::{Lines, string, strings};
use crate::emit::tokens::ident;
use crate::emit::{Code, Emitted, FilePlan};
use crate::model::{
    AsyncForm, BodyModel, GraphModel, Host, LocationModel, Model, ODataOption, OperationModel,
    ParamModel, QueryValue, ResponseModel, TypeRef,
};

use super::inputs::{Input, Kind, Role, Types, is_accepted, leaf_inputs, resource_inputs};
use super::tree::{Command, CommandNode, NodeKind, leaves, tree};
use super::words::word;

/// The generated module of `onenote-cli` (`mod.rs`), made piece by piece like the client's
/// files: what every piece needs is worked out once, here.
pub struct Emitter<'m> {
    model: &'m Model,
    types: Types<'m>,
    tree: Vec<CommandNode>,
    commands: Vec<Command>,
}

/// One piece of `mod.rs`.
#[derive(Clone, Copy)]
pub enum Piece<'c> {
    /// The file's doc and imports.
    Head,
    /// The location flags and the `Location` enum.
    Location,
    /// `TREE`, the command tree as data, written as text.
    Tree,
    /// One command's `run` function.
    Run(&'c Command),
}

impl<'m> Emitter<'m> {
    /// Works out the tree, the commands and the body types of `model`'s command line.
    pub fn new(model: &'m Model) -> Self {
        let tree = tree(model);
        Emitter {
            model,
            types: Types::new(model),
            commands: leaves(&tree),
            tree,
        }
    }

    /// The generated file, piece by piece.
    pub fn plan(&self) -> Vec<FilePlan<Piece<'_>>> {
        let pieces = [Piece::Head, Piece::Location, Piece::Tree]
            .into_iter()
            .chain(self.commands.iter().map(Piece::Run))
            .collect();
        vec![FilePlan {
            path: "mod.rs".to_owned(),
            sources: self
                .model
                .modules
                .iter()
                .map(|m| m.source.clone())
                .collect(),
            pieces,
        }]
    }

    /// Emits one piece (docs inline: the file's docs are a few short lines).
    pub fn piece(&self, piece: Piece<'_>) -> Emitted {
        let code = match piece {
            Piece::Head => Code::Tokens(head_tokens()),
            Piece::Location => Code::Tokens(location_tokens(self.model)),
            Piece::Tree => Code::Text(self.tree_text()),
            Piece::Run(command) => Code::Tokens(run_tokens(self.model, &self.types, command)),
        };
        Emitted {
            code,
            docs: Vec::new(),
        }
    }

    fn tree_text(&self) -> String {
        let mut out = Lines::default();
        out.line("/// The command tree under `onenote`.");
        out.list(
            "pub(crate) static TREE: &[Node] = &",
            &self.tree,
            ";",
            |node, out| {
                node_text(self.model, &self.types, node, &mut Vec::new(), out);
            },
        );
        out.into_text()
    }
}

fn head_tokens() -> TokenStream {
    let doc = Docs::new(DocMode::Inline).inner(
        "The commands of `onenote`, generated from the spec: the command tree (one leaf per operation and mount, with its inputs) and, per command, the typed client call it makes. `crate::tree` turns the tree into clap commands; `crate::call` sends and prints.",
    );
    quote! {
        #doc
        use crate::call::{Context, Inputs, Run};
        use crate::failure::Failure;
        use crate::tree::{Input, Kind, Leaf, LocationFlag, Node, Role};
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
        let (pattern, notes) = location_arm(location, true);
        quote!(#pattern => visit.at(client.#notes),)
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

/// One node of `TREE` and, below it, its children.
fn node_text(
    model: &Model,
    types: &Types,
    node: &CommandNode,
    words: &mut Vec<String>,
    out: &mut Lines,
) {
    words.push(node.word.clone());
    out.open("Node {");
    out.line(&format!("name: {},", string(&node.word)));
    match node.kind {
        NodeKind::Resource(id) => {
            let resource = model.resource(id);
            out.line(&format!(
                "about: {},",
                string(&first_sentence(&resource.doc))
            ));
            out.line(&format!("help: {},", string(resource.doc.trim())));
            out.list("params: &", &resource_inputs(model, id), ",", input_text);
            out.list("children: &", &node.children, ",", |child, out| {
                node_text(model, types, child, words, out);
            });
            out.line("leaf: None,");
        }
        NodeKind::Operation(id) => {
            let op = model.operation(id);
            out.line(&format!("about: {},", string(&first_sentence(&op.doc))));
            out.line(&format!("help: {},", string(&operation_help(model, op))));
            out.line("params: &[],");
            out.line("children: &[],");
            out.open("leaf: Some(Leaf {");
            out.line(&format!("operation: {},", string(&op.id)));
            out.list("inputs: &", &leaf_inputs(model, types, id), ",", input_text);
            out.line(&format!("run: {},", run_name(words)));
            out.close("}),");
        }
    }
    out.close("},");
    words.pop();
}

/// `Input::new(…)`, an argument a line, then only the flags that differ from an optional,
/// single, never-`null` flag.
fn input_text(input: &Input, out: &mut Lines) {
    let value_name = match input.role {
        Role::Part(ref name, _) if name.is_empty() => "NAME=FILE".to_owned(),
        Role::BodyFile | Role::TextBody | Role::Part(..) if input.positional => {
            input.id.to_shouty_snake_case()
        }
        Role::BodyFile | Role::TextBody | Role::Part(..) => "FILE".to_owned(),
        _ => input.id.to_shouty_snake_case(),
    };
    let kind = match &input.kind {
        Kind::Text => "Kind::Text".to_owned(),
        Kind::Integer => "Kind::Integer".to_owned(),
        Kind::Unsigned => "Kind::Unsigned".to_owned(),
        Kind::Number => "Kind::Number".to_owned(),
        Kind::Boolean => "Kind::Boolean".to_owned(),
        Kind::DateTime => "Kind::DateTime".to_owned(),
        Kind::File => "Kind::File".to_owned(),
        Kind::Choice(values) => format!("Kind::Choice({})", strings(values)),
    };
    let role = match &input.role {
        Role::Path => "Role::Path".to_owned(),
        Role::Field(wire) => format!("Role::Field({})", string(wire)),
        Role::BodyFile => "Role::BodyFile".to_owned(),
        Role::TextBody => "Role::TextBody".to_owned(),
        Role::Query => "Role::Query".to_owned(),
        Role::Option => "Role::Option".to_owned(),
        Role::Part(name, _) if name.is_empty() => "Role::BinaryParts".to_owned(),
        Role::Part(name, media_type) => format!(
            "Role::Part {{ name: {}, media_type: {} }}",
            string(name),
            string(media_type)
        ),
    };
    let mut calls = Vec::new();
    if input.positional {
        calls.push(".positional()");
    }
    if input.list {
        calls.push(".list()");
    }
    if input.nullable {
        calls.push(".nullable()");
    }
    out.open("Input::new(");
    for argument in [
        string(&input.id),
        string(&value_name),
        string(input.help.trim()),
        kind,
        role,
    ] {
        out.line(&format!("{argument},"));
    }
    match calls.split_last() {
        None => out.close("),"),
        Some((last, calls)) => {
            out.close(")");
            for call in calls {
                out.line(call);
            }
            out.line(&format!("{last},"));
        }
    }
}

/// The name of a command's `run` function: `run__class_notebook__students__add`.
fn run_name(words: &[String]) -> String {
    let name = words
        .iter()
        .map(|w| w.replace('-', "_"))
        .collect::<Vec<_>>()
        .join("__");
    format!("run__{name}")
}

fn run_ident(words: &[String]) -> Ident {
    Ident::new(&run_name(words), Span::call_site())
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
    let (build, args) = build_tokens(model, command, op, &[]);
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
    let options = option_setters(op);
    let answer = answer_tokens(types, op);
    let on_graph = graph_branch(model, types, command, op, uses_inputs);
    let path = command.path();
    let doc = format!(" `onenote {path}`: `{}`.", op.id);
    quote! {
        #[doc = #doc]
        #[allow(non_snake_case)]
        fn #run<'a>(cx: &'a Context, inputs: &'a Inputs<'a>) -> Run<'a> {
            Box::pin(async move {
                #on_graph
                #[allow(unused_mut)]
                let mut request: onenote_api::#builder = #request;
                #(#options)*
                #answer
            })
        }
    }
}

/// The call a command makes on its location's notes root (`.notebook(id).sections().create(body)`)
/// and its arguments; a JSON body's field flags are renamed by `renames` (Graph's names).
fn build_tokens(
    model: &Model,
    command: &Command,
    op: &OperationModel,
    renames: &[(String, String)],
) -> (TokenStream, Vec<TokenStream>) {
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
            let pairs = renames.iter().map(|(main, graph)| quote!((#main, #graph)));
            args.push(quote!(inputs.json_body::<#ty>(&[#(#pairs),*])?));
        }
        Some(BodyModel::Text { .. }) => args.push(quote!(inputs.text_body()?)),
        Some(BodyModel::Multipart(_)) => args.push(quote!(inputs.multipart()?)),
        None => {}
    }
    (quote!(#chain.#call(#(#args),*)), args)
}

/// With `--service graph`: the same command on Microsoft Graph (its builder, its locations,
/// Graph's types and names), or a refusal for what only onenote.com serves. Nothing when the
/// spec describes no Graph.
fn graph_branch(
    model: &Model,
    types: &Types,
    command: &Command,
    op: &OperationModel,
    uses_inputs: bool,
) -> TokenStream {
    let Some(graph) = &model.graph else {
        return TokenStream::new();
    };
    let Some(graph_op) = graph.operations.iter().find(|g| g.id == op.id) else {
        return quote! {
            if cx.graph() {
                return Err(inputs.not_on_graph());
            }
        };
    };
    let renames = match &graph_op.body {
        Some(BodyModel::Json(TypeRef::Named(name))) => graph
            .changes
            .get(name)
            .map(|changes| changes.renamed.clone())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let (build, _) = build_tokens(model, command, graph_op, &renames);
    let builder = ident(&graph_op.builder);
    let request = graph_location_match(model, graph, &builder, &build, uses_inputs);
    let options = option_setters(graph_op);
    let answer = answer_tokens(types, graph_op);
    // An answer with an asynchronous switch is statements then a value: a block.
    let answer = if graph_op.async_form == AsyncForm::Optional {
        quote!({ #answer })
    } else {
        answer
    };
    quote! {
        if cx.graph() {
            #[allow(unused_mut)]
            let mut request: onenote_api::#builder = #request;
            #(#options)*
            return #answer;
        }
    }
}

/// `match cx.location()? { … }` for Microsoft Graph: the request at each location Graph has
/// with the same arguments; a refusal at the others (a site: Graph names it by one composite
/// id, the command line by onenote.com's two).
fn graph_location_match(
    model: &Model,
    graph: &GraphModel,
    builder: &Ident,
    build: &TokenStream,
    uses_inputs: bool,
) -> TokenStream {
    let arms = model.api.locations.iter().map(|location| {
        let same_args = graph.locations.iter().find(|g| {
            g.key == location.key
                && g.params
                    .iter()
                    .map(|p| &p.rust)
                    .eq(location.params.iter().map(|p| &p.rust))
        });
        let (pattern, notes) = location_arm(location, same_args.is_some());
        let key = &location.key;
        match same_args {
            Some(_) => quote!(#pattern => {
                let notes = cx.client()?.graph().#notes;
                request(notes, inputs)?
            }),
            None => quote!(#pattern => return Err(inputs.not_at_graph_location(#key)),),
        }
    });
    let inputs = if uses_inputs {
        quote!(inputs)
    } else {
        quote!(_inputs)
    };
    quote! {{
        fn request<L: onenote_api::Location>(
            notes: onenote_api::Notes<onenote_api::Graph<L>>,
            #inputs: &Inputs<'_>,
        ) -> Result<onenote_api::#builder, Failure> {
            Ok(notes #build)
        }
        match inputs.location()? {
            #(#arms)*
        }
    }}
}

fn path_value(param: &ParamModel) -> TokenStream {
    let id = word(&param.rust);
    if param.ty == TypeRef::Integer {
        quote!(inputs.required::<i64>(#id)?)
    } else {
        quote!(inputs.required::<String>(#id)?)
    }
}

/// A `Location` match arm's pattern (binding the location's values when `bind`), and the
/// client's accessor call that makes its notes root (`user(user_id)`).
fn location_arm(location: &LocationModel, bind: bool) -> (TokenStream, TokenStream) {
    let marker = ident(&location.marker);
    let accessor = ident(&location.accessor);
    let names: Vec<Ident> = location.params.iter().map(|p| ident(&p.rust)).collect();
    let values = location.params.iter().zip(&names).map(|(p, name)| {
        if p.ty == TypeRef::Integer {
            quote!(*#name)
        } else {
            quote!(#name)
        }
    });
    let pattern = match (location.params.is_empty(), bind) {
        (true, _) => quote!(Location::#marker),
        (false, true) => quote!(Location::#marker { #(#names),* }),
        (false, false) => quote!(Location::#marker { .. }),
    };
    (pattern, quote!(#accessor(#(#values),*)))
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
            let (pattern, notes) = location_arm(location, allowed(index));
            if allowed(index) {
                quote!(#pattern => {
                    let notes = cx.client()?.#notes;
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

fn option_setters(op: &OperationModel) -> Vec<TokenStream> {
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
