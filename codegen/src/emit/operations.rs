//! Emits each operation: its type in `op` (what it sends and expects, and which options it
//! supports), and in its module the builder alias, its own query setters, and the method that
//! creates it on each host. Everything else a builder does is the runtime's `Request<O>`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::Docs;
use super::paths::{param_args, param_docs, push_path};
use super::resources::{host_impl, located};
use super::tokens::{ident, rust_type, type_doc};
use crate::model::{
    AsyncForm, BodyModel, Host, Model, ODataOption, OperationModel, PathTemplate, QueryValue,
    ResponseModel, Root, Service, TypeRef,
};

/// The operation's builder alias, query setters and host methods (on handles of `service`),
/// for its module.
pub fn tokens(model: &Model, op: &OperationModel, service: Service, docs: &Docs) -> TokenStream {
    let builder = ident(&op.builder);
    let op_type = op_type_name(op);
    let builder_doc = docs.outer(&builder_doc(model, op));
    let setters = setters(op, docs);
    let setters = if setters.is_empty() {
        TokenStream::new()
    } else {
        quote!(impl crate::#builder { #(#setters)* })
    };

    let call = ident(&op.call);
    let mut args = param_args(&op.params);
    if let Some(body) = &op.body {
        args.push(body_arg(body));
    }
    let inits = op_inits(op);
    let on_client = op.hosts == [Host::Client];
    let (start, client) = if on_client {
        (quote!(String::new()), quote!(self.clone()))
    } else {
        (quote!(self.path.clone()), quote!(self.client.clone()))
    };
    let path = if op.path_from_host.is_empty() {
        start
    } else {
        let pushes = push_path(&op.path_from_host, &op.params, on_client);
        quote!({
            let mut path = #start;
            #pushes
            path
        })
    };
    let method_doc = docs.outer(&method_doc(model, op, service));
    let method = quote! {
        #method_doc
        pub fn #call(&self, #(#args),*) -> crate::#builder {
            crate::Request::new(#client, #path, crate::op::#op_type { #(#inits)* })
        }
    };
    let host_impls = op.hosts.iter().map(|host| match &op.locations {
        None => host_impl(model, host, service, method.clone()),
        Some(ids) => {
            let impls = ids.iter().map(|id| {
                let marker = ident(&model.location(*id).marker);
                let at = located(service, quote!(crate::#marker));
                match host {
                    Host::Notes => quote!(impl crate::Notes<#at> { #method }),
                    Host::Resource(id) => {
                        let name = ident(&model.resource(*id).name);
                        quote!(impl crate::#name<#at> { #method })
                    }
                    Host::Client => host_impl(model, host, service, method.clone()),
                }
            });
            quote!(#(#impls)*)
        }
    });
    quote! {
        #builder_doc
        pub type #builder = crate::Request<crate::op::#op_type>;
        #setters
        #(#host_impls)*
    }
}

/// The operation's type in `op`: its fields (body and query values), its `Operation` impl and
/// the options it opts into.
pub fn op_type(model: &Model, op: &OperationModel, docs: &Docs) -> TokenStream {
    let name = op_type_name(op);
    let id = &op.id;
    let method = format_ident!("{}", {
        let m = op.method.as_str();
        format!("{}{}", &m[..1], m[1..].to_lowercase())
    });
    let status = op.status;
    let response = response_type(op);
    let accept = match op.response.accept() {
        "application/json" => TokenStream::new(),
        accept => quote!(const ACCEPT: &'static str = #accept;),
    };
    let fields = op_fields(op);
    let fill = fill(op);
    let async_only = if op.async_form == AsyncForm::Only {
        quote!(
            const ASYNC_ONLY: bool = true;
        )
    } else {
        TokenStream::new()
    };
    let has_async = if op.async_form == AsyncForm::Optional {
        quote!(impl crate::HasAsyncForm for #name {})
    } else {
        TokenStream::new()
    };
    let supports = op.odata.iter().map(|option| {
        let marker = odata_marker(*option);
        quote!(impl crate::odata::#marker for #name {})
    });
    let table = op.table;
    let type_doc = docs.outer(&format!(
        "The `{id}` operation: what [`{builder}`](crate::{builder}) sends and what it returns ({} `{}`).",
        op.method.as_str(),
        relative_paths(model, op)
            .first()
            .map(ToString::to_string)
            .unwrap_or_default(),
        builder = op.builder,
    ));
    quote! {
        #type_doc
        #[derive(Debug)]
        pub struct #name { #(#fields)* }

        impl crate::Operation for #name {
            const ID: &'static str = #id;
            const METHOD: crate::request::Method = crate::request::Method::#method;
            const STATUS: u16 = #status;
            const SCHEMA: &'static crate::schema::OperationSchema = &crate::generated::tables::OPERATIONS[#table];
            #accept
            #async_only
            type Response = #response;
            #fill
        }

        #has_async
        #(#supports)*
    }
}

/// The operation's type name in `op` (`CreateClassNotebook`): its builder without the suffix.
fn op_type_name(op: &OperationModel) -> proc_macro2::Ident {
    let name = op
        .builder
        .strip_suffix(crate::runtime::BUILDER_SUFFIX)
        .unwrap_or(&op.builder);
    ident(name)
}

/// What `send` returns, as the runtime's `Receive` type.
fn response_type(op: &OperationModel) -> TokenStream {
    if op.async_form == AsyncForm::Only || op.status == 202 {
        return quote!(crate::OperationHandle);
    }
    match &op.response {
        ResponseModel::Empty => quote!(()),
        ResponseModel::Json(ty) => {
            let ty = rust_type(ty);
            quote!(crate::Json<#ty>)
        }
        ResponseModel::Page(ty) => {
            let ty = rust_type(ty);
            quote!(crate::Page<#ty>)
        }
        ResponseModel::Text { .. } => quote!(String),
        ResponseModel::Bytes { .. } => quote!(crate::Bytes),
    }
}

/// The Rust type an operation keeps its body in.
fn body_type(body: &BodyModel) -> TokenStream {
    match body {
        BodyModel::Json(ty) => rust_type(ty),
        BodyModel::Text { .. } => quote!(String),
        BodyModel::Multipart(_) => quote!(crate::Multipart),
    }
}

/// The `body` argument of the method that makes the request.
fn body_arg(body: &BodyModel) -> TokenStream {
    match body {
        BodyModel::Text { .. } => quote!(body: impl Into<String>),
        // `PageContent` and other typed builders convert into the runtime's `Multipart`.
        BodyModel::Multipart(_) => quote!(body: impl Into<crate::Multipart>),
        BodyModel::Json(_) => {
            let ty = body_type(body);
            quote!(body: #ty)
        }
    }
}

/// The operation type's fields: the body, then each typed query parameter.
fn op_fields(op: &OperationModel) -> Vec<TokenStream> {
    let mut fields = Vec::new();
    if let Some(body) = &op.body {
        let ty = body_type(body);
        fields.push(quote!(pub(crate) body: #ty,));
    }
    for query in &op.query {
        if let QueryValue::Typed(ty) = &query.value {
            let rust = ident(&query.rust);
            let ty = rust_type(ty);
            fields.push(quote!(pub(crate) #rust: Option<#ty>,));
        }
    }
    fields
}

/// The field initialisers of the operation type in the method that creates it.
fn op_inits(op: &OperationModel) -> Vec<TokenStream> {
    let mut inits = Vec::new();
    match &op.body {
        Some(BodyModel::Text { .. } | BodyModel::Multipart(_)) => {
            inits.push(quote!(body: body.into(),));
        }
        Some(BodyModel::Json(_)) => inits.push(quote!(body,)),
        None => {}
    }
    for query in &op.query {
        if let QueryValue::Typed(_) = &query.value {
            let rust = ident(&query.rust);
            inits.push(quote!(#rust: None,));
        }
    }
    inits
}

/// `Operation::fill`: the query parameters in spec order, then the body; nothing when the
/// operation sends neither (the trait's default).
fn fill(op: &OperationModel) -> TokenStream {
    let mut statements = Vec::new();
    for query in &op.query {
        let wire = &query.wire;
        match &query.value {
            QueryValue::Const(value) => statements.push(quote!(call.query(#wire, #value);)),
            QueryValue::Typed(ty) => {
                let rust = ident(&query.rust);
                let text = match ty {
                    TypeRef::String => quote!(value.clone()),
                    TypeRef::Named(_) => quote!(value.as_str().to_owned()),
                    _ => quote!(value.to_string()),
                };
                statements.push(quote! {
                    if let Some(value) = &self.#rust {
                        call.query(#wire, #text);
                    }
                });
            }
        }
    }
    match &op.body {
        None => {}
        Some(BodyModel::Json(_)) => statements.push(quote!(call.json_body(&self.body);)),
        Some(BodyModel::Text { media_type }) => {
            statements.push(quote!(call.text_body(#media_type, self.body);));
        }
        Some(BodyModel::Multipart(_)) => {
            statements.push(quote!(call.multipart_body(self.body);));
        }
    }
    if statements.is_empty() {
        return TokenStream::new();
    }
    quote! {
        fn fill(self, call: &mut crate::request::Call) {
            #(#statements)*
        }
    }
}

/// The setters of the operation's own query parameters.
fn setters(op: &OperationModel, docs: &Docs) -> Vec<TokenStream> {
    op.query
        .iter()
        .filter_map(|query| {
            let QueryValue::Typed(ty) = &query.value else {
                return None;
            };
            let rust = ident(&query.rust);
            let rust_ty = rust_type(ty);
            let (arg, store) = match ty {
                TypeRef::String => (quote!(impl Into<String>), quote!(value.into())),
                _ => (rust_ty, quote!(value)),
            };
            let rules = crate::rules::sentence("Checked before sending", &query.constraints, false);
            let setter_doc = docs.outer(
                format!(
                    "{}\n\nSent as the `{}` query parameter ({}). {rules}",
                    query.doc,
                    query.wire,
                    type_doc(ty)
                )
                .trim_end(),
            );
            Some(quote! {
                #setter_doc
                pub fn #rust(mut self, value: #arg) -> Self {
                    self.op.#rust = Some(#store);
                    self
                }
            })
        })
        .collect()
}

/// The runtime's marker trait for an OData option.
fn odata_marker(option: ODataOption) -> proc_macro2::Ident {
    let name = match option {
        ODataOption::Filter => "SupportsFilter",
        ODataOption::Orderby => "SupportsOrderby",
        ODataOption::Select => "SupportsSelect",
        ODataOption::Top => "SupportsTop",
        ODataOption::Skip => "SupportsSkip",
        ODataOption::Expand => "SupportsExpand",
        ODataOption::Count => "SupportsCount",
    };
    format_ident!("{name}")
}

/// What `.send().await` gives, in words.
fn returns_doc(op: &OperationModel) -> String {
    let status = op.status;
    if op.async_form == AsyncForm::Only {
        return "`.send().await` sends it with `Prefer: respond-async`; the service answers `202 Accepted` \
                with a `Location` to poll, and `send` returns the [`OperationHandle`](crate::OperationHandle) \
                that polls it."
            .to_owned();
    }
    if op.status == 202 {
        return "`.send().await` returns the [`OperationHandle`](crate::OperationHandle) that polls the \
                operation: the service answers `202 Accepted` with an `Operation-Location` (or \
                `Location`) to poll."
            .to_owned();
    }
    match &op.response {
        ResponseModel::Empty => {
            format!("`.send().await` returns `()`: the service answers `{status}` with no body.")
        }
        ResponseModel::Json(ty) => format!(
            "`.send().await` returns {}: the service answers `{status}` with it.",
            type_doc(ty)
        ),
        ResponseModel::Page(ty) => format!(
            "`.send().await` returns the first [`Page`](crate::Page) of {}s; `.stream()` walks every page.",
            type_doc(ty)
        ),
        ResponseModel::Text { media_type } => format!(
            "`.send().await` returns the body as a `String` (`{media_type}`), never parsed: the service answers `{status}` with it."
        ),
        ResponseModel::Bytes { accept } => format!(
            "`.send().await` returns the body as [`Bytes`](crate::Bytes), asked for with `Accept: {accept}` and read up to the client's body size limit: the service answers `{status}` with it."
        ),
    }
}

/// The `body` argument's entry under "# Arguments".
fn body_doc(op: &OperationModel, body: &BodyModel) -> String {
    let what = match body {
        BodyModel::Json(ty) => format!("the request body, {}", type_doc(ty)),
        BodyModel::Text { media_type } => {
            format!(
                "the request body, `{media_type}` text (anything that converts into a `String`)"
            )
        }
        BodyModel::Multipart(_) => {
            "the request body, a [`Multipart`](crate::Multipart) or anything that converts into one (`multipart/form-data`)".to_owned()
        }
    };
    let mut text = format!("\n- `body`: {what}.");
    if !op.body_doc.trim().is_empty() {
        text.push(' ');
        text.push_str(op.body_doc.trim());
    }
    let rules = crate::rules::sentence(
        "Checked before sending",
        &op.body_constraints,
        matches!(body, BodyModel::Json(TypeRef::Array(_))),
    );
    if !rules.is_empty() {
        text.push(' ');
        text.push_str(&rules);
    }
    if let BodyModel::Multipart(multipart) = body {
        text.push(' ');
        text.push_str(multipart.doc.trim());
        text.push_str(" Its parts, checked before anything is sent:");
        for part in &multipart.parts {
            let kind = match &part.content {
                crate::model::PartContent::Text { media_type } => format!("`{media_type}`"),
                crate::model::PartContent::Json(ty) => format!("JSON, {}", type_doc(ty)),
            };
            let rules = crate::rules::sentence("Checked before sending", &part.constraints, false);
            text.push_str(
                format!(
                    "\n  - `{}` ({}{kind}): {} {rules}",
                    part.name,
                    if part.required { "required, " } else { "" },
                    part.doc.trim()
                )
                .trim_end(),
            );
        }
        match &multipart.binary_parts {
            Some(binary) => text.push_str(&format!(
                "\n  - binary parts you name (at most {} bytes each): {}",
                binary.max_bytes,
                binary.doc.trim()
            )),
            None => text.push_str("\n  - no other parts."),
        }
        if let Some(alone) = &multipart.alone {
            text.push_str(&format!(
                "\n\n  A body of only the `{alone}` part is sent as that part alone, with its media type and without multipart framing."
            ));
        }
    }
    text
}

fn builder_doc(model: &Model, op: &OperationModel) -> String {
    let mut options = Vec::new();
    if op
        .query
        .iter()
        .any(|q| matches!(q.value, QueryValue::Typed(_)))
    {
        options.push("its query parameters".to_owned());
    }
    if !op.odata.is_empty() {
        let list = op
            .odata
            .iter()
            .map(|o| format!("`{}`", o.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        options.push(format!("the OData options {list}"));
    }
    if op.async_form == AsyncForm::Optional {
        options.push("`respond_async()`".to_owned());
    }
    let options = if options.is_empty() {
        String::new()
    } else {
        format!(" Set {} if needed.", options.join(", "))
    };
    format!(
        "Request builder for `{}` ({} `{}`), made by `{}`.{options}\n\n{}",
        op.id,
        op.method.as_str(),
        relative_paths(model, op)
            .first()
            .map(ToString::to_string)
            .unwrap_or_default(),
        op.call,
        returns_doc(op)
    )
}

fn method_doc(model: &Model, op: &OperationModel, service: Service) -> String {
    let mut text = op.doc.trim().to_owned();
    let notes_root = match (service, &model.graph) {
        (Service::Graph, Some(graph)) => &graph.notes_root,
        _ => &model.api.notes_root,
    };
    let root = match op.root {
        Root::Notes => format!("{{location}}/{notes_root}/"),
        Root::Version => String::new(),
    };
    text.push_str("\n\n# HTTP\n");
    for path in relative_paths(model, op) {
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
            .map(|id| format!("`{}`", model.location(*id).key))
            .collect::<Vec<_>>()
            .join(", ");
        text.push_str(&format!(
            "\n\nOnly available at the {names} location: on any other location this method does not exist."
        ));
    }
    text.push_str("\n\n# Returns\n\n");
    text.push_str(&returns_doc(op));
    if !op.odata.is_empty() {
        text.push_str("\n\n# OData options\n");
        for option in &op.odata {
            let name = option.as_str();
            text.push_str(&format!("\n- [`${name}`](crate::Request::{name})"));
            let doc = op.odata_docs.get(option).map(|doc| doc.trim());
            let max = op.odata_max.get(option).map(|max| {
                format!(
                    "At most {}: a larger value is refused before the request is sent.",
                    max.value
                )
            });
            let said: Vec<&str> = doc.into_iter().chain(max.as_deref()).collect();
            if !said.is_empty() {
                text.push_str(&format!(": {}", said.join(" ")));
            }
        }
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
        text.push_str(&body_doc(op, body));
    }
    text
}

/// The operation's paths under the notes root (or the version root), one per mount, in route
/// order.
fn relative_paths<'a>(model: &'a Model, op: &OperationModel) -> Vec<&'a PathTemplate> {
    let mut paths: Vec<&PathTemplate> = Vec::new();
    for route in model.routes_of(op) {
        if !paths.contains(&&route.relative) {
            paths.push(&route.relative);
        }
    }
    paths
}
