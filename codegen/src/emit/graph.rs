//! Emits Microsoft Graph's surface: the location accessors of
//! `GraphService` (`client.graph().me()`), and the accessors and operation methods of
//! handles located on Graph (`Handle<R, Graph<L>>`). Types and operation types are the shared
//! emitters' work, run over the Graph model.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::Docs;
use super::paths::{param_args, push_path};
use super::tokens::ident;
use crate::model::GraphModel;

/// One accessor per Graph location on `crate::GraphService` (the runtime's; its default base
/// URL is the spec's `api.graph.baseUrl`, which `validate` checks).
pub fn api(graph: &GraphModel, docs: &Docs) -> TokenStream {
    let notes_root = &graph.notes_root;
    let locations = graph.locations.iter().map(|location| {
        let marker = ident(&location.marker);
        let accessor = ident(&location.accessor);
        let args = param_args(&location.params);
        let template = location.path.to_string();
        let param_docs: String = location
            .params
            .iter()
            .map(|p| {
                format!(
                    "\n- `{}`: {} (percent-encoded as one path segment).",
                    p.rust, p.doc
                )
            })
            .collect();
        let accessor_doc = docs.outer(&format!(
            "The notebooks at `{template}/{notes_root}/` on Microsoft Graph: {}{}",
            location.doc,
            if param_docs.is_empty() {
                String::new()
            } else {
                format!("\n\n# Arguments\n{param_docs}")
            }
        ));
        let pushes = push_path(&location.path, &location.params, true);
        quote! {
            impl crate::GraphService {
                #accessor_doc
                pub fn #accessor(&self, #(#args),*) -> crate::Notes<crate::Graph<crate::#marker>> {
                    let mut path = String::new();
                    #pushes
                    path.push('/');
                    path.push_str(GRAPH_NOTES_ROOT);
                    crate::Notes::new(self.client.clone(), path)
                }
            }
        }
    });
    quote! {
        /// The path segment between a Graph location and the operations' paths.
        const GRAPH_NOTES_ROOT: &str = #notes_root;

        #(#locations)*
    }
}
