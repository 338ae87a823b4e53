//! The inputs of a command: its path parameters (arguments), then the body (the scalar fields
//! of a JSON object as arguments and flags, or the whole body from a file; multipart parts),
//! query parameters and OData options (flags), and the runtime's flags.

use std::collections::BTreeMap;

use crate::model::{
    AsyncForm, BodyModel, Model, ODataOption, OperationId, OperationModel, ParamModel, QueryValue,
    ResourceId, ResponseModel, TypeKind, TypeModel, TypeRef,
};

use super::words::word;

/// One input of a command, as the runtime's `Input` describes it.
#[derive(Clone, Debug)]
pub(super) struct Input {
    /// The clap id, also the long flag (`send-email`) or the positional's name.
    pub(super) id: String,
    pub(super) help: String,
    pub(super) kind: Kind,
    pub(super) role: Role,
    /// An argument (positional) rather than a flag.
    pub(super) positional: bool,
    pub(super) list: bool,
    pub(super) nullable: bool,
    /// Where the name comes from, for diagnostics.
    pub(super) origin: Origin,
}

#[derive(Clone, Debug)]
pub(super) enum Kind {
    Text,
    Integer,
    Number,
    Boolean,
    DateTime,
    Choice(Vec<String>),
    File,
    Unsigned,
}

#[derive(Clone, Debug)]
pub(super) enum Role {
    /// A path parameter of a resource on the way or of the operation.
    Path,
    /// A field of the JSON body (wire name).
    Field(String),
    /// The whole JSON body from a file.
    BodyFile,
    /// A text body from a file.
    TextBody,
    /// A query parameter.
    Query,
    /// A flag read by the command's call or the runtime (OData options, `--all`, `--async`).
    Option,
    /// A declared multipart part: its name and media type (JSON parts are `application/json`);
    /// an empty name is the caller's binary parts.
    Part(String, String),
}

/// What a name of the command line comes from, so a diagnostic can point at it.
#[derive(Clone, Debug)]
pub(super) enum Origin {
    ResourceParam(ResourceId, String),
    OperationParam(OperationId, String),
    Field(String, String),
    Query(OperationId, String),
    Part(OperationId, String),
    OData(OperationId, ODataOption),
    Runtime,
}

/// How a command takes its JSON body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BodyForm {
    None,
    /// Scalar fields as arguments and flags, or the whole body from `--body FILE`.
    Fields,
    /// Only from a file: the positional `BODY`.
    File,
    Text,
    Multipart {
        binary: bool,
    },
}

/// The types by name, for field lists and enum values.
pub(super) struct Types<'a>(BTreeMap<&'a str, &'a TypeModel>);

impl<'a> Types<'a> {
    pub(super) fn new(model: &'a Model) -> Self {
        let graph = model.graph.iter().flat_map(|g| &g.types);
        Types(
            model
                .modules
                .iter()
                .flat_map(|m| &m.types)
                .chain(graph)
                .map(|t| (t.name.as_str(), t))
                .collect(),
        )
    }

    /// The input kind of a scalar type (an enum is a choice), `None` for objects and JSON.
    pub(super) fn scalar(&self, ty: &TypeRef) -> Option<Kind> {
        Some(match ty {
            TypeRef::String => Kind::Text,
            TypeRef::Boolean => Kind::Boolean,
            TypeRef::Integer => Kind::Integer,
            TypeRef::Number => Kind::Number,
            TypeRef::DateTime => Kind::DateTime,
            TypeRef::Named(name) => match &self.0.get(name.as_str())?.kind {
                TypeKind::Enum { values, .. } => {
                    Kind::Choice(values.iter().map(|v| v.wire.clone()).collect())
                }
                TypeKind::Object { .. } => return None,
            },
            TypeRef::Json | TypeRef::Array(_) => return None,
        })
    }

    /// The input kind of a value the command line can take: a scalar, or a list of them.
    pub(super) fn value(&self, ty: &TypeRef) -> Option<(Kind, bool)> {
        match ty {
            TypeRef::Array(inner) => self.scalar(inner).map(|kind| (kind, true)),
            other => self.scalar(other).map(|kind| (kind, false)),
        }
    }

    pub(super) fn fields(&self, ty: &TypeRef) -> Option<&'a [crate::model::FieldModel]> {
        let TypeRef::Named(name) = ty else {
            return None;
        };
        match &self.0.get(name.as_str())?.kind {
            TypeKind::Object { fields } => Some(fields),
            TypeKind::Enum { .. } => None,
        }
    }

    /// The table columns of a response type: its scalar fields, in spec order, without OData
    /// annotations (`@odata.context`).
    pub(super) fn columns(&self, ty: &TypeRef) -> Vec<String> {
        self.fields(ty)
            .unwrap_or_default()
            .iter()
            .filter(|f| !f.wire.starts_with('@') && self.scalar(&f.ty).is_some())
            .map(|f| f.wire.clone())
            .collect()
    }
}

fn body_form(types: &Types, op: &OperationModel) -> BodyForm {
    match &op.body {
        None => BodyForm::None,
        Some(BodyModel::Text { .. }) => BodyForm::Text,
        Some(BodyModel::Multipart(multipart)) => BodyForm::Multipart {
            binary: multipart.binary_parts.is_some(),
        },
        Some(BodyModel::Json(ty)) => match types.fields(ty) {
            Some(fields)
                if fields
                    .iter()
                    .filter(|f| f.required)
                    .all(|f| types.value(&f.ty).is_some()) =>
            {
                BodyForm::Fields
            }
            _ => BodyForm::File,
        },
    }
}

fn param_input(param: &ParamModel, origin: Origin) -> Input {
    Input {
        id: word(&param.rust),
        help: param.doc.clone(),
        kind: if param.ty == TypeRef::Integer {
            Kind::Integer
        } else {
            Kind::Text
        },
        role: Role::Path,
        positional: true,
        list: false,
        nullable: false,
        origin,
    }
}

/// The path parameters a resource node takes.
pub(super) fn resource_inputs(model: &Model, id: ResourceId) -> Vec<Input> {
    model
        .resource(id)
        .params
        .iter()
        .map(|p| param_input(p, Origin::ResourceParam(id, p.wire.clone())))
        .collect()
}

/// The inputs of an operation's leaf, in the order clap shows them: its own path parameters,
/// then the body, query parameters and OData options.
pub(super) fn leaf_inputs(model: &Model, types: &Types, id: OperationId) -> Vec<Input> {
    let op = model.operation(id);
    let mut inputs: Vec<Input> = op
        .params
        .iter()
        .map(|p| param_input(p, Origin::OperationParam(id, p.wire.clone())))
        .collect();
    match (&op.body, body_form(types, op)) {
        (Some(BodyModel::Json(ty)), BodyForm::Fields) => {
            let type_name = match ty {
                TypeRef::Named(name) => name.clone(),
                _ => String::new(),
            };
            for field in types.fields(ty).unwrap_or_default() {
                let Some((kind, list)) = types.value(&field.ty) else {
                    continue;
                };
                inputs.push(Input {
                    id: word(&field.rust),
                    help: field.doc.clone(),
                    kind,
                    role: Role::Field(field.wire.clone()),
                    positional: field.required,
                    list,
                    nullable: field.nullable,
                    origin: Origin::Field(type_name.clone(), field.wire.clone()),
                });
            }
            inputs.push(runtime_input("body", "The whole JSON body from FILE (`-`: standard input) instead of the arguments and flags.", Kind::File, Role::BodyFile, false));
        }
        (Some(BodyModel::Json(_)), _) => inputs.push(runtime_input(
            "body",
            &format!(
                "The JSON body: a FILE, or `-` for standard input. {}",
                op.body_doc.trim()
            ),
            Kind::File,
            Role::BodyFile,
            true,
        )),
        (Some(BodyModel::Text { media_type }), _) => inputs.push(runtime_input(
            "body",
            &format!(
                "The `{media_type}` body: a FILE, or `-` for standard input. {}",
                op.body_doc.trim()
            ),
            Kind::File,
            Role::TextBody,
            true,
        )),
        (Some(BodyModel::Multipart(multipart)), _) => {
            for part in &multipart.parts {
                inputs.push(Input {
                    id: word(&part.name),
                    help: format!(
                        "The `{}` part ({}): a FILE, or `-` for standard input. {}",
                        part.name,
                        part.content.media_type(),
                        part.doc.trim()
                    ),
                    kind: Kind::File,
                    role: Role::Part(part.name.clone(), part.content.media_type().to_owned()),
                    positional: part.required,
                    list: false,
                    nullable: false,
                    origin: Origin::Part(id, part.name.clone()),
                });
            }
            if let Some(binary) = &multipart.binary_parts {
                inputs.push(runtime_input(
                    "part",
                    &format!(
                        "A binary part as NAME=FILE (repeatable; the media type comes from the file's extension, or NAME=FILE;type=MEDIA/TYPE), at most {} bytes. {}",
                        binary.max_bytes,
                        binary.doc.trim()
                    ),
                    Kind::File,
                    Role::Part(String::new(), String::new()),
                    false,
                ));
            }
        }
        (None, _) => {}
    }
    for query in &op.query {
        let QueryValue::Typed(ty) = &query.value else {
            continue;
        };
        // Validate allows only scalars (and their lists) in queries; anything else is refused
        // by `check`.
        let (kind, list) = types.value(ty).unwrap_or((Kind::Text, false));
        inputs.push(Input {
            id: word(&query.rust),
            help: format!("{} (`{}`)", query.doc.trim(), query.wire),
            kind,
            role: Role::Query,
            positional: false,
            list,
            nullable: false,
            origin: Origin::Query(id, query.wire.clone()),
        });
    }
    for option in &op.odata {
        let (kind, list) = match option {
            ODataOption::Select | ODataOption::Expand => (Kind::Text, true),
            ODataOption::Top | ODataOption::Skip => (Kind::Unsigned, false),
            ODataOption::Count => (Kind::Boolean, false),
            ODataOption::Filter | ODataOption::Orderby => (Kind::Text, false),
        };
        let mut help = format!("`${}`", option.as_str());
        if let Some(doc) = op.odata_docs.get(option).filter(|d| !d.trim().is_empty()) {
            help.push_str(": ");
            help.push_str(doc.trim());
        }
        if let Some(max) = op.odata_max.get(option) {
            help.push_str(&format!(" At most {}.", max.value));
        }
        inputs.push(Input {
            id: option.as_str().to_owned(),
            help,
            kind,
            role: Role::Option,
            positional: false,
            list,
            nullable: false,
            origin: Origin::OData(id, *option),
        });
    }
    if matches!(op.response, ResponseModel::Page(_)) {
        inputs.push(runtime_input(
            "all",
            "Every page: follow `@odata.nextLink` to the end.",
            Kind::Boolean,
            Role::Option,
            false,
        ));
    }
    if op.async_form != AsyncForm::None || is_accepted(op) {
        inputs.push(runtime_input(
            "async",
            "Print the operation's location and do not wait for it (`onenote operation wait LOCATION` resumes).",
            Kind::Boolean,
            Role::Option,
            false,
        ));
    }
    inputs
}

fn runtime_input(id: &str, help: &str, kind: Kind, role: Role, positional: bool) -> Input {
    Input {
        id: id.to_owned(),
        help: help.trim().to_owned(),
        kind,
        role,
        positional,
        list: id == "part",
        nullable: false,
        origin: Origin::Runtime,
    }
}

/// Always answered with `202 Accepted` and an operation (the copies), without being asked.
pub(super) fn is_accepted(op: &OperationModel) -> bool {
    op.status == 202 && op.async_form == AsyncForm::None
}
