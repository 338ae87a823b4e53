//! The API as tables, plain data derived from the model in the form of the runtime's
//! `onenote_api::schema`: one table per type (fields, shapes, nullability, rules) and per
//! operation (query parameters and OData options with their rules, body, response). The
//! emitter writes them as statics (`emit/tables.rs`); a test can build the runtime's tables
//! from them at run time, from an edited spec, and compare them with the generated ones.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{
    BodyModel, Model, OperationModel, PartContent, QueryValue, ResponseModel, TypeKind, TypeRef,
};
use crate::rules::{InputRules, ODataShape, odata_params};

/// Every type and operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tables {
    /// Every named type, sorted by name; [`Shape::Named`] indexes it.
    pub types: Vec<TypeTable>,
    /// Every operation, sorted by id.
    pub operations: Vec<OperationTable>,
    /// How Microsoft Graph's shapes differ from the main service's.
    pub graph: GraphEdgeTable,
}

/// How Microsoft Graph's shapes differ from the main service's, over every type with a Graph
/// shape, by JSON name, each list sorted: what a server that keeps one store for both roots
/// translates at Graph's edge. A field a type changes is changed wherever the name is met.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GraphEdgeTable {
    /// (main name, Graph name).
    pub renamed: Vec<(String, String)>,
    /// (main name, Graph's shape).
    pub retyped: Vec<(String, Shape)>,
    /// Fields Graph leaves out.
    pub omitted: Vec<String>,
    /// Fields only Graph has.
    pub added: Vec<String>,
}

/// One named type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeTable {
    /// The spec's name.
    pub name: String,
    /// An object's fields or an enum's values.
    pub kind: TypeTableKind,
    /// An object's groups of fields sent as alternatives (at most one group, each whole).
    pub exclusive: Vec<Vec<String>>,
}

/// What a named type is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeTableKind {
    /// An object: its fields in spec order.
    Object(Vec<FieldTable>),
    /// An enum: its values, and whether they match leniently.
    Enum {
        /// The values as sent.
        values: Vec<String>,
        /// Values match ignoring case, spaces, `_` and `-`.
        lenient: bool,
    },
}

/// One field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldTable {
    /// The JSON name.
    pub name: String,
    /// Other spellings accepted when decoding.
    pub aliases: Vec<String>,
    /// What it holds.
    pub shape: Shape,
    /// Always present.
    pub required: bool,
    /// May be `null`.
    pub nullable: bool,
    /// What a request may send in it.
    pub rules: InputRules,
}

/// The JSON shape of a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A string.
    String,
    /// `true` or `false`.
    Boolean,
    /// A whole number.
    Integer,
    /// Any number.
    Number,
    /// RFC 3339 text.
    DateTime,
    /// Any JSON value.
    Json,
    /// A named type, by its place in [`Tables::types`].
    Named(usize),
    /// A list.
    List(Box<Shape>),
}

/// One operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationTable {
    /// The spec's operation id.
    pub id: String,
    /// Its query parameters, then its OData options.
    pub query: Vec<ParamTable>,
    /// Its body.
    pub body: Option<BodyTable>,
    /// What a success carries.
    pub response: ResponseTable,
}

/// One query parameter or OData option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamTable {
    /// The name sent (`omkt`, `$top`).
    pub name: String,
    /// What it holds.
    pub shape: Shape,
    /// The value always sent, for a constant parameter.
    pub constant: Option<String>,
    /// What the service accepts in it.
    pub rules: InputRules,
}

/// A request body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyTable {
    /// JSON, with rules on the whole.
    Json {
        /// Its shape.
        shape: Shape,
        /// Rules on the whole body.
        rules: InputRules,
    },
    /// Text of a media type.
    Text {
        /// The `Content-Type`.
        media_type: String,
        /// Rules on the text.
        rules: InputRules,
    },
    /// `multipart/form-data`.
    Multipart {
        /// The named parts.
        parts: Vec<PartTable>,
        /// The limit per caller-named binary part; `None` allows none.
        binary_max_bytes: Option<u64>,
        /// The text part sent alone as the whole body.
        alone: Option<String>,
    },
}

/// One named part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartTable {
    /// The name in `Content-Disposition`.
    pub name: String,
    /// Its `Content-Type`.
    pub media_type: String,
    /// The request cannot be sent without it.
    pub required: bool,
    /// What the service accepts in a text part.
    pub rules: InputRules,
}

/// What a success carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResponseTable {
    /// No body.
    Empty,
    /// JSON of this shape.
    Json(Shape),
    /// One OData page of this item shape.
    Page(Shape),
    /// Text.
    Text,
    /// Bytes.
    Bytes,
}

/// The tables of `model`: Microsoft Graph's shapes and operations among them (a Graph
/// operation's table is `graph.{id}`).
pub fn tables(model: &Model) -> Tables {
    let graph_types = model.graph.iter().flat_map(|graph| &graph.types);
    let mut types: Vec<_> = model
        .modules
        .iter()
        .flat_map(|m| &m.types)
        .chain(graph_types)
        .collect();
    types.sort_by(|a, b| a.name.cmp(&b.name));
    let names: Vec<&str> = types.iter().map(|ty| ty.name.as_str()).collect();
    let shape = |ty: &TypeRef| shape(&names, ty);
    let types = types
        .iter()
        .map(|ty| TypeTable {
            name: ty.name.clone(),
            exclusive: ty
                .exclusive
                .as_ref()
                .map(|exclusive| exclusive.groups.clone())
                .unwrap_or_default(),
            kind: match &ty.kind {
                TypeKind::Object { fields } => TypeTableKind::Object(
                    fields
                        .iter()
                        .map(|field| FieldTable {
                            name: field.wire.clone(),
                            aliases: field.aliases.clone(),
                            shape: shape(&field.ty),
                            required: field.required,
                            nullable: field.nullable,
                            rules: InputRules::from(&field.constraints),
                        })
                        .collect(),
                ),
                TypeKind::Enum { values, lenient } => TypeTableKind::Enum {
                    values: values.iter().map(|v| v.wire.clone()).collect(),
                    lenient: *lenient,
                },
            },
        })
        .collect();
    let operations = operation_order(model)
        .into_iter()
        .map(|op| operation(model, &names, op))
        .collect();
    Tables {
        types,
        operations,
        graph: graph_edge(model, &names),
    }
}

/// The union of every Graph shape's changes; `names` are the type names in table order.
fn graph_edge(model: &Model, names: &[&str]) -> GraphEdgeTable {
    let changes = model.graph.iter().flat_map(|graph| graph.changes.values());
    let mut renamed = BTreeSet::new();
    let mut retyped = BTreeMap::new();
    let mut omitted = BTreeSet::new();
    let mut added = BTreeSet::new();
    for change in changes {
        renamed.extend(change.renamed.iter().cloned());
        for (field, ty) in &change.retyped {
            retyped.insert(field.clone(), shape(names, ty));
        }
        omitted.extend(change.omitted.iter().cloned());
        added.extend(change.added.iter().cloned());
    }
    GraphEdgeTable {
        renamed: renamed.into_iter().collect(),
        retyped: retyped.into_iter().collect(),
        omitted: omitted.into_iter().collect(),
        added: added.into_iter().collect(),
    }
}

/// Every operation, Graph's included, in table order ([`OperationModel::table`]): the order of
/// [`Tables::operations`].
pub fn operation_order(model: &Model) -> Vec<&OperationModel> {
    let graph = model.graph.iter().flat_map(|graph| &graph.operations);
    let mut sorted: Vec<&OperationModel> = model.operations.iter().chain(graph).collect();
    sorted.sort_by_key(|op| op.table);
    sorted
}

/// The shape of a type reference; `names` are the type names in table order.
fn shape(names: &[&str], ty: &TypeRef) -> Shape {
    match ty {
        TypeRef::String => Shape::String,
        TypeRef::Boolean => Shape::Boolean,
        TypeRef::Integer => Shape::Integer,
        TypeRef::Number => Shape::Number,
        TypeRef::DateTime => Shape::DateTime,
        TypeRef::Json => Shape::Json,
        TypeRef::Named(name) => {
            Shape::Named(names.binary_search(&name.as_str()).unwrap_or_default())
        }
        TypeRef::Array(inner) => Shape::List(Box::new(shape(names, inner))),
    }
}

fn operation(model: &Model, names: &[&str], op: &OperationModel) -> OperationTable {
    let mut query: Vec<ParamTable> = op
        .query
        .iter()
        .map(|param| match &param.value {
            QueryValue::Typed(ty) => ParamTable {
                name: param.wire.clone(),
                shape: shape(names, ty),
                constant: None,
                rules: InputRules::from(&param.constraints),
            },
            QueryValue::Const(value) => ParamTable {
                name: param.wire.clone(),
                shape: Shape::String,
                constant: Some(value.clone()),
                rules: InputRules::default(),
            },
        })
        .collect();
    query.extend(odata_params(model, op).into_iter().map(|param| ParamTable {
        name: param.name,
        shape: match param.shape {
            ODataShape::String => Shape::String,
            ODataShape::Integer => Shape::Integer,
            ODataShape::Boolean => Shape::Boolean,
            ODataShape::Names => Shape::List(Box::new(Shape::String)),
        },
        constant: None,
        rules: param.rules,
    }));
    let rules = InputRules::from(&op.body_constraints);
    let body = op.body.as_ref().map(|body| match body {
        BodyModel::Json(ty) => BodyTable::Json {
            shape: shape(names, ty),
            rules,
        },
        BodyModel::Text { media_type } => BodyTable::Text {
            media_type: media_type.clone(),
            rules,
        },
        BodyModel::Multipart(multipart) => BodyTable::Multipart {
            parts: multipart
                .parts
                .iter()
                .map(|part| PartTable {
                    name: part.name.clone(),
                    media_type: part.content.media_type().to_owned(),
                    required: part.required,
                    rules: match &part.content {
                        PartContent::Text { .. } => InputRules::from(&part.constraints),
                        PartContent::Json(_) => InputRules::default(),
                    },
                })
                .collect(),
            binary_max_bytes: multipart.binary_parts.as_ref().map(|b| b.max_bytes),
            alone: multipart.alone.clone(),
        },
    });
    let response = match &op.response {
        ResponseModel::Empty => ResponseTable::Empty,
        ResponseModel::Json(ty) => ResponseTable::Json(shape(names, ty)),
        ResponseModel::Page(ty) => ResponseTable::Page(shape(names, ty)),
        ResponseModel::Text { .. } => ResponseTable::Text,
        ResponseModel::Bytes { .. } => ResponseTable::Bytes,
    };
    OperationTable {
        id: op.table_id.clone(),
        query,
        body,
        response,
    }
}
