//! Turns the resolved model into Rust token streams, one per generated file.
//!
//! Emit only walks `model`; it never looks at spec JSON. Runtime behaviour (HTTP, errors,
//! encoding) lives in hand-written `onenote-api` code that the emitted code calls.

mod api;
mod operations;
mod paths;
mod resources;
mod tokens;
mod types;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use self::tokens::{ident, inner_doc};
use crate::model::{Model, Module};

/// One generated file before formatting.
pub struct EmittedFile {
    /// Path relative to the generated folder (`class_notebooks.rs`).
    pub path: String,
    /// The spec files it comes from, for the header.
    pub sources: Vec<String>,
    /// The file's items.
    pub tokens: TokenStream,
}

/// Emits every generated file: one module per spec file plus `mod.rs`.
pub fn files(model: &Model) -> Vec<EmittedFile> {
    let mut files: Vec<EmittedFile> = model
        .modules
        .iter()
        .map(|module| EmittedFile {
            path: format!("{}.rs", module.name),
            sources: vec![module.source.clone()],
            tokens: module_tokens(model, module),
        })
        .collect();
    let sources: Vec<String> = model.modules.iter().map(|m| m.source.clone()).collect();
    files.push(EmittedFile {
        path: "mod.rs".to_owned(),
        sources: sources.clone(),
        tokens: mod_rs(model),
    });
    files.push(EmittedFile {
        path: "op.rs".to_owned(),
        sources: sources.clone(),
        tokens: op_rs(model),
    });
    files.push(EmittedFile {
        path: "resource.rs".to_owned(),
        sources,
        tokens: resource_rs(model),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn module_tokens(model: &Model, module: &Module) -> TokenStream {
    let doc = inner_doc(&module.doc);
    let api = if module.declares_api {
        api::tokens(&model.api)
    } else {
        TokenStream::new()
    };
    let types = module.types.iter().map(types::tokens);
    let resources = model
        .module_resources(module)
        .map(|resource| resources::tokens(model, resource));
    let operations = model
        .module_operations(module)
        .map(|op| operations::tokens(model, op));
    quote! {
        #doc
        #api
        #(#types)*
        #(#resources)*
        #(#operations)*
    }
}

fn mod_rs(model: &Model) -> TokenStream {
    let doc = inner_doc(
        "Code generated from `spec/`: models, location roots, navigation handles and request builders.\n\nEverything here is re-exported at the crate root. The modules, one per spec file, are public too, so each one's documentation (what the documents say about that part of the API) is a page of its own.",
    );
    let names: Vec<Ident> = model.modules.iter().map(|m| ident(&m.name)).collect();
    quote! {
        #doc
        #(pub mod #names;)*
        pub mod op;
        pub mod resource;
        #(pub use self::#names::*;)*
    }
}

/// `op.rs`: one type per operation, what its `Request<O>` sends and expects.
fn op_rs(model: &Model) -> TokenStream {
    let doc = inner_doc(
        "One type per operation: what its request builder ([`Request<O>`](crate::Request)) sends, what it returns and which options it supports.\n\nYou do not make these yourself: the method that makes a builder fills one in. They are public so builder types can be named: `Request<op::X>` is `XRequest`.",
    );
    let types = model
        .operations
        .iter()
        .map(|op| operations::op_type(model, op));
    quote! {
        #doc
        #(#types)*
    }
}

/// `resource.rs`: one marker per resource, naming it in `Handle<R, L>`.
fn resource_rs(model: &Model) -> TokenStream {
    let doc = inner_doc(
        "One marker type per resource: `Handle<resource::ClassNotebook, L>` is `ClassNotebookResource<L>`. They are never values, only names.",
    );
    let markers = model.resources.iter().map(resources::marker);
    quote! {
        #doc
        #(#markers)*
    }
}
