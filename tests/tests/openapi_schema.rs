//! The OpenAPI exports (onenote.com's and Microsoft Graph's) validate against the official OpenAPI 3.0 JSON Schema. Built only with
//! `--features oas-schema` (CI runs it: `cargo test -p tests --features oas-schema --test
//! openapi_schema`), because the validator is a tenth of a cold `cargo test --workspace`.

use std::fs;

use serde_json::Value;
use tests::spec_files::{read_spec, workspace};

fn export(relative: &str) -> Value {
    let text = codegen::openapi(&read_spec(relative)).unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("the export is not JSON: {e}"))
}

/// Errors from validating against the official OpenAPI 3.0 JSON Schema (draft 4).
fn official_schema_errors(doc: &Value) -> Vec<String> {
    let path = workspace().join("tests/fixtures/openapi/oas-3.0-schema-2021-09-28.json");
    let schema: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap_or_default())
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("the OpenAPI 3.0 schema does not compile: {e}"));
    validator
        .iter_errors(doc)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

#[test]
fn document_validates_against_the_official_openapi_3_0_schema() {
    for spec in ["spec", "tests/fixtures/constructs"] {
        let errors = official_schema_errors(&export(spec));
        assert!(errors.is_empty(), "{spec}:\n{}", errors.join("\n"));
    }
}

#[test]
fn the_graph_document_validates_against_the_official_openapi_3_0_schema() {
    let text = codegen::graph_openapi(&read_spec("spec"))
        .unwrap_or_else(|e| panic!("{e}"))
        .expect("the spec has a Graph section");
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON: {e}"));
    let errors = official_schema_errors(&doc);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn the_official_schema_catches_a_broken_document() {
    let mut doc = export("spec");
    doc["openapi"] = Value::from("3.1.0");
    doc["paths"]["/me/notes/classNotebooks"]["get"]["responses"] = Value::from("none");
    assert!(official_schema_errors(&doc).len() >= 2);
}
