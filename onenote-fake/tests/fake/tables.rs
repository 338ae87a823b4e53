//! The fake's shapes come from the spec: it checks requests against, and answers with, the
//! tables `cargo xtask codegen` makes (`onenote_api::schema::API`). Here the same tables are
//! built at run time from the spec (codegen's own `tables`), so a test can edit the spec and
//! start a fake on the result: an added field reaches the fake with no edit to the fake.
//!
//! That the run-time tables are the generated ones is checked first, so the edited spec's
//! tables are what `cargo xtask codegen` would generate from it.

use std::path::Path;

use codegen::SpecSource;
use codegen::rules::InputRules;
use codegen::tables::{
    BodyTable, FieldTable, GraphEdgeTable, OperationTable, ParamTable, ResponseTable, Shape,
    Tables, TypeTable, TypeTableKind,
};
use onenote_api::schema::{self, Api};
use onenote_fake::FakeOneNote;

use crate::harness::{TEACHER, send};

fn spec() -> Vec<SpecSource> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    codegen::source::read_spec_folder(&root, Path::new("spec")).unwrap_or_else(|e| panic!("{e}"))
}

fn tables_of(sources: &[SpecSource]) -> Tables {
    let model = codegen::load(sources).unwrap_or_else(|e| panic!("the spec does not load:\n{e}"));
    codegen::tables::tables(&model)
}

/// `value` for the rest of the test run (the runtime's tables are `'static`).
fn keep<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

fn keep_str(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

fn keep_strs(texts: &[String]) -> &'static [&'static str] {
    Box::leak(
        texts
            .iter()
            .map(|t| keep_str(t))
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    )
}

/// The runtime's tables from codegen's: the same data, kept for the rest of the test run.
fn runtime(tables: &Tables) -> &'static Api {
    let types: Vec<schema::TypeSchema> = tables.types.iter().map(type_schema).collect();
    let operations: Vec<schema::OperationSchema> =
        tables.operations.iter().map(operation_schema).collect();
    keep(Api {
        types: Box::leak(types.into_boxed_slice()),
        operations: Box::leak(operations.into_boxed_slice()),
        graph: graph_edge(&tables.graph),
    })
}

fn graph_edge(edge: &GraphEdgeTable) -> schema::GraphEdge {
    let renamed: Vec<(&'static str, &'static str)> = edge
        .renamed
        .iter()
        .map(|(main, graph)| (keep_str(main), keep_str(graph)))
        .collect();
    let retyped: Vec<(&'static str, schema::Shape)> = edge
        .retyped
        .iter()
        .map(|(main, graph)| (keep_str(main), shape(graph)))
        .collect();
    schema::GraphEdge {
        renamed: Box::leak(renamed.into_boxed_slice()),
        retyped: Box::leak(retyped.into_boxed_slice()),
        omitted: keep_strs(&edge.omitted),
        added: keep_strs(&edge.added),
    }
}

fn type_schema(ty: &TypeTable) -> schema::TypeSchema {
    let groups: Vec<&'static [&'static str]> =
        ty.exclusive.iter().map(|group| keep_strs(group)).collect();
    schema::TypeSchema {
        name: keep_str(&ty.name),
        exclusive: Box::leak(groups.into_boxed_slice()),
        kind: match &ty.kind {
            TypeTableKind::Object(fields) => schema::TypeKind::Object {
                fields: Box::leak(
                    fields
                        .iter()
                        .map(field)
                        .collect::<Vec<_>>()
                        .into_boxed_slice(),
                ),
            },
            TypeTableKind::Enum { values, lenient } => schema::TypeKind::Enum {
                values: keep_strs(values),
                lenient: *lenient,
            },
        },
    }
}

fn field(field: &FieldTable) -> schema::FieldSchema {
    schema::FieldSchema {
        name: keep_str(&field.name),
        aliases: keep_strs(&field.aliases),
        shape: shape(&field.shape),
        required: field.required,
        nullable: field.nullable,
        rules: rules(&field.rules),
    }
}

fn shape(shape: &Shape) -> schema::Shape {
    match shape {
        Shape::String => schema::Shape::String,
        Shape::Boolean => schema::Shape::Boolean,
        Shape::Integer => schema::Shape::Integer,
        Shape::Number => schema::Shape::Number,
        Shape::DateTime => schema::Shape::DateTime,
        Shape::Json => schema::Shape::Json,
        Shape::Named(index) => schema::Shape::Named(schema::TypeIndex(*index)),
        Shape::List(inner) => schema::Shape::List(keep(self::shape(inner))),
    }
}

fn rules(rules: &InputRules) -> schema::Rules {
    fn rule<T, U>(rule: &codegen::model::Rule<T>, value: U) -> schema::Rule<U> {
        schema::Rule {
            value,
            code: rule.code.as_deref().map(keep_str),
        }
    }
    schema::Rules {
        min_length: rules.min_length.as_ref().map(|r| rule(r, r.value)),
        max_length: rules.max_length.as_ref().map(|r| rule(r, r.value)),
        forbidden_characters: rules
            .forbidden_characters
            .as_ref()
            .map(|r| rule(r, keep_str(&r.value))),
        pattern: rules.pattern.as_ref().map(|r| {
            rule(
                r,
                schema::Pattern {
                    regex: keep_str(&r.value.regex),
                    meaning: keep_str(&r.value.meaning),
                },
            )
        }),
        min_items: rules.min_items.as_ref().map(|r| rule(r, r.value)),
        one_of: rules.one_of.as_ref().map(|r| rule(r, keep_strs(&r.value))),
        minimum: rules.minimum.as_ref().map(|r| rule(r, r.value)),
        maximum: rules.maximum.as_ref().map(|r| rule(r, r.value)),
    }
}

fn operation_schema(op: &OperationTable) -> schema::OperationSchema {
    schema::OperationSchema {
        id: keep_str(&op.id),
        query: Box::leak(
            op.query
                .iter()
                .map(param)
                .collect::<Vec<_>>()
                .into_boxed_slice(),
        ),
        body: op.body.as_ref().map(|body| match body {
            BodyTable::Json { shape, rules } => schema::BodySchema::Json {
                shape: self::shape(shape),
                rules: self::rules(rules),
            },
            BodyTable::Text { media_type, rules } => schema::BodySchema::Text {
                media_type: keep_str(media_type),
                rules: self::rules(rules),
            },
            BodyTable::Multipart {
                parts,
                binary_max_bytes,
                alone,
            } => schema::BodySchema::Multipart(schema::MultipartSchema {
                parts: Box::leak(
                    parts
                        .iter()
                        .map(|part| schema::PartSchema {
                            name: keep_str(&part.name),
                            media_type: keep_str(&part.media_type),
                            required: part.required,
                            rules: rules(&part.rules),
                        })
                        .collect::<Vec<_>>()
                        .into_boxed_slice(),
                ),
                binary_max_bytes: *binary_max_bytes,
                alone: alone.as_deref().map(keep_str),
            }),
        }),
        response: match &op.response {
            ResponseTable::Empty => schema::ResponseSchema::Empty,
            ResponseTable::Json(item) => schema::ResponseSchema::Json(shape(item)),
            ResponseTable::Page(item) => schema::ResponseSchema::Page(shape(item)),
            ResponseTable::Text => schema::ResponseSchema::Text,
            ResponseTable::Bytes => schema::ResponseSchema::Bytes,
        },
    }
}

fn param(param: &ParamTable) -> schema::ParamSchema {
    schema::ParamSchema {
        name: keep_str(&param.name),
        shape: shape(&param.shape),
        constant: param.constant.as_deref().map(keep_str),
        rules: rules(&param.rules),
    }
}

#[test]
fn the_tables_built_from_the_spec_are_the_generated_ones() {
    assert_eq!(runtime(&tables_of(&spec())), &schema::API);
}

/// The spec with a `color` on notebooks: in the create body (at most 20 characters) and in
/// `Notebook`.
fn spec_with_a_notebook_color() -> Vec<SpecSource> {
    let mut sources = spec();
    let notebooks = sources
        .iter_mut()
        .find(|s| s.path.ends_with("notebooks.json") && !s.path.contains("class"))
        .unwrap();
    let color = r#""color": { "doc": "The notebook's color.", "type": "string", "maxLength": 20, "source": "This test." },"#;
    for anchor in [
        r#""fields": {
        "@odata.context": {"#,
        r#""fields": {
        "name": {
          "doc": "The notebook's name: unique"#,
    ] {
        let at = notebooks.text.find(anchor).unwrap() + r#""fields": {"#.len();
        notebooks.text.insert_str(at, &format!("\n        {color}"));
    }
    sources
}

#[tokio::test]
async fn a_field_added_to_the_spec_reaches_the_fake_with_no_edit_to_it() {
    let body = serde_json::json!({ "name": "Art", "color": "teal" });
    // With the spec's own tables, `color` is no field of a notebook.
    let plain = FakeOneNote::builder().start().await.unwrap();
    let refused = send(
        &plain,
        "POST",
        "/v1.0/me/notes/notebooks",
        TEACHER,
        Some(body.clone()),
    )
    .await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("`color` is not a field of CreateNotebook")
    );

    let edited = runtime(&tables_of(&spec_with_a_notebook_color()));
    let fake = FakeOneNote::builder().api(edited).start().await.unwrap();
    let made = send(
        &fake,
        "POST",
        "/v1.0/me/notes/notebooks",
        TEACHER,
        Some(body),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.json());
    assert_eq!(made.json()["color"], "teal");
    let id = made.json()["id"].as_str().unwrap().to_owned();
    let got = send(
        &fake,
        "GET",
        &format!("/v1.0/me/notes/notebooks/{id}"),
        TEACHER,
        None,
    )
    .await;
    assert_eq!(got.json()["color"], "teal");
    let listed = send(
        &fake,
        "GET",
        "/v1.0/me/notes/notebooks?$select=name,color",
        TEACHER,
        None,
    )
    .await;
    assert_eq!(
        listed.json()["value"][0],
        serde_json::json!({ "name": "Art", "color": "teal" })
    );
    // The field's rule came with it.
    let long = send(
        &fake,
        "POST",
        "/v1.0/me/notes/notebooks",
        TEACHER,
        Some(serde_json::json!({ "name": "Music", "color": "x".repeat(21) })),
    )
    .await;
    assert_eq!(long.status, 400);
    assert_eq!(
        long.json()["error"]["message"],
        "`color` has 21 characters; it takes at most 20"
    );
    plain.shutdown().await;
    fake.shutdown().await;
}
