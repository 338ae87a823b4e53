//! Emits one request builder per operation and the method that creates it on each host.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::resources::{host_impl, param_args, param_docs, path_pushes};
use super::{doc, ident, rust_type, type_doc};
use crate::model::{
    AsyncForm, Host, Model, ODataOption, OperationModel, QueryValue, ResponseModel, Root, TypeRef,
};
use crate::names::handle_type;

/// Emits the builder and host methods for one operation.
pub fn tokens(model: &Model, op: &OperationModel) -> TokenStream {
    let builder = ident(&op.builder);
    let id = &op.id;
    let method = format_ident!("{}", {
        let m = op.method.as_str();
        let mut s = m[..1].to_owned();
        s.push_str(&m[1..].to_lowercase());
        s
    });
    let status = op.status;

    // Builder fields and setters.
    let mut fields = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    let mut query_statements = Vec::new();
    if let Some(body) = &op.body {
        let ty = rust_type(body);
        fields.push(quote!(body: #ty,));
        inits.push(quote!(body,));
    }
    for query in &op.query {
        let wire = &query.wire;
        match &query.value {
            QueryValue::Const(value) => {
                query_statements.push(quote!(call.query(#wire, #value);));
            }
            QueryValue::Typed(ty) => {
                let rust = ident(&query.rust);
                let rust_ty = rust_type(ty);
                fields.push(quote!(#rust: Option<#rust_ty>,));
                inits.push(quote!(#rust: None,));
                let (arg, store) = match ty {
                    TypeRef::String => (quote!(impl Into<String>), quote!(value.into())),
                    _ => (rust_ty.clone(), quote!(value)),
                };
                let setter_doc = doc(&format!(
                    "{}\n\nSent as the `{wire}` query parameter ({}).",
                    query.doc,
                    type_doc(ty)
                ));
                setters.push(quote! {
                    #setter_doc
                    pub fn #rust(mut self, value: #arg) -> Self {
                        self.#rust = Some(#store);
                        self
                    }
                });
                let to_string = match ty {
                    TypeRef::String => quote!(value.clone()),
                    TypeRef::Named(_) => quote!(value.as_str().to_owned()),
                    _ => quote!(value.to_string()),
                };
                query_statements.push(quote! {
                    if let Some(value) = &self.#rust {
                        call.query(#wire, #to_string);
                    }
                });
            }
        }
    }
    if !op.odata.is_empty() {
        fields.push(quote!(odata: crate::odata::QueryOptions,));
        inits.push(quote!(odata: crate::odata::QueryOptions::default(),));
        for option in &op.odata {
            setters.push(odata_setter(*option));
        }
        query_statements.push(quote!(call.odata(&self.odata);));
    }
    // `call` is only mutated when something is added to it.
    let call_binding = if query_statements.is_empty() && op.body.is_none() {
        quote!(call)
    } else {
        quote!(mut call)
    };
    let body_statement = if op.body.is_some() {
        quote!(call.json_body(&self.body);)
    } else {
        TokenStream::new()
    };

    // What `send` returns; `send_with_meta` returns the same inside a `Response`.
    let (send_ty, send_body, send_doc) = match (op.async_form, &op.response) {
        (AsyncForm::Only, _) => (
            quote!(crate::OperationHandle),
            quote!(client.send_accepted(call.respond_async()).await),
            "Sends the request with `Prefer: respond-async`. The service answers `202 Accepted` with a \
             `Location` to poll: the returned [`OperationHandle`](crate::OperationHandle) polls it."
                .to_owned(),
        ),
        (_, ResponseModel::Empty) => (
            quote!(()),
            quote!(client.send_empty(call).await),
            format!("Sends the request. The service answers `{status}` with no body."),
        ),
        (_, ResponseModel::Json(ty)) => {
            let rust = rust_type(ty);
            (
                rust,
                quote!(client.send_json(call).await),
                format!(
                    "Sends the request. The service answers `{status}` with {}.",
                    type_doc(ty)
                ),
            )
        }
        (_, ResponseModel::Page(ty)) => {
            let rust = rust_type(ty);
            (
                quote!(crate::Page<#rust>),
                quote!(client.send_json(call).await),
                format!(
                    "Sends the request and returns the first page of {}s. Use [`stream`](Self::stream) to walk every page.",
                    type_doc(ty)
                ),
            )
        }
    };
    let send_meta_body = match (op.async_form, &op.response) {
        (AsyncForm::Only, _) => {
            quote!(client.send_accepted_with_meta(call.respond_async()).await)
        }
        (_, ResponseModel::Empty) => quote!(client.send_empty_with_meta(call).await),
        (_, ResponseModel::Json(_) | ResponseModel::Page(_)) => {
            quote!(client.send_json_with_meta(call).await)
        }
    };
    let send_doc = doc(&format!(
        "{send_doc}\n\nFails with [`Error`](crate::Error) on transport problems, a status that is not a success (with the \
         service's error body), or a body that does not decode."
    ));
    let send_meta_doc = doc(
        "Sends the request like [`send`](Self::send) and returns the value with the response's status and headers \
         (`X-CorrelationId` and `Date`, which support asks for): a [`Response`](crate::Response).",
    );
    let stream = match &op.response {
        ResponseModel::Page(ty) if op.async_form != AsyncForm::Only => {
            let rust = rust_type(ty);
            quote! {
                /// Streams every item of every page, following `@odata.nextLink`.
                ///
                /// Stops at the last page, at a repeated link (reported as an error), or at the limit
                /// set with [`ItemStream::limit`](crate::ItemStream::limit).
                pub fn stream(self) -> crate::ItemStream<#rust> {
                    let (client, call) = self.into_call();
                    crate::ItemStream::new(client, call)
                }
            }
        }
        _ => TokenStream::new(),
    };
    let respond_async = if op.async_form == AsyncForm::Optional {
        quote! {
            /// Switches to the asynchronous form (`Prefer: respond-async`): the service answers
            /// `202 Accepted` with a `Location` to poll instead of the result.
            pub fn respond_async(self) -> crate::AsyncRequest {
                let (client, call) = self.into_call();
                crate::AsyncRequest::new(client, call)
            }
        }
    } else {
        TokenStream::new()
    };

    let builder_doc = doc(&format!(
        "Request builder for `{id}` ({} `{}`). Created by `{}`; set options, then `.send().await`.",
        op.method.as_str(),
        op.full_paths.first().map(String::as_str).unwrap_or(""),
        op.call
    ));
    let builder_tokens = quote! {
        #builder_doc
        #[derive(Debug)]
        #[must_use = "a request does nothing until it is sent with `.send().await`"]
        pub struct #builder {
            client: crate::Client,
            path: String,
            #(#fields)*
        }

        impl #builder {
            #(#setters)*

            fn into_call(self) -> (crate::Client, crate::request::Call) {
                let #call_binding = crate::request::Call::new(
                    #id,
                    crate::request::Method::#method,
                    self.path,
                    #status,
                );
                #(#query_statements)*
                #body_statement
                (self.client, call)
            }

            #send_doc
            pub async fn send(self) -> crate::Result<#send_ty> {
                let (client, call) = self.into_call();
                #send_body
            }

            #send_meta_doc
            pub async fn send_with_meta(self) -> crate::Result<crate::Response<#send_ty>> {
                let (client, call) = self.into_call();
                #send_meta_body
            }

            #stream
            #respond_async
        }
    };

    // The creating method on each host.
    let call = ident(&op.call);
    let mut args = param_args(&op.params);
    if let Some(body) = &op.body {
        let ty = rust_type(body);
        args.push(quote!(body: #ty));
    }
    let pushes = path_pushes(&op.path_from_host, &op.params, op.hosts == [Host::Client]);
    let method_doc = doc(&method_doc(model, op));
    let (start_path, client) = match op.hosts.first() {
        Some(Host::Client) => (quote!(String::new()), quote!(self.clone())),
        _ => (quote!(self.path.clone()), quote!(self.client.clone())),
    };
    let path_binding = if op.path_from_host.segments.is_empty() {
        quote!(let path = #start_path;)
    } else {
        quote!(let mut path = #start_path; #pushes)
    };
    let method_tokens = quote! {
        #method_doc
        pub fn #call(&self, #(#args),*) -> crate::#builder {
            #path_binding
            crate::#builder {
                client: #client,
                path,
                #(#inits)*
            }
        }
    };
    let host_impls = op.hosts.iter().map(|host| match &op.locations {
        None => host_impl(host, method_tokens.clone()),
        Some(keys) => {
            let impls = keys.iter().filter_map(|key| {
                let location = model.api.locations.iter().find(|l| &l.key == key)?;
                let marker = ident(&location.marker);
                Some(match host {
                    Host::Notes => quote!(impl crate::Notes<crate::#marker> { #method_tokens }),
                    Host::Resource(key) => {
                        let name = ident(&handle_type(key));
                        quote!(impl crate::#name<crate::#marker> { #method_tokens })
                    }
                    Host::Client => host_impl(host, method_tokens.clone()),
                })
            });
            quote!(#(#impls)*)
        }
    });
    quote! {
        #builder_tokens
        #(#host_impls)*
    }
}

fn odata_setter(option: ODataOption) -> TokenStream {
    match option {
        ODataOption::Filter => quote! {
            /// `$filter`: an OData filter expression, e.g. `createdTime ge 2016-01-01`.
            /// Quote string literals with [`odata::string_literal`](crate::odata::string_literal).
            pub fn filter(mut self, expression: impl Into<String>) -> Self {
                self.odata.filter = Some(expression.into());
                self
            }
        },
        ODataOption::Orderby => quote! {
            /// `$orderby`: a property and direction, e.g. `name asc` (the service's default order).
            pub fn orderby(mut self, order: impl Into<String>) -> Self {
                self.odata.orderby = Some(order.into());
                self
            }
        },
        ODataOption::Select => quote! {
            /// `$select`: only these properties are returned.
            pub fn select<I, S>(mut self, properties: I) -> Self
            where
                I: IntoIterator<Item = S>,
                S: Into<String>,
            {
                self.odata.select = properties.into_iter().map(Into::into).collect();
                self
            }
        },
        ODataOption::Top => quote! {
            /// `$top`: at most this many items.
            pub fn top(mut self, count: u32) -> Self {
                self.odata.top = Some(count);
                self
            }
        },
        ODataOption::Skip => quote! {
            /// `$skip`: skip this many items.
            pub fn skip(mut self, count: u32) -> Self {
                self.odata.skip = Some(count);
                self
            }
        },
        ODataOption::Expand => quote! {
            /// `$expand`: include these related entities inline.
            pub fn expand<I, S>(mut self, properties: I) -> Self
            where
                I: IntoIterator<Item = S>,
                S: Into<String>,
            {
                self.odata.expand = properties.into_iter().map(Into::into).collect();
                self
            }
        },
        ODataOption::Count => quote! {
            /// `$count`: ask for the total number of items (`@odata.count`).
            pub fn count(mut self, count: bool) -> Self {
                self.odata.count = Some(count);
                self
            }
        },
    }
}

fn method_doc(model: &Model, op: &OperationModel) -> String {
    let mut text = op.doc.trim().to_owned();
    let root = match op.root {
        Root::Notes => format!("{{location}}/{}/", model.api.notes_root),
        Root::Version => String::new(),
    };
    text.push_str("\n\n# HTTP\n");
    for path in &op.full_paths {
        text.push_str(&format!(
            "\n`{} {{base}}/{{version}}/{root}{path}` → `{}`",
            op.method.as_str(),
            if op.async_form == AsyncForm::Only {
                202
            } else {
                op.status
            }
        ));
        text.push_str("  \n");
    }
    text.push_str(&format!("\nOperation id: `{}`.", op.id));
    match op.async_form {
        AsyncForm::None => {}
        AsyncForm::Optional => text.push_str(
            " Has an asynchronous form: call `.respond_async()` on the builder to get an operation to poll.",
        ),
        AsyncForm::Only => text.push_str(
            " Asynchronous only: always sent with `Prefer: respond-async`; returns an operation to poll.",
        ),
    }
    if let Some(locations) = &op.locations {
        let names = locations
            .iter()
            .map(|l| format!("`{l}`"))
            .collect::<Vec<_>>()
            .join(", ");
        text.push_str(&format!(
            "\n\nOnly available at the {names} location: on any other location this method does not exist."
        ));
    }
    text.push_str("\n\n# Permission scopes\n\n");
    if op.scopes.is_empty() {
        text.push_str("The documents name no scope for this call.");
    } else {
        text.push_str("Any one of: ");
        text.push_str(
            &op.scopes
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", "),
        );
        text.push('.');
    }
    text.push_str(&param_docs(&op.params, &op.path_from_host));
    if let Some(body) = &op.body {
        if op.params.is_empty() {
            text.push_str("\n\n# Arguments\n");
        }
        text.push_str(&format!(
            "\n- `body`: the request body, {}.",
            type_doc(body)
        ));
    }
    text
}
