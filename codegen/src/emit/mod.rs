//! Turns the resolved model into Rust token streams: [`plan`] says what each generated file
//! holds, piece by piece, and [`piece`] emits one piece.
//!
//! A piece is a whole number of items (or a file's own doc), so a file is its pieces laid out
//! one after another, and each can be emitted and formatted on its own, on any thread: that
//! keeps formatting linear in the spec's size and lets it use every core (`format::files`).
//!
//! Emit only walks `model`; it never looks at spec JSON. Runtime behaviour (HTTP, errors,
//! encoding) lives in hand-written `onenote-api` code that the emitted code calls.

mod api;
pub mod docs;
mod graph;
mod operations;
mod paths;
mod resources;
mod tables;
pub mod text;
pub(crate) mod tokens;
mod types;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use self::docs::{DocMode, Docs};
use self::tokens::ident;
use crate::model::{
    ApiModel, GraphModel, Model, Module, OperationModel, ResourceModel, Service, TypeModel,
};

/// What one generated file holds: pieces of a backend's kind ([`Piece`] for the client).
pub struct FilePlan<P> {
    /// Path relative to the generated folder (`class_notebooks.rs`).
    pub path: String,
    /// The spec files it comes from, for the header.
    pub sources: Vec<String>,
    /// Its pieces, in file order.
    pub pieces: Vec<P>,
}

/// One piece of a generated file, emitted on its own.
#[derive(Clone, Copy)]
pub enum Piece<'m> {
    /// The file's own doc (`//!` lines).
    FileDoc(&'m str),
    /// The "api" section: base URL, versions, location markers and roots.
    Api(&'m ApiModel),
    /// A model (struct or enum) and its impls.
    Type(&'m TypeModel),
    /// A resource's handle alias and its accessors.
    Resource(&'m ResourceModel),
    /// An operation's builder alias, query setters and host methods.
    Operation(&'m OperationModel),
    /// An operation's type in `op.rs`.
    OperationType(&'m OperationModel),
    /// A resource's marker in `resource.rs`.
    Marker(&'m ResourceModel),
    /// `tables.rs`'s `API` and its types' and operations' tables, written as text.
    Tables,
    /// `mod.rs`'s module declarations and re-exports.
    Modules,
    /// Microsoft Graph's base URL and location accessors (`client.graph().me()`).
    GraphApi(&'m GraphModel),
    /// A resource's accessors on handles located on Graph.
    GraphAccessors(&'m ResourceModel),
    /// An operation's Graph builder alias, query setters and methods on Graph handles.
    GraphOperation(&'m OperationModel),
}

/// One piece's code, and the doc blocks its placeholders name ([`DocMode::Deferred`]).
pub struct Emitted {
    /// The items (or inner doc attributes).
    pub code: Code,
    /// The deferred doc blocks, for `docs::restore`; empty with inline docs and with text.
    pub docs: Vec<String>,
}

/// A piece's items, as tokens to lay out or as text already laid out.
pub enum Code {
    /// Tokens for prettyplease: code whose layout depends on its widths.
    Tokens(TokenStream),
    /// Text laid out by its emitter (docs written in), ending in a line break: plain data,
    /// whose layout is one entry to a line.
    Text(String),
}

/// One generated file with every piece emitted.
pub struct EmittedFile {
    /// Path relative to the generated folder.
    pub path: String,
    /// The spec files it comes from, for the header.
    pub sources: Vec<String>,
    /// Its pieces, in file order.
    pub pieces: Vec<Emitted>,
}

const MOD_DOC: &str = "Code generated from `spec/`: models, location roots, navigation handles and request builders.\n\nEverything here is re-exported at the crate root. The modules, one per spec file, are public too, so each one's documentation (what the documents say about that part of the API) is a page of its own.";

const OP_DOC: &str = "One type per operation: what its request builder ([`Request<O>`](crate::Request)) sends, what it returns and which options it supports.\n\nYou do not make these yourself: the method that makes a builder fills one in. They are public so builder types can be named: `Request<op::X>` is `XRequest`.";

const TABLES_DOC: &str = "The spec's types and operations as data: one table per type (fields, shapes, nullability, rules) and per operation (query parameters and OData options with their rules, body, response), re-exported as [`schema::API`](crate::schema::API).";

const RESOURCE_DOC: &str = "One marker type per resource: `Handle<resource::ClassNotebook, L>` is `ClassNotebookResource<L>`. They are never values, only names.";

/// Every generated file, sorted by path: one module per spec file, `mod.rs`, `op.rs` (one
/// type per operation), `resource.rs` (one marker per resource) and `tables.rs` (the types'
/// and operations' tables).
pub fn plan(model: &Model) -> Vec<FilePlan<Piece<'_>>> {
    let mut files: Vec<FilePlan<Piece<'_>>> = model
        .modules
        .iter()
        .map(|module| FilePlan {
            path: format!("{}.rs", module.name),
            sources: vec![module.source.clone()],
            pieces: module_pieces(model, module),
        })
        .collect();
    let sources: Vec<String> = model.modules.iter().map(|m| m.source.clone()).collect();
    if let Some(graph) = &model.graph {
        files.push(FilePlan {
            path: "graph.rs".to_owned(),
            sources: sources.clone(),
            pieces: graph_pieces(model, graph),
        });
    }
    files.push(FilePlan {
        path: "mod.rs".to_owned(),
        sources: sources.clone(),
        pieces: vec![Piece::FileDoc(MOD_DOC), Piece::Modules],
    });
    files.push(FilePlan {
        path: "op.rs".to_owned(),
        sources: sources.clone(),
        pieces: std::iter::once(Piece::FileDoc(OP_DOC))
            .chain(model.operations.iter().map(Piece::OperationType))
            .chain(
                model
                    .graph
                    .iter()
                    .flat_map(|g| &g.operations)
                    .map(Piece::OperationType),
            )
            .collect(),
    });
    files.push(FilePlan {
        path: "tables.rs".to_owned(),
        sources: sources.clone(),
        pieces: vec![Piece::FileDoc(TABLES_DOC), Piece::Tables],
    });
    files.push(FilePlan {
        path: "resource.rs".to_owned(),
        sources,
        pieces: std::iter::once(Piece::FileDoc(RESOURCE_DOC))
            .chain(model.resources.iter().map(Piece::Marker))
            .collect(),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// A spec file's module: its doc, the api section if it declares it, then its types,
/// resources and operations.
fn module_pieces<'m>(model: &'m Model, module: &'m Module) -> Vec<Piece<'m>> {
    let mut pieces = vec![Piece::FileDoc(&module.doc)];
    if module.declares_api {
        pieces.push(Piece::Api(&model.api));
    }
    pieces.extend(module.types.iter().map(Piece::Type));
    pieces.extend(model.module_resources(module).map(Piece::Resource));
    pieces.extend(model.module_operations(module).map(Piece::Operation));
    pieces
}

const GRAPH_DOC: &str = "Microsoft Graph: the general OneNote API at `https://graph.microsoft.com/{version}/{location}/onenote/`, reached with [`Client::graph`](crate::Client::graph). The operations both services serve are written once in `spec/`; here they take Graph's shapes (`GraphNotebook`, with `displayName` and `createdDateTime`), and they exist only on handles located on Graph (`Notes<Graph<Me>>`). Class notebooks and permissions are onenote.com's only.";

/// `graph.rs`: Graph's root, its types, then the accessors and operations of Graph handles.
fn graph_pieces<'m>(model: &'m Model, graph: &'m GraphModel) -> Vec<Piece<'m>> {
    let mut pieces = vec![Piece::FileDoc(GRAPH_DOC), Piece::GraphApi(graph)];
    pieces.extend(graph.types.iter().map(Piece::Type));
    pieces.extend(
        graph
            .resources
            .iter()
            .map(|id| Piece::GraphAccessors(model.resource(*id))),
    );
    pieces.extend(graph.operations.iter().map(Piece::GraphOperation));
    pieces
}

/// Emits one piece, its docs written as `mode` says.
pub fn piece(model: &Model, piece: Piece<'_>, mode: DocMode) -> Emitted {
    let docs = Docs::new(mode);
    let code = match piece {
        // Written as text, docs in it: the one doc mode there is.
        Piece::Tables => Code::Text(tables::text(&crate::tables::tables(model))),
        Piece::Type(ty) => Code::Text(types::text(ty)),
        Piece::FileDoc(text) => Code::Tokens(docs.inner(text)),
        Piece::Api(api) => Code::Tokens(api::tokens(api, &docs)),
        Piece::Resource(resource) => Code::Tokens(resources::tokens(model, resource, &docs)),
        Piece::Operation(op) => {
            Code::Tokens(operations::tokens(model, op, Service::OneNote, &docs))
        }
        Piece::OperationType(op) => Code::Tokens(operations::op_type(model, op, &docs)),
        Piece::Marker(resource) => Code::Tokens(resources::marker(resource, &docs)),
        Piece::Modules => Code::Tokens(modules(model)),
        Piece::GraphApi(graph) => Code::Tokens(graph::api(graph, &docs)),
        Piece::GraphAccessors(resource) => {
            Code::Tokens(resources::accessors(model, resource, Service::Graph, &docs))
        }
        Piece::GraphOperation(op) => {
            Code::Tokens(operations::tokens(model, op, Service::Graph, &docs))
        }
    };
    Emitted {
        code,
        docs: docs.into_blocks(),
    }
}

/// Every file of [`plan`] with every piece emitted, on this thread.
pub fn files(model: &Model, mode: DocMode) -> Vec<EmittedFile> {
    plan(model)
        .into_iter()
        .map(|file| EmittedFile {
            pieces: file.pieces.iter().map(|p| piece(model, *p, mode)).collect(),
            path: file.path,
            sources: file.sources,
        })
        .collect()
}

/// `mod.rs`: one public module per spec file, `op` and `resource`, and the re-exports.
fn modules(model: &Model) -> TokenStream {
    let mut names: Vec<Ident> = model.modules.iter().map(|m| ident(&m.name)).collect();
    if model.graph.is_some() {
        names.push(ident("graph"));
    }
    quote! {
        #(pub mod #names;)*
        pub mod op;
        pub mod resource;
        pub(crate) mod tables;
        #(pub use self::#names::*;)*
    }
}
