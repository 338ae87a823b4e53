//! Emits navigation handles (one type per resource) and the accessor methods that reach them.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::Docs;
use super::paths::{param_args, param_docs, push_path};
use super::tokens::ident;
use crate::model::{Host, Model, ResourceModel, Service};

/// The location type of a handle of `service` at location `marker` (`L`, `crate::Graph<L>`):
/// Graph's handles wrap the location kind, so the two services' methods never overlap.
pub fn located(service: Service, marker: TokenStream) -> TokenStream {
    match service {
        Service::OneNote => marker,
        Service::Graph => quote!(crate::Graph<#marker>),
    }
}

/// The `impl` header for methods generated on `host` for `service`.
pub fn host_impl(model: &Model, host: &Host, service: Service, body: TokenStream) -> TokenStream {
    let l = located(service, quote!(L));
    match host {
        Host::Client => quote!(impl crate::Client { #body }),
        Host::Notes => quote!(impl<L: crate::Location> crate::Notes<#l> { #body }),
        Host::Resource(id) => {
            let name = ident(&model.resource(*id).name);
            quote!(impl<L: crate::Location> crate::#name<#l> { #body })
        }
    }
}

/// Emits a resource's handle type (an alias of the runtime's `Handle`) and its accessor on
/// every host.
pub fn tokens(model: &Model, resource: &ResourceModel, docs: &Docs) -> TokenStream {
    let name = ident(&resource.name);
    let marker = ident(&resource.key);
    let paths = resource
        .full_paths
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let handle_doc = docs.outer(&format!(
        "{}\n\nPath (under the location's notes root): {paths}.\n\nA handle: cheap to clone, and it sends nothing by itself.",
        resource.doc
    ));
    let accessors = accessors(model, resource, Service::OneNote, docs);
    quote! {
        #handle_doc
        pub type #name<L> = crate::Handle<crate::resource::#marker, L>;

        #accessors
    }
}

/// A resource's accessor on every host, for handles of `service`.
pub fn accessors(
    model: &Model,
    resource: &ResourceModel,
    service: Service,
    docs: &Docs,
) -> TokenStream {
    let name = ident(&resource.name);
    let accessor = ident(&resource.accessor);
    let l = located(service, quote!(L));
    let args = param_args(&resource.params);
    let pushes = push_path(&resource.path_from_host, &resource.params, false);
    let accessor_doc = docs.outer(&format!(
        "{}\n\nReaches `…/{}`.{}",
        resource.doc,
        resource.path_from_host,
        param_docs(&resource.params, &resource.path_from_host)
    ));
    let accessors = resource.hosts.iter().map(|host| {
        host_impl(
            model,
            host,
            service,
            quote! {
                #accessor_doc
                pub fn #accessor(&self, #(#args),*) -> crate::#name<#l> {
                    let mut path = self.path.clone();
                    #pushes
                    crate::Handle::new(self.client.clone(), path)
                }
            },
        )
    });
    quote!(#(#accessors)*)
}

/// The resource's marker in `resource`, which names it in `Handle<R, L>`.
pub fn marker(resource: &ResourceModel, docs: &Docs) -> TokenStream {
    let marker = ident(&resource.key);
    let marker_doc = docs.outer(&format!(
        "Names [`{name}`](crate::{name}) in [`Handle`](crate::Handle): {}",
        resource.doc,
        name = resource.name
    ));
    quote! {
        #marker_doc
        pub enum #marker {}
    }
}
