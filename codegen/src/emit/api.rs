//! Emits the service description: versions, the default base URL, location markers and roots.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::Docs;
use super::paths::{param_args, push_path};
use super::tokens::ident;
use crate::model::ApiModel;

/// Emits the API items.
pub fn tokens(api: &ApiModel, docs: &Docs) -> TokenStream {
    let base_url = &api.base_url;
    let notes_root = &api.notes_root;
    let base_doc = docs.outer(&format!(
        "The service's base URL, without the version: `{base_url}`.\n\n{}",
        api.doc
    ));

    let variants: Vec<_> = api.versions.iter().map(|v| ident(&v.variant)).collect();
    let segments: Vec<&String> = api.versions.iter().map(|v| &v.segment).collect();
    let version_docs = api.versions.iter().enumerate().map(|(index, v)| {
        let doc = docs.outer(&format!("`{}`: {}", v.segment, v.doc));
        if index == api.default_version {
            quote!(#doc #[default])
        } else {
            doc
        }
    });
    let default_segment = api
        .versions
        .get(api.default_version)
        .map(|v| v.segment.as_str())
        .unwrap_or_default();
    let version_doc = docs.outer(&format!(
        "The API version a client calls (the path segment after the base URL). The default is `{default_segment}`."
    ));

    let locations = api.locations.iter().map(|location| {
        let marker = ident(&location.marker);
        let accessor = ident(&location.accessor);
        let key = &location.key;
        let template = location.path.to_template();
        let marker_doc = docs.outer(&format!(
            "Location marker for `{template}`: {}\n\nHandles reached from [`Client::{}`](crate::Client::{}) carry it, so operations the \
             service limits to some locations exist only there.",
            location.doc, location.accessor, location.accessor
        ));
        let args = param_args(&location.params);
        let param_docs: String = location
            .params
            .iter()
            .map(|p| {
                format!(
                    "\n- `{}`: {} (percent-encoded as one path segment).",
                    p.rust,
                    p.doc.trim_end_matches('.')
                )
            })
            .collect();
        let accessor_doc = docs.outer(&format!(
            "The notebooks at `{template}/{notes_root}/`: {}{}",
            location.doc,
            if param_docs.is_empty() {
                String::new()
            } else {
                format!("\n\n# Arguments\n{param_docs}")
            }
        ));
        let pushes = push_path(&location.path, &location.params, true);
        quote! {
            #marker_doc
            #[derive(Clone, Copy, Debug)]
            pub enum #marker {}

            impl crate::Location for #marker {
                const KEY: &'static str = #key;
            }

            impl crate::Client {
                #accessor_doc
                pub fn #accessor(&self, #(#args),*) -> crate::Notes<#marker> {
                    let mut path = String::new();
                    #pushes
                    path.push('/');
                    path.push_str(NOTES_ROOT);
                    crate::Notes::new(self.clone(), path)
                }
            }
        }
    });

    quote! {
        #base_doc
        pub const DEFAULT_BASE_URL: &str = #base_url;

        /// The path segment between a location and the operations' paths.
        const NOTES_ROOT: &str = #notes_root;

        #version_doc
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub enum Version {
            #(#version_docs #variants,)*
        }

        impl Version {
            /// Every version, in the order the spec lists them.
            pub const ALL: &'static [Self] = &[#(Self::#variants),*];

            /// The path segment (`v1.0`).
            pub fn as_str(self) -> &'static str {
                match self {
                    #(Self::#variants => #segments,)*
                }
            }
        }

        impl std::fmt::Display for Version {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #(#locations)*
    }
}
