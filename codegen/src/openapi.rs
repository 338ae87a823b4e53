//! Exports the resolved model as an OpenAPI 3.0.3 document (`cargo xtask openapi`).
//!
//! The document is for Swagger UI, Postman, other generators and schema fuzzers; the Rust
//! client does not use it. It is built from the [`Model`] alone, so it says exactly what the
//! generated client does, and it is pure: model in, [`serde_json::Value`] out.
//!
//! # Paths
//!
//! Every route of the model ([`Model::routes`]: each operation under every location root it is
//! allowed on, once per mount of its group) is its own path with its own path parameters:
//! `/{location path}/{notes root}/{path}` (`/users/{userId}/notes/classNotebooks`).
//! Version-root operations appear once, at `/{path}`. The server URL is
//! `{base URL}/{version}`, with the version as a server variable.
//!
//! # Operation ids
//!
//! - `{location}.{operationId}` under a location root: `me.listClassNotebooks`,
//!   `group.updateMembership`;
//! - `{location}.{mount}.{operationId}` when the operation belongs to a group mounted at more
//!   than one resource, `{mount}` being that resource's spec name in lowerCamelCase:
//!   `me.notebook.listPermissions`, `site.sectionGroup.deletePermission`;
//! - `{operationId}` for version-root operations: `getSiteMetadataFromUrl`.
//!
//! They are made of spec names only, so they stay the same as long as location keys, resource
//! names and operation ids do. Should two still coincide, the later one (in spec order) gets
//! `.2`, `.3`, ….
//!
//! # What an operation carries
//!
//! Path parameters (with the docs of the location, resource or operation that declares them),
//! query parameters (a constant one as a required single-value enum), the OData options it
//! accepts (`$filter`, … as `components/parameters`), `Prefer: respond-async` when it has an
//! asynchronous form (required when it has only that form) with a `202` response carrying
//! `Location`, the request body and success response as `components/schemas` references (a
//! collection as a `{T}Page` schema), the OneNote error body as the `4XX` and `5XX` responses,
//! `X-CorrelationId` and `Date` headers on every response, and its scopes on the `oauth2`
//! scheme. The spec's docs become `summary` (the first sentence) and `description` (all of
//! it).
//!
//! OpenAPI allows one operation per method and path. The spec does not forbid two operations
//! that differ only in a constant query parameter; should that happen, the first (in spec order)
//! is exported and the others are listed under the path's `x-omitted-operations`.
//!
//! # Determinism
//!
//! `serde_json` is built without `preserve_order`, so every object's keys come out sorted;
//! every list is in model order. No hash order reaches the output.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToLowerCamelCase;
use serde_json::{Map, Value, json};

use crate::model::{
    AsyncForm, BodyModel, EnumValueModel, FieldModel, Model, Module, MultipartModel, ODataOption,
    OperationModel, PartContent, QueryValue, ResponseModel, Route, RouteParam, Service, TypeKind,
    TypeModel, TypeRef,
};
use crate::rules::{InputRules, ODataParam, ODataShape, odata_params, sentence};

/// The OpenAPI version written.
const OPENAPI_VERSION: &str = "3.0.3";
/// Microsoft identity platform endpoints for the `oauth2` scheme.
const AUTHORIZATION_URL: &str = "https://login.microsoftonline.com/common/oauth2/v2.0/authorize";
const TOKEN_URL: &str = "https://login.microsoftonline.com/common/oauth2/v2.0/token";
const JSON_MEDIA: &str = "application/json";
const SCHEMAS: &str = "#/components/schemas/";

/// The OpenAPI document of the whole model.
pub fn document(model: &Model) -> Value {
    let names = ComponentNames::new(model);
    let mut module_of: Vec<Option<&Module>> = vec![None; model.operations.len()];
    for module in &model.modules {
        for id in &module.operations {
            if let Some(slot) = module_of.get_mut(id.0) {
                *slot = Some(module);
            }
        }
    }

    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    let mut operation_ids: BTreeSet<String> = BTreeSet::new();
    let mut parameters: Map<String, Value> = Map::new();
    for route in &model.routes {
        let op = model.operation(route.operation);
        let Some(module) = module_of.get(route.operation.0).copied().flatten() else {
            continue;
        };
        let id = unique(operation_id(model, route), &mut operation_ids);
        let method = op.method.as_str().to_ascii_lowercase();
        let item = paths.entry(route.template.openapi_path()).or_default();
        if item.contains_key(&method) {
            omitted(item, &method, &id);
            continue;
        }
        let odata = odata_refs(model, op, &mut parameters);
        let operation = operation(op, module, &id, path_params(route, &names), odata, &names);
        item.insert(method, operation);
    }

    let versions: Vec<&str> = model
        .api
        .versions
        .iter()
        .map(|v| v.segment.as_str())
        .collect();
    let default_version = model
        .api
        .versions
        .get(model.api.default_version)
        .or(model.api.versions.first())
        .map(|v| v.segment.clone())
        .unwrap_or_default();
    let version_doc = model
        .api
        .versions
        .iter()
        .map(|v| format!("- `{}`: {}", v.segment, v.doc))
        .collect::<Vec<_>>()
        .join("\n");

    let tags: Vec<Value> = model
        .modules
        .iter()
        .filter(|module| !module.operations.is_empty())
        .map(|module| with_description(json!({ "name": module.name }), &module.doc))
        .collect();

    let title = first_sentence(&model.api.doc)
        .trim_end_matches('.')
        .trim()
        .to_owned();
    let title = if title.is_empty() {
        "API".to_owned()
    } else {
        title
    };

    json!({
        "openapi": OPENAPI_VERSION,
        "info": with_description(
            json!({ "title": title, "version": default_version }),
            &format!(
                "{}\n\nGenerated from the spec by `cargo xtask openapi`; do not edit by hand.",
                model.api.doc
            ),
        ),
        "servers": [{
            "url": format!("{}/{{version}}", model.api.base_url.trim_end_matches('/')),
            "description": "The service; `version` selects the API version.",
            "variables": {
                "version": with_description(
                    json!({ "enum": versions, "default": default_version }),
                    &version_doc,
                ),
            },
        }],
        "tags": tags,
        "paths": paths,
        "components": {
            "schemas": schemas(model, &names),
            "parameters": parameters,
            "headers": headers(model.api.service),
            "responses": responses(&names, model.api.service),
            "securitySchemes": security_schemes(model),
        },
    })
}

/// `{location}.{operationId}`, with `.{mount}` between when the operation's group is mounted
/// more than once, or the bare id at the version root.
fn operation_id(model: &Model, route: &Route) -> String {
    let op = model.operation(route.operation);
    let Some(location) = route.location else {
        return op.id.clone();
    };
    let location = &model.location(location).key;
    let mounts: BTreeSet<_> = model.routes_of(op).iter().filter_map(|r| r.mount).collect();
    match route.mount {
        Some(mount) if mounts.len() > 1 => {
            let mount = model.resource(mount).key.to_lower_camel_case();
            format!("{location}.{mount}.{}", op.id)
        }
        _ => format!("{location}.{}", op.id),
    }
}

/// The path parameter objects of a route, in path order, each with the docs of the location,
/// resource or operation that declares it.
fn path_params(route: &Route, names: &ComponentNames) -> Vec<Value> {
    route
        .params
        .iter()
        .map(|RouteParam { param, .. }| {
            let mut doc = param.doc.clone();
            if route.template.is_quoted(&param.wire) {
                if !doc.is_empty() {
                    doc.push(' ');
                }
                doc.push_str(
                    "Sent inside an OData string literal (`'…'`): single quotes in the value are doubled, then it is percent-encoded.",
                );
            }
            with_description(
                json!({ "name": param.wire, "in": "path", "required": true, "schema": schema(&param.ty, Form::Request, names) }),
                &doc,
            )
        })
        .collect()
}

/// `base`, or `base.2`, `base.3`, … if taken; records the result.
fn unique(base: String, taken: &mut BTreeSet<String>) -> String {
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}.{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

/// Notes an operation OpenAPI cannot place because its method and path are taken.
fn omitted(item: &mut Map<String, Value>, method: &str, id: &str) {
    let entry = json!({
        "method": method,
        "operationId": id,
        "reason": "another operation has the same method and path; OpenAPI allows one",
    });
    match item.get_mut("x-omitted-operations") {
        Some(Value::Array(list)) => list.push(entry),
        _ => {
            item.insert("x-omitted-operations".to_owned(), json!([entry]));
        }
    }
}

/// One operation object; `odata` are its OData options' parameters (references or, with the
/// operation's own docs, written out).
fn operation(
    op: &OperationModel,
    module: &Module,
    id: &str,
    path_params: Vec<Value>,
    odata: Vec<Value>,
    names: &ComponentNames,
) -> Value {
    let mut parameters = path_params;
    for query in &op.query {
        let parameter = match &query.value {
            QueryValue::Typed(ty) => {
                let mut schema = schema(ty, Form::Request, names);
                apply_rules(&mut schema, ty, &InputRules::from(&query.constraints));
                json!({ "name": query.wire, "in": "query", "schema": schema })
            }
            QueryValue::Const(value) => json!({
                "name": query.wire,
                "in": "query",
                "required": true,
                "schema": { "type": "string", "enum": [value] },
            }),
        };
        parameters.push(with_description(
            parameter,
            &with_rules(
                &query.doc,
                &sentence("The service takes", &query.constraints, false),
            ),
        ));
    }
    parameters.extend(odata);
    match op.async_form {
        AsyncForm::None => {}
        AsyncForm::Optional | AsyncForm::Only => {
            let only = op.async_form == AsyncForm::Only;
            let description = if only {
                "This operation has only the asynchronous form: send `respond-async`. The service answers `202 Accepted` with a `Location` to poll."
            } else {
                "`respond-async` asks for the asynchronous form: the service answers `202 Accepted` with a `Location` to poll instead of the result."
            };
            parameters.push(json!({
                "name": "Prefer",
                "in": "header",
                "required": only,
                "description": description,
                "schema": { "type": "string", "enum": ["respond-async"] },
            }));
        }
    }

    let mut responses = Map::new();
    let status = op.status.to_string();
    if op.status == 202 && op.response == ResponseModel::Empty {
        responses.insert(status, json!({ "$ref": "#/components/responses/Accepted" }));
    } else {
        responses.insert(status, success_response(op, names));
        if op.async_form != AsyncForm::None {
            responses.insert(
                "202".to_owned(),
                json!({ "$ref": "#/components/responses/Accepted" }),
            );
        }
    }
    // Ranges, not `default`: generators count `default` as a possible success.
    for range in ["4XX", "5XX"] {
        responses.insert(
            range.to_owned(),
            json!({ "$ref": "#/components/responses/Error" }),
        );
    }

    let mut operation = Map::new();
    operation.insert("operationId".to_owned(), json!(id));
    let summary = first_sentence(&op.doc);
    if !summary.is_empty() {
        operation.insert("summary".to_owned(), json!(summary));
    }
    if !op.doc.trim().is_empty() {
        operation.insert("description".to_owned(), json!(op.doc));
    }
    operation.insert("tags".to_owned(), json!([module.name]));
    if !parameters.is_empty() {
        operation.insert("parameters".to_owned(), Value::Array(parameters));
    }
    if let Some(body) = &op.body {
        operation.insert("requestBody".to_owned(), request_body(op, body, names));
    }
    operation.insert("responses".to_owned(), Value::Object(responses));
    operation.insert(
        "security".to_owned(),
        json!([{ "bearer": [] }, { "oauth2": op.scopes }]),
    );
    Value::Object(operation)
}

/// The request body: JSON, text, or `multipart/form-data` with one property per declared part
/// (and any further binary parts when the caller may add them), each with its rules.
fn request_body(op: &OperationModel, body: &BodyModel, names: &ComponentNames) -> Value {
    let rules = InputRules::from(&op.body_constraints);
    let (description, content) = match body {
        BodyModel::Json(ty) => {
            let mut schema = schema(ty, Form::Request, names);
            apply_rules(&mut schema, ty, &rules);
            (
                format!("The `{}` to send.", type_label(ty)),
                json!({ JSON_MEDIA: { "schema": schema } }),
            )
        }
        BodyModel::Text { media_type } => (
            format!("The `{media_type}` text to send."),
            json!({ media_type: { "schema": text_schema(&rules) } }),
        ),
        BodyModel::Multipart(multipart) => {
            let mut content = Map::new();
            content.insert(
                "multipart/form-data".to_owned(),
                multipart_schema(multipart, names),
            );
            // The part that may be sent alone is a second content type of the same body.
            if let Some(part) = multipart
                .alone
                .as_ref()
                .and_then(|name| multipart.parts.iter().find(|part| &part.name == name))
            {
                let rules = InputRules::from(&part.constraints);
                let doc = with_rules(
                    &part.doc,
                    &sentence("The service takes", &part.constraints, false),
                );
                content.insert(
                    part.content.media_type().to_owned(),
                    json!({ "schema": with_description(text_schema(&rules), &doc) }),
                );
            }
            (multipart.doc.clone(), Value::Object(content))
        }
    };
    let description = if op.body_doc.trim().is_empty() {
        description
    } else {
        format!("{} {}", op.body_doc.trim(), description)
    };
    let description = with_rules(
        &description,
        &sentence(
            "The service takes",
            &op.body_constraints,
            matches!(body, BodyModel::Json(TypeRef::Array(_))),
        ),
    );
    json!({ "required": op.body_required, "description": description, "content": content })
}

/// A multipart body's media type object: a schema with a property per part, and the
/// `encoding` that gives each declared part its content type.
fn multipart_schema(multipart: &MultipartModel, names: &ComponentNames) -> Value {
    let mut properties = Map::new();
    let mut encoding = Map::new();
    let mut required = Vec::new();
    for part in &multipart.parts {
        let schema = match &part.content {
            PartContent::Text { .. } => part_schema(&InputRules::from(&part.constraints)),
            PartContent::Json(ty) => schema(ty, Form::Request, names),
        };
        let doc = with_rules(
            &part.doc,
            &sentence("The service takes", &part.constraints, false),
        );
        properties.insert(part.name.clone(), with_description(schema, &doc));
        encoding.insert(
            part.name.clone(),
            json!({ "contentType": part.content.media_type() }),
        );
        if part.required {
            required.push(part.name.clone());
        }
    }
    let mut schema = json!({ "type": "object", "properties": properties });
    if let Value::Object(map) = &mut schema {
        if !required.is_empty() {
            map.insert("required".to_owned(), json!(required));
        }
        map.insert(
            "additionalProperties".to_owned(),
            match &multipart.binary_parts {
                Some(binary) => with_description(
                    json!({ "type": "string", "format": "binary" }),
                    &format!(
                        "{} At most {} bytes per part.",
                        binary.doc.trim(),
                        binary.max_bytes
                    ),
                ),
                None => json!(false),
            },
        );
    }
    json!({ "schema": schema, "encoding": encoding })
}

/// The success response of an operation.
fn success_response(op: &OperationModel, names: &ComponentNames) -> Value {
    let status = match op.status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        _ => "Success",
    };
    let (description, body) = match &op.response {
        ResponseModel::Empty => (format!("{status}."), None),
        ResponseModel::Json(ty) => (
            format!("{status}: the `{}`.", type_label(ty)),
            Some(schema(ty, Form::Response, names)),
        ),
        ResponseModel::Page(ty) => (
            format!("{status}: one page of `{}`.", type_label(ty)),
            Some(json!({ "$ref": format!("{SCHEMAS}{}", names.page(ty)) })),
        ),
        ResponseModel::Text { media_type } => (
            format!("{status}: `{media_type}` text."),
            Some(json!({ "type": "string" })),
        ),
        ResponseModel::Bytes { .. } => (
            format!("{status}: the bytes."),
            Some(json!({ "type": "string", "format": "binary" })),
        ),
    };
    let description = if op.response_doc.trim().is_empty() {
        description
    } else {
        format!("{description} {}", op.response_doc.trim())
    };
    let mut response =
        json!({ "description": description, "headers": standard_headers(names.service) });
    if let (Some(body), Value::Object(map)) = (body, &mut response) {
        let media = op.response.accept();
        map.insert("content".to_owned(), json!({ media: { "schema": body } }));
    }
    response
}

/// The correlation header (`X-CorrelationId`, Graph's `request-id`) and `Date`, as references.
fn standard_headers(service: Service) -> Value {
    let correlation = correlation_header(service);
    json!({
        correlation: { "$ref": format!("#/components/headers/{correlation}") },
        "Date": { "$ref": "#/components/headers/Date" },
    })
}

/// The first sentence of a doc, on one line: up to the first `.` (or `!`, `?`) that ends a
/// sentence outside parentheses and code, or the first paragraph.
fn first_sentence(doc: &str) -> String {
    let paragraph = doc.trim().split("\n\n").next().unwrap_or_default();
    let mut depth = 0usize;
    let mut code = false;
    let mut end = paragraph.len();
    let mut chars = paragraph.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '`' => code = !code,
            '(' if !code => depth += 1,
            ')' if !code => depth = depth.saturating_sub(1),
            '.' | '!' | '?' if !code && depth == 0 => {
                let at_end = chars.peek().is_none_or(|(_, next)| next.is_whitespace());
                let word = paragraph[..at]
                    .rsplit(|c: char| c.is_whitespace() || c == '(')
                    .next()
                    .unwrap_or_default();
                let abbreviation = matches!(word, "e.g" | "i.e" | "etc" | "vs");
                if at_end && !abbreviation {
                    end = at + c.len_utf8();
                    break;
                }
            }
            _ => {}
        }
    }
    paragraph[..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Adds `description` to an object when the text is not empty.
fn with_description(mut value: Value, description: &str) -> Value {
    if let Value::Object(map) = &mut value
        && !description.trim().is_empty()
    {
        map.insert("description".to_owned(), json!(description));
    }
    value
}

/// A type as the spec writes it (`ClassNotebook`, `string[]`).
fn type_label(ty: &TypeRef) -> String {
    ty.spec_text()
}

/// Which side of the exchange a schema describes: what a request may send (enums closed,
/// the rules of the documents, objects without other properties) or what a response holds
/// (enums open: the service may add values, and the client keeps them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    Request,
    Response,
}

/// The schema of a type reference in `form`.
fn schema(ty: &TypeRef, form: Form, names: &ComponentNames) -> Value {
    match ty {
        TypeRef::String => json!({ "type": "string" }),
        TypeRef::Boolean => json!({ "type": "boolean" }),
        TypeRef::Integer => json!({ "type": "integer", "format": "int64" }),
        TypeRef::Number => json!({ "type": "number", "format": "double" }),
        TypeRef::DateTime => json!({ "type": "string", "format": "date-time" }),
        TypeRef::Json => json!({}),
        TypeRef::Named(name) => json!({ "$ref": format!("{SCHEMAS}{}", names.named(name, form)) }),
        TypeRef::Array(inner) => json!({ "type": "array", "items": schema(inner, form, names) }),
    }
}

/// A text body or part with its rules. Without `type`: the media type says it is text, and a
/// JSON type says nothing of text (a fuzzer "sending a number" sends its digits, which are
/// text too).
fn text_schema(rules: &InputRules) -> Value {
    let mut schema = json!({ "type": "string" });
    apply_rules(&mut schema, &TypeRef::String, rules);
    if let Value::Object(map) = &mut schema {
        map.remove("type");
    }
    schema
}

/// A text part of a multipart body with its rules: a string, as a form field is (a part
/// without `type` would let a fuzzer send `null`, which a form encoder sends as no part).
fn part_schema(rules: &InputRules) -> Value {
    let mut schema = json!({ "type": "string" });
    apply_rules(&mut schema, &TypeRef::String, rules);
    schema
}

/// Writes `rules` into the schema of a value of type `ty`: `minItems` on a list and the other
/// rules on its items; `minLength`, `maxLength`, `pattern` (forbidden characters become
/// `^[^…]*$`; with a pattern too, both go under `allOf`) and `enum` on a string; `minimum`
/// and `maximum` on a number.
fn apply_rules(schema: &mut Value, ty: &TypeRef, rules: &InputRules) {
    let Value::Object(map) = schema else {
        return;
    };
    match ty {
        TypeRef::Array(inner) => {
            if let Some(rule) = &rules.min_items {
                map.insert("minItems".to_owned(), json!(rule.value));
            }
            let items = InputRules {
                min_items: None,
                ..rules.clone()
            };
            if let Some(item) = map.get_mut("items") {
                apply_rules(item, inner, &items);
            }
        }
        TypeRef::String => {
            if let Some(rule) = &rules.min_length {
                map.insert("minLength".to_owned(), json!(rule.value));
            }
            if let Some(rule) = &rules.max_length {
                map.insert("maxLength".to_owned(), json!(rule.value));
            }
            if let Some(rule) = &rules.one_of {
                map.insert("enum".to_owned(), json!(rule.value));
            }
            let patterns: Vec<String> = rules
                .forbidden_characters
                .iter()
                .map(|rule| forbidden_pattern(&rule.value))
                .chain(rules.pattern.iter().map(|rule| rule.value.regex.clone()))
                .collect();
            match patterns.as_slice() {
                [] => {}
                [one] => {
                    map.insert("pattern".to_owned(), json!(one));
                }
                several => {
                    let all: Vec<Value> = several.iter().map(|p| json!({ "pattern": p })).collect();
                    map.insert("allOf".to_owned(), json!(all));
                }
            }
        }
        TypeRef::Integer | TypeRef::Number => {
            if let Some(rule) = &rules.minimum {
                map.insert("minimum".to_owned(), json!(rule.value));
            }
            if let Some(rule) = &rules.maximum {
                map.insert("maximum".to_owned(), json!(rule.value));
            }
        }
        _ => {}
    }
}

/// Alternative groups of fields as JSON Schema: each group whole (all its fields or none) and
/// no two groups together.
fn alternatives(groups: &[Vec<String>]) -> Value {
    let any_of = |group: &[String]| {
        let each: Vec<Value> = group.iter().map(|f| json!({ "required": [f] })).collect();
        json!({ "anyOf": each })
    };
    let mut all = Vec::new();
    for group in groups.iter().filter(|group| group.len() > 1) {
        all.push(json!({ "anyOf": [{ "required": group }, { "not": any_of(group) }] }));
    }
    for (i, first) in groups.iter().enumerate() {
        for second in &groups[i + 1..] {
            all.push(json!({ "not": { "allOf": [any_of(first), any_of(second)] } }));
        }
    }
    Value::Array(all)
}

/// `^[^…]*$`: a string without any of `characters`.
fn forbidden_pattern(characters: &str) -> String {
    let mut class = String::new();
    for c in characters.chars() {
        if matches!(c, '\\' | ']' | '[' | '^' | '-') {
            class.push('\\');
        }
        class.push(c);
    }
    format!("^[^{class}]*$")
}

/// A description followed by its rules' sentence, when there is one.
fn with_rules(doc: &str, rules: &str) -> String {
    match (doc.trim().is_empty(), rules.is_empty()) {
        (_, true) => doc.to_owned(),
        (true, false) => rules.to_owned(),
        (false, false) => format!("{}\n\n{rules}", doc.trim_end()),
    }
}

/// Names of the schemas this module adds beside the spec's types, chosen not to collide
/// with them.
struct ComponentNames {
    /// The service the document describes (its correlation header and error body).
    service: Service,
    error: String,
    /// Page element types and their schema names, in first-use order.
    pages: Vec<(TypeRef, String)>,
    /// The request form's name of each type both requests and responses carry
    /// (`PrincipalInput`); the spec's name is its response form.
    inputs: BTreeMap<String, String>,
}

impl ComponentNames {
    fn new(model: &Model) -> Self {
        let mut taken: BTreeSet<String> = model
            .modules
            .iter()
            .flat_map(|module| &module.types)
            .map(|ty| ty.name.clone())
            .collect();
        let error = allocate("ErrorResponse", &mut taken);
        let mut inputs = BTreeMap::new();
        for ty in model.modules.iter().flat_map(|module| &module.types) {
            if ty.usage.requests && ty.usage.responses {
                let name = allocate(&format!("{}Input", ty.name), &mut taken);
                inputs.insert(ty.name.clone(), name);
            }
        }
        let mut pages: Vec<(TypeRef, String)> = Vec::new();
        for op in &model.operations {
            if let ResponseModel::Page(ty) = &op.response
                && !pages.iter().any(|(known, _)| known == ty)
            {
                let name = allocate(&format!("{}Page", page_base(ty)), &mut taken);
                pages.push((ty.clone(), name));
            }
        }
        ComponentNames {
            service: model.api.service,
            error,
            pages,
            inputs,
        }
    }

    /// The schema name of a spec type in `form`: its request form's own name when responses
    /// carry it too, else the spec's name.
    fn named<'a>(&'a self, name: &'a str, form: Form) -> &'a str {
        match (form, self.inputs.get(name)) {
            (Form::Request, Some(input)) => input,
            _ => name,
        }
    }

    /// The page schema of an element type.
    fn page(&self, ty: &TypeRef) -> String {
        self.pages
            .iter()
            .find(|(known, _)| known == ty)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| format!("{}Page", page_base(ty)))
    }
}

/// `base`, or `base2`, `base3`, … if taken; records the result.
fn allocate(base: &str, taken: &mut BTreeSet<String>) -> String {
    let mut name = base.to_owned();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

/// The start of a page schema's name: `ClassNotebook`, `String`, `StringArray`.
fn page_base(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::Boolean => "Boolean".to_owned(),
        TypeRef::Integer => "Integer".to_owned(),
        TypeRef::Number => "Number".to_owned(),
        TypeRef::DateTime => "DateTime".to_owned(),
        TypeRef::Json => "Json".to_owned(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Array(inner) => format!("{}Array", page_base(inner)),
    }
}

/// `components/schemas`: one per spec type (its request form when only requests carry it, its
/// response form otherwise, and then a `…Input` request form too when requests carry it as
/// well), one per page, and the error body.
fn schemas(model: &Model, names: &ComponentNames) -> Map<String, Value> {
    let mut schemas = Map::new();
    for ty in model.modules.iter().flat_map(|module| &module.types) {
        let form = if ty.usage.requests && !ty.usage.responses {
            Form::Request
        } else {
            Form::Response
        };
        schemas.insert(ty.name.clone(), type_schema(ty, form, names));
        if let Some(input) = names.inputs.get(&ty.name) {
            schemas.insert(input.clone(), type_schema(ty, Form::Request, names));
        }
    }
    for (element, name) in &names.pages {
        schemas.insert(name.clone(), page_schema(element, names));
    }
    schemas.insert(names.error.clone(), error_schema(names.service));
    schemas
}

/// The schema of one spec type in `form`.
fn type_schema(ty: &TypeModel, form: Form, names: &ComponentNames) -> Value {
    match &ty.kind {
        TypeKind::Object { fields } => {
            let properties: Map<String, Value> = fields
                .iter()
                .map(|field| (field.wire.clone(), field_schema(field, form, names)))
                .collect();
            let required: Vec<&str> = fields
                .iter()
                .filter(|field| field.required)
                .map(|field| field.wire.as_str())
                .collect();
            let mut schema = json!({ "type": "object", "properties": properties });
            let mut doc = ty.doc.clone();
            if let Value::Object(map) = &mut schema {
                if !required.is_empty() {
                    map.insert("required".to_owned(), json!(required));
                }
                // A request sends the fields the spec names and no other.
                if form == Form::Request {
                    map.insert("additionalProperties".to_owned(), json!(false));
                    if let Some(exclusive) = &ty.exclusive {
                        map.insert("allOf".to_owned(), alternatives(&exclusive.groups));
                        doc = with_rules(
                            &doc,
                            &crate::rules::exclusive_sentence("The service takes", Some(exclusive)),
                        );
                    }
                }
            }
            with_description(schema, &doc)
        }
        // A request sends a listed value (an `Unknown(…)` value is refused before sending).
        TypeKind::Enum { values, lenient } if form == Form::Request => {
            let wire: Vec<&str> = values.iter().map(|v| v.wire.as_str()).collect();
            with_description(
                json!({ "type": "string", "enum": wire }),
                &enum_description(&ty.doc, values, *lenient),
            )
        }
        // The client keeps values it does not know, so a response's list is not closed: any
        // other string is valid too.
        TypeKind::Enum { values, lenient } => {
            let wire: Vec<&str> = values.iter().map(|v| v.wire.as_str()).collect();
            with_description(
                json!({
                    "anyOf": [
                        { "type": "string", "enum": wire },
                        {
                            "type": "string",
                            "description": "A value not listed here: the service may add values, and the client keeps them as received.",
                        },
                    ],
                }),
                &enum_description(&ty.doc, values, *lenient),
            )
        }
    }
}

/// An enum's docs followed by one line per value.
fn enum_description(doc: &str, values: &[EnumValueModel], lenient: bool) -> String {
    let mut text = doc.trim().to_owned();
    let list = values
        .iter()
        .map(|v| {
            if v.doc.trim().is_empty() {
                format!("- `{}`", v.wire)
            } else {
                format!("- `{}`: {}", v.wire, v.doc.trim())
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    for part in [
        list.as_str(),
        if lenient {
            "The service's exact spelling is not documented: match received values ignoring case, spaces, `_` and `-`."
        } else {
            ""
        },
    ] {
        if !part.is_empty() {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(part);
        }
    }
    text
}

/// One object property: `$ref`s are wrapped in `allOf` so the field keeps its own docs; in a
/// request, with its rules.
fn field_schema(field: &FieldModel, form: Form, names: &ComponentNames) -> Value {
    let mut base = schema(&field.ty, form, names);
    let mut doc = field.doc.clone();
    if form == Form::Request {
        apply_rules(&mut base, &field.ty, &InputRules::from(&field.constraints));
        doc = with_rules(
            &doc,
            &sentence(
                "The service takes",
                &field.constraints,
                matches!(field.ty, TypeRef::Array(_)),
            ),
        );
    }
    let mut schema = if matches!(field.ty, TypeRef::Named(_)) {
        json!({ "allOf": [base] })
    } else {
        base
    };
    if let Value::Object(map) = &mut schema
        && field.nullable
    {
        map.insert("nullable".to_owned(), json!(true));
    }
    with_description(schema, &doc)
}

/// `{T}Page`: one page of an OData collection.
fn page_schema(element: &TypeRef, names: &ComponentNames) -> Value {
    json!({
        "type": "object",
        "description": format!(
            "One page of an OData collection of `{}`. Follow `@odata.nextLink` (with the same token) for the next page.",
            type_label(element)
        ),
        "required": ["value"],
        "properties": {
            "value": {
                "type": "array",
                "description": "The items on this page.",
                "items": schema(element, Form::Response, names),
            },
            "@odata.nextLink": {
                "type": "string",
                "description": "The URL of the next page; absent on the last page.",
            },
            "@odata.count": {
                "type": "integer",
                "format": "int64",
                "minimum": 0,
                "description": "The total number of items, when `$count=true` was sent.",
            },
            "@odata.context": {
                "type": "string",
                "description": "The OData context URL of the response.",
            },
        },
    })
}

/// `ErrorResponse`: the OneNote error body, or Microsoft Graph's.
fn error_schema(service: Service) -> Value {
    if service == Service::Graph {
        return graph_error_schema();
    }
    json!({
        "type": "object",
        "description": "The error body. The class-notebook and permissions documents show no error body, so this follows the shape the wider OneNote API publishes; every part may be missing.",
        "properties": {
            "error": {
                "type": "object",
                "description": "What went wrong.",
                "properties": {
                    "code": {
                        "type": "string",
                        "description": "The OneNote error code (e.g. `20102`).",
                    },
                    "message": {
                        "type": "string",
                        "description": "What went wrong, in English.",
                    },
                    "@api.url": {
                        "type": "string",
                        "description": "A link to the code's documentation.",
                    },
                },
            },
            "@api.diagnostics": {
                "description": "Diagnostics for Microsoft support. The class-notebook documents call it an object; neither they nor the wider OneNote API documents show its shape, so an array is accepted too.",
                "anyOf": [{ "type": "object" }, { "type": "array" }],
            },
        },
    })
}

/// Microsoft Graph's error body: the OneNote code and message, and `innerError`.
fn graph_error_schema() -> Value {
    let text = |description: &str| json!({ "type": "string", "description": description });
    json!({
        "type": "object",
        "description": "Microsoft Graph's error body (Graph's `ODataError`): the OneNote error code and message, and `innerError` with the ids that identify the request to Microsoft support.",
        "properties": {
            "error": {
                "type": "object",
                "description": "What went wrong.",
                "properties": {
                    "code": text("The OneNote error code (e.g. `20102`)."),
                    "message": text("What went wrong, in English."),
                    "innerError": {
                        "type": "object",
                        "description": "The request's ids and time.",
                        "properties": {
                            "request-id": text("The `request-id` header's value."),
                            "client-request-id": text("The caller's `client-request-id`, or the request id."),
                            "date": text("When the request was handled, without a UTC offset (`2025-06-23T16:24:20`)."),
                        },
                    },
                },
            },
        },
    })
}

/// The parameters of `op`'s OData options: a reference to a shared component (registered in
/// `components` the first time; named `odata.{option}`, `odata.{option}.{Type}` when it names
/// the response type's properties, `….{operationId}` should that be taken by another), or the
/// parameter written out when the operation has its own docs for the option.
fn odata_refs(
    model: &Model,
    op: &OperationModel,
    components: &mut Map<String, Value>,
) -> Vec<Value> {
    let response = match &op.response {
        ResponseModel::Json(TypeRef::Named(name)) | ResponseModel::Page(TypeRef::Named(name)) => {
            Some(name.as_str())
        }
        _ => None,
    };
    odata_params(model, op)
        .iter()
        .map(|param| {
            let parameter = odata_parameter(param);
            if let Some(doc) = op.odata_docs.get(&param.option) {
                let mut parameter = parameter;
                if let Value::Object(map) = &mut parameter {
                    let generic = map
                        .get("description")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    map.insert(
                        "description".to_owned(),
                        json!(format!("{generic} {}", doc.trim())),
                    );
                }
                return parameter;
            }
            let mut key = format!("odata.{}", param.option.as_str());
            let names_properties = matches!(
                param.option,
                ODataOption::Select | ODataOption::Orderby | ODataOption::Expand
            );
            if let (true, Some(response)) = (names_properties, response) {
                key = format!("{key}.{response}");
            }
            if components
                .get(&key)
                .is_some_and(|known| *known != parameter)
            {
                key = format!("{key}.{}", op.id);
            }
            components.entry(key.clone()).or_insert(parameter);
            json!({ "$ref": format!("#/components/parameters/{key}") })
        })
        .collect()
}

/// One OData option as a query parameter, with its rules.
fn odata_parameter(param: &ODataParam) -> Value {
    let description = match param.option {
        ODataOption::Filter => "An OData filter expression over the items' properties.",
        ODataOption::Orderby => {
            "The sort order: properties, each optionally followed by `asc` or `desc`, separated by commas."
        }
        ODataOption::Select => "The properties to return.",
        ODataOption::Top => "The most items to return.",
        ODataOption::Skip => "How many items to skip.",
        ODataOption::Expand => {
            "The related entities to include. The service also takes nested options after one (`sectionGroups(expand=sections)`), which a JSON Schema cannot describe: the names here are what comes before them."
        }
        ODataOption::Count => "`true` includes the total number of items in `@odata.count`.",
    };
    let (mut schema, ty) = match param.shape {
        ODataShape::String => (json!({ "type": "string" }), TypeRef::String),
        ODataShape::Integer => (
            json!({ "type": "integer", "format": "int64" }),
            TypeRef::Integer,
        ),
        ODataShape::Boolean => (json!({ "type": "boolean" }), TypeRef::Boolean),
        ODataShape::Names => (
            json!({ "type": "array", "items": { "type": "string" } }),
            TypeRef::Array(Box::new(TypeRef::String)),
        ),
    };
    apply_rules(&mut schema, &ty, &param.rules);
    let mut parameter = json!({
        "name": param.name,
        "in": "query",
        "description": description,
        "schema": schema,
    });
    if let (ODataShape::Names, Value::Object(map)) = (param.shape, &mut parameter) {
        map.insert("style".to_owned(), json!("form"));
        map.insert("explode".to_owned(), json!(false));
    }
    parameter
}

/// The header that identifies a request to Microsoft support on `service`.
fn correlation_header(service: Service) -> &'static str {
    match service {
        Service::OneNote => "X-CorrelationId",
        Service::Graph => "request-id",
    }
}

/// `components/headers`.
fn headers(service: Service) -> Value {
    json!({
        correlation_header(service): {
            "description": "Identifies the request to Microsoft support.",
            "schema": { "type": "string" },
        },
        "Date": {
            "description": format!("When the service handled the request (an HTTP date); give it to Microsoft support with `{}`.", correlation_header(service)),
            "schema": { "type": "string" },
        },
        "Location": {
            "description": "The URL to poll (GET, with the same token) for the operation's status: sent by the class-notebook calls' asynchronous form.",
            "schema": { "type": "string" },
        },
        "Operation-Location": {
            "description": "The URL to poll (GET, with the same token) for the operation's status: sent by copies.",
            "schema": { "type": "string" },
        },
    })
}

/// `components/responses`: the asynchronous answer and the error.
fn responses(names: &ComponentNames, service: Service) -> Value {
    let mut accepted_headers = standard_headers(service);
    if let Value::Object(map) = &mut accepted_headers {
        for header in ["Location", "Operation-Location"] {
            map.insert(
                header.to_owned(),
                json!({ "$ref": format!("#/components/headers/{header}") }),
            );
        }
    }
    json!({
        "Accepted": {
            "description": "Accepted: the service runs the operation asynchronously. Poll the URL in `Location` (class-notebook calls) or `Operation-Location` (copies) until the operation has completed or failed.",
            "headers": accepted_headers,
        },
        "Error": {
            "description": "An error. The class-notebook and permissions documents show no error body; this follows the shape the wider OneNote API publishes.",
            "headers": standard_headers(service),
            "content": { JSON_MEDIA: { "schema": { "$ref": format!("{SCHEMAS}{}", names.error) } } },
        },
    })
}

/// `components/securitySchemes`: a bearer token, and OAuth 2.0 with every scope used.
fn security_schemes(model: &Model) -> Value {
    let mut scopes: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for op in &model.operations {
        for scope in &op.scopes {
            scopes.entry(scope).or_default().push(&op.id);
        }
    }
    let scopes: Map<String, Value> = scopes
        .into_iter()
        .map(|(scope, ids)| {
            (
                scope.to_owned(),
                json!(format!("Accepted by {}.", ids.join(", "))),
            )
        })
        .collect();
    json!({
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "An access token from the Microsoft identity platform, sent as `Authorization: Bearer {token}`.",
        },
        "oauth2": {
            "type": "oauth2",
            "description": "The Microsoft identity platform. Each operation lists the scopes its documents name; none where they name none.",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": AUTHORIZATION_URL,
                    "tokenUrl": TOKEN_URL,
                    "scopes": scopes,
                },
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SpecSource;

    fn constructs() -> Model {
        let sources = [
            SpecSource {
                path: "constructs/api.json".to_owned(),
                text: include_str!("../../tests/fixtures/constructs/api.json").to_owned(),
            },
            SpecSource {
                path: "constructs/lessons.json".to_owned(),
                text: include_str!("../../tests/fixtures/constructs/lessons.json").to_owned(),
            },
            SpecSource {
                path: "constructs/status.json".to_owned(),
                text: include_str!("../../tests/fixtures/constructs/status.json").to_owned(),
            },
        ];
        match crate::load(&sources) {
            Ok(model) => model,
            Err(diagnostics) => panic!("{diagnostics}"),
        }
    }

    fn operation_ids(doc: &Value) -> Vec<String> {
        let mut ids = Vec::new();
        if let Some(paths) = doc["paths"].as_object() {
            for item in paths.values() {
                for op in item.as_object().into_iter().flat_map(|m| m.values()) {
                    if let Some(id) = op["operationId"].as_str() {
                        ids.push(id.to_owned());
                    }
                }
            }
        }
        ids.sort();
        ids
    }

    #[test]
    fn first_sentence_skips_parentheses_code_and_abbreviations() {
        assert_eq!(first_sentence("Gets one. Then more."), "Gets one.");
        assert_eq!(
            first_sentence("Looks up a URL (e.g. `https://a.b/c`). More."),
            "Looks up a URL (e.g. `https://a.b/c`)."
        );
        assert_eq!(
            first_sentence("Uses `a. b` here. Next."),
            "Uses `a. b` here."
        );
        assert_eq!(
            first_sentence("Names e.g. this one. Next."),
            "Names e.g. this one."
        );
        assert_eq!(first_sentence("No full stop\n\nSecond."), "No full stop");
        assert_eq!(first_sentence("Two\nlines. Next."), "Two lines.");
        assert_eq!(first_sentence(""), "");
    }

    #[test]
    fn operation_ids_follow_the_scheme() {
        let doc = document(&constructs());
        let ids = operation_ids(&doc);
        for expected in [
            "me.createLesson",
            "school.createLesson",
            "school.closeCampus",
            "me.lesson.listRemarks",
            "me.rooms.listRemarks",
            "school.lesson.listRemarks",
            "lookupIds",
        ] {
            assert!(
                ids.iter().any(|id| id == expected),
                "{expected} not in {ids:?}"
            );
        }
        assert!(!ids.iter().any(|id| id == "me.closeCampus"));
        let unique: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
    }

    #[test]
    fn paths_carry_location_params_with_their_types() {
        let doc = document(&constructs());
        let op = &doc["paths"]["/schools/{schoolId}/campus/{campusNumber}/notes/rooms/{roomNumber}/remarks"]
            ["get"];
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let names: Vec<&str> = params.iter().filter_map(|p| p["name"].as_str()).collect();
        assert_eq!(names[..3], ["schoolId", "campusNumber", "roomNumber"]);
        assert_eq!(params[1]["schema"]["type"], "integer");
        assert_eq!(params[2]["description"], "A room number.");
        assert_eq!(
            op["responses"]["200"]["content"][JSON_MEDIA]["schema"]["$ref"],
            "#/components/schemas/StringPage"
        );
    }

    #[test]
    fn const_query_async_forms_and_literals() {
        let doc = document(&constructs());
        let create = &doc["paths"]["/me/notes/lessons"]["post"];
        let params = create["parameters"].as_array().cloned().unwrap_or_default();
        let fixed = params
            .iter()
            .find(|p| p["name"] == "fixed")
            .cloned()
            .unwrap_or_default();
        assert_eq!(fixed["required"], true);
        assert_eq!(fixed["schema"]["enum"], json!(["yes"]));
        let prefer = params
            .iter()
            .find(|p| p["name"] == "Prefer")
            .cloned()
            .unwrap_or_default();
        assert_eq!(prefer["required"], false);
        assert!(create["responses"]["201"].is_object());
        assert!(create["responses"]["202"].is_object());

        let moved =
            &doc["paths"]["/me/notes/lessons/{lessonId}/rooms('{roomName}')/Act.Move"]["post"];
        let params = moved["parameters"].as_array().cloned().unwrap_or_default();
        let prefer = params
            .iter()
            .find(|p| p["name"] == "Prefer")
            .cloned()
            .unwrap_or_default();
        assert_eq!(prefer["required"], true);
        assert_eq!(
            moved["responses"]["202"]["$ref"],
            "#/components/responses/Accepted"
        );
        let room = params
            .iter()
            .find(|p| p["name"] == "roomName")
            .cloned()
            .unwrap_or_default();
        assert!(
            room["description"]
                .as_str()
                .unwrap_or_default()
                .contains("string literal")
        );
    }

    #[test]
    fn nullable_fields_and_free_json() {
        let doc = document(&constructs());
        let lesson = &doc["components"]["schemas"]["Lesson"];
        assert_eq!(lesson["properties"]["endsAt"]["nullable"], true);
        assert_eq!(lesson["properties"]["endsAt"]["format"], "date-time");
        assert_eq!(
            lesson["properties"]["extra"],
            json!({ "description": "Free-form JSON." })
        );
        assert_eq!(
            lesson["properties"]["grid"]["items"]["items"]["format"],
            "int64"
        );
        assert_eq!(
            lesson["properties"]["type"]["allOf"][0]["$ref"],
            "#/components/schemas/Subject"
        );
        assert_eq!(lesson["required"], json!(["type", "startsAt", "endsAt"]));
    }

    #[test]
    fn added_schema_names_avoid_spec_names() {
        let mut taken = BTreeSet::from(["ErrorResponse".to_owned()]);
        assert_eq!(allocate("ErrorResponse", &mut taken), "ErrorResponse2");
        assert_eq!(allocate("ErrorResponse", &mut taken), "ErrorResponse3");
        let mut ids = BTreeSet::new();
        assert_eq!(unique("me.x".to_owned(), &mut ids), "me.x");
        assert_eq!(unique("me.x".to_owned(), &mut ids), "me.x.2");
    }

    #[test]
    fn a_method_and_path_taken_twice_is_recorded_not_lost() {
        let mut model = constructs();
        let Some(list) = model.operations.iter().find(|op| op.id == "listLessons") else {
            panic!("no listLessons");
        };
        let mut twin = list.clone();
        let twin_id = crate::model::OperationId(model.operations.len());
        let mut routes: Vec<Route> = model.routes_of(list).to_vec();
        for route in &mut routes {
            route.operation = twin_id;
        }
        twin.id = "listLessonsAgain".to_owned();
        twin.routes = model.routes.len()..model.routes.len() + routes.len();
        model.routes.extend(routes);
        model.operations.push(twin);
        if let Some(module) = model.modules.iter_mut().find(|m| !m.operations.is_empty()) {
            module.operations.push(twin_id);
        }
        let doc = document(&model);
        let omitted = &doc["paths"]["/me/notes/lessons"]["x-omitted-operations"];
        assert_eq!(omitted[0]["operationId"], "me.listLessonsAgain");
        assert_eq!(
            doc["paths"]["/me/notes/lessons"]["get"]["operationId"],
            "me.listLessons"
        );
    }
}
