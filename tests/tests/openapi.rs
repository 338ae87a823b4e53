//! The OpenAPI export (`cargo xtask openapi`): it parses with a Rust OpenAPI model, validates
//! against structural rules the official schema cannot express, lists every route, matches its
//! snapshot and the checked-in file. (The official schema's check is `openapi_schema.rs`.)

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use serde_json::Value;
use tests::spec_files::{read_spec, workspace};

fn export(relative: &str) -> String {
    codegen::openapi(&read_spec(relative)).unwrap_or_else(|e| panic!("{e}"))
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("the export is not JSON: {e}"))
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every `(path, method, operation)` of a document.
fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if METHODS.contains(&method.as_str()) {
                out.push((path.clone(), method.clone(), op));
            }
        }
    }
    out
}

/// Follows a local `$ref`, or returns the value itself.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> Option<&'a Value> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => doc.pointer(reference.strip_prefix('#')?),
        None => Some(value),
    }
}

/// The `{name}`s of a path template.
fn template_params(path: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        names.insert(after[..end].to_owned());
        rest = &after[end + 1..];
    }
    names
}

fn collect_refs<'a>(value: &'a Value, at: String, out: &mut Vec<(String, &'a str)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "$ref" {
                    if let Some(reference) = child.as_str() {
                        out.push((at.clone(), reference));
                    }
                } else {
                    collect_refs(child, format!("{at}/{key}"), out);
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect_refs(child, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}

fn is_component_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// The rules of OpenAPI 3.0.3 that its JSON Schema does not check, and a few of this export's
/// own. Returns every problem found.
fn structural_problems(doc: &Value) -> Vec<String> {
    let mut problems = Vec::new();

    // Every `$ref` is local and resolves.
    let mut refs = Vec::new();
    collect_refs(doc, String::new(), &mut refs);
    for (at, reference) in &refs {
        let target = reference
            .strip_prefix('#')
            .and_then(|pointer| doc.pointer(pointer));
        if !reference.starts_with("#/") || target.is_none() {
            problems.push(format!("{at}: $ref {reference} does not resolve"));
        }
    }

    // Component keys follow the spec's pattern.
    for (kind, components) in doc["components"].as_object().into_iter().flatten() {
        for key in components.as_object().into_iter().flatten().map(|(k, _)| k) {
            if !is_component_key(key) {
                problems.push(format!(
                    "components/{kind}/{key}: key is not ^[a-zA-Z0-9.-_]+$"
                ));
            }
        }
    }

    // Object schemas: `required` names declared properties.
    for (name, schema) in doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
    {
        for required in schema["required"].as_array().into_iter().flatten() {
            let name_of = required.as_str().unwrap_or_default();
            if schema["properties"].get(name_of).is_none() {
                problems.push(format!(
                    "schema {name}: required {name_of} is not a property"
                ));
            }
        }
    }

    // Paths: start with `/`, no two the same template up to parameter names.
    let mut shapes: BTreeMap<String, String> = BTreeMap::new();
    for path in doc["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
    {
        if !path.starts_with('/') {
            problems.push(format!("path {path} does not start with /"));
        }
        let mut shape = path.clone();
        for name in template_params(path) {
            shape = shape.replace(&format!("{{{name}}}"), "{}");
        }
        if let Some(other) = shapes.insert(shape, path.clone()) {
            problems.push(format!("paths {other} and {path} are the same template"));
        }
    }

    let schemes = &doc["components"]["securitySchemes"];
    let declared_tags: BTreeSet<&str> = doc["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|tag| tag["name"].as_str())
        .collect();
    let mut operation_ids = BTreeSet::new();
    for (path, method, op) in operations(doc) {
        let at = format!("{} {path}", method.to_uppercase());

        match op["operationId"].as_str() {
            Some(id) if !id.is_empty() => {
                if !operation_ids.insert(id.to_owned()) {
                    problems.push(format!("{at}: operationId {id} is used twice"));
                }
            }
            _ => problems.push(format!("{at}: no operationId")),
        }

        // Parameters: unique by name and location; path parameters match the template.
        let mut seen = BTreeSet::new();
        let mut in_path = BTreeSet::new();
        for parameter in op["parameters"].as_array().into_iter().flatten() {
            let Some(parameter) = resolve(doc, parameter) else {
                continue;
            };
            let name = parameter["name"].as_str().unwrap_or_default().to_owned();
            let location = parameter["in"].as_str().unwrap_or_default().to_owned();
            if !seen.insert((name.clone(), location.clone())) {
                problems.push(format!(
                    "{at}: parameter {name} in {location} is listed twice"
                ));
            }
            if parameter.get("schema").is_none() && parameter.get("content").is_none() {
                problems.push(format!(
                    "{at}: parameter {name} has neither schema nor content"
                ));
            }
            if location == "path" {
                if parameter["required"] != Value::Bool(true) {
                    problems.push(format!("{at}: path parameter {name} is not required"));
                }
                in_path.insert(name);
            }
        }
        let in_template = template_params(&path);
        for name in in_template.difference(&in_path) {
            problems.push(format!("{at}: {{{name}}} has no `in: path` parameter"));
        }
        for name in in_path.difference(&in_template) {
            problems.push(format!("{at}: path parameter {name} is not in the path"));
        }

        // Responses: at least one; status codes or `default`; each with a description.
        let responses = op["responses"].as_object();
        if responses.is_none_or(|r| r.is_empty()) {
            problems.push(format!("{at}: no responses"));
        }
        for (status, response) in responses.into_iter().flatten() {
            let code = status == "default"
                || matches!(status.as_str(), "1XX" | "2XX" | "3XX" | "4XX" | "5XX")
                || (status.len() == 3 && status.chars().all(|c| c.is_ascii_digit()));
            if !code {
                problems.push(format!("{at}: response key {status} is not a status code"));
            }
            match resolve(doc, response) {
                Some(response) if response["description"].is_string() => {}
                _ => problems.push(format!("{at}: response {status} has no description")),
            }
        }

        // Request bodies have content.
        if let Some(body) = op.get("requestBody")
            && body["content"].as_object().is_none_or(|c| c.is_empty())
        {
            problems.push(format!("{at}: request body without content"));
        }

        // Security: declared schemes; scopes only on oauth2, and declared there.
        for requirement in op["security"].as_array().into_iter().flatten() {
            for (scheme, scopes) in requirement.as_object().into_iter().flatten() {
                let declared = &schemes[scheme];
                if declared.is_null() {
                    problems.push(format!("{at}: security scheme {scheme} is not declared"));
                    continue;
                }
                let scopes = scopes.as_array().cloned().unwrap_or_default();
                if declared["type"] != "oauth2" && !scopes.is_empty() {
                    problems.push(format!("{at}: scopes on non-oauth2 scheme {scheme}"));
                }
                for scope in scopes.iter().filter_map(Value::as_str) {
                    let flows = declared["flows"].as_object().into_iter().flatten();
                    let known = flows
                        .clone()
                        .any(|(_, flow)| flow["scopes"].get(scope).is_some());
                    if !known {
                        problems.push(format!("{at}: scope {scope} is not declared on {scheme}"));
                    }
                }
            }
        }

        for tag in op["tags"].as_array().into_iter().flatten() {
            if !declared_tags.contains(tag.as_str().unwrap_or_default()) {
                problems.push(format!("{at}: tag {tag} is not declared"));
            }
        }
    }

    // Server variables: the default is one of the values.
    for server in doc["servers"].as_array().into_iter().flatten() {
        for (name, variable) in server["variables"].as_object().into_iter().flatten() {
            let values = variable["enum"].as_array().cloned().unwrap_or_default();
            if !values.contains(&variable["default"]) {
                problems.push(format!("server variable {name}: default not in enum"));
            }
        }
    }
    problems
}

#[test]
fn document_parses_with_openapiv3() {
    let text = export("spec");
    let api: openapiv3::OpenAPI =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("openapiv3 rejects it: {e}"));
    assert_eq!(api.openapi, "3.0.3");
    let typed: Vec<_> = api.operations().collect();
    assert_eq!(typed.len(), operations(&parse(&text)).len());
    for (path, method, operation) in typed {
        assert!(operation.operation_id.is_some(), "{method} {path}");
        assert!(
            operation.responses.default.is_none(),
            "{method} {path}: `default` counts as a success to generators: use ranges"
        );
        for range in [4, 5] {
            assert!(
                operation
                    .responses
                    .responses
                    .contains_key(&openapiv3::StatusCode::Range(range)),
                "{method} {path}: no {range}XX error response"
            );
        }
        assert_eq!(
            operation.security.as_ref().map(Vec::len),
            Some(2),
            "{method} {path}"
        );
    }
    let components = api.components.unwrap_or_default();
    assert!(components.schemas.contains_key("ErrorResponse"));
    assert!(components.schemas.contains_key("ClassNotebookPage"));
    assert!(components.schemas.contains_key("PermissionPage"));
}

#[test]
fn document_passes_the_structural_checks() {
    for spec in ["spec", "tests/fixtures/constructs"] {
        let problems = structural_problems(&parse(&export(spec)));
        assert!(problems.is_empty(), "{spec}:\n{}", problems.join("\n"));
    }
}

#[test]
fn the_structural_checks_catch_broken_documents() {
    let mut doc = parse(&export("spec"));
    let op = &mut doc["paths"]["/me/notes/classNotebooks/{notebookId}"]["get"];
    op["operationId"] = Value::from("me.listClassNotebooks");
    if let Some(parameters) = op["parameters"].as_array_mut() {
        parameters.retain(|p| p["name"] != "notebookId");
        parameters.push(serde_json::json!({ "$ref": "#/components/parameters/missing" }));
    }
    op["responses"]["200"]["description"] = Value::Null;
    op["security"][1]["oauth2"][0] = Value::from("Notes.Unknown");
    let problems = structural_problems(&doc).join("\n");
    for expected in [
        "does not resolve",
        "is used twice",
        "{notebookId} has no `in: path` parameter",
        "response 200 has no description",
        "scope Notes.Unknown is not declared",
    ] {
        assert!(
            problems.contains(expected),
            "{expected} not in:\n{problems}"
        );
    }
}

#[test]
fn every_route_appears_under_each_location_it_is_allowed_on() {
    let sources = read_spec("spec");
    let model = codegen::load(&sources).unwrap_or_else(|e| panic!("{e}"));
    let routes = codegen::routes(&sources).unwrap_or_else(|e| panic!("{e}"));
    let doc = parse(&export("spec"));
    let notes = &model.api.notes_root;

    let mut expected = 0;
    for line in routes.lines() {
        let mut words = line.split_whitespace();
        let (Some(method), Some(path), Some(id)) = (words.next(), words.next(), words.next())
        else {
            panic!("unexpected routes line {line:?}");
        };
        let flags: String = words.collect::<Vec<_>>().join(" ");
        let restricted: Option<Vec<&str>> = flags
            .find('[')
            .zip(flags.find(']'))
            .map(|(start, end)| flags[start + 1..end].split(", ").collect());
        let full_paths: Vec<String> = if flags.contains("(version root)") {
            vec![format!("/{path}")]
        } else {
            model
                .api
                .locations
                .iter()
                .filter(|l| {
                    restricted
                        .as_ref()
                        .is_none_or(|keys| keys.contains(&l.key.as_str()))
                })
                .map(|l| format!("/{}/{notes}/{path}", l.path.to_template()))
                .collect()
        };
        for full in full_paths {
            expected += 1;
            let op = &doc["paths"][&full][method.to_lowercase()];
            let operation_id = op["operationId"].as_str().unwrap_or_default();
            assert!(
                operation_id == id || operation_id.ends_with(&format!(".{id}")),
                "{method} {full} ({id}) is missing or has operationId {operation_id:?}"
            );
        }
    }
    assert_eq!(
        operations(&doc).len(),
        expected,
        "operations beyond the routes"
    );
    // Update membership is only for groups.
    assert!(
        doc["paths"]["/me/notes/classNotebooks/Microsoft.OneNote.Api.UpdateMembership"].is_null()
    );
}

#[test]
fn operation_ids_follow_the_documented_scheme() {
    let doc = parse(&export("spec"));
    let ids: BTreeSet<&str> = operations(&doc)
        .into_iter()
        .filter_map(|(_, _, op)| op["operationId"].as_str())
        .collect();
    for id in [
        "me.listClassNotebooks",
        "user.createClassNotebook",
        "group.updateMembership",
        "me.notebook.listPermissions",
        "site.sectionGroup.deletePermission",
        "group.section.createPermission",
        "getSiteMetadataFromUrl",
    ] {
        assert!(ids.contains(id), "{id} missing");
    }
}

#[test]
fn async_operations_take_prefer_and_answer_202_with_location() {
    let doc = parse(&export("spec"));
    let prefer = |op: &Value| {
        op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == "Prefer" && p["in"] == "header")
            .cloned()
    };
    let create = &doc["paths"]["/me/notes/classNotebooks"]["post"];
    assert_eq!(
        prefer(create).map(|p| p["required"].clone()),
        Some(Value::Bool(false))
    );
    assert!(create["responses"]["201"].is_object() && create["responses"]["202"].is_object());
    let transfer = &doc["paths"]["/me/notes/classNotebooks/{notebookId}/Microsoft.OneNote.Api.classnotebooktransfer"]
        ["post"];
    assert_eq!(
        prefer(transfer).map(|p| p["required"].clone()),
        Some(Value::Bool(true))
    );
    let accepted = resolve(&doc, &transfer["responses"]["202"])
        .cloned()
        .unwrap_or_default();
    assert!(
        resolve(&doc, &accepted["headers"]["Location"]).is_some_and(|h| h["schema"].is_object())
    );
    let list = &doc["paths"]["/me/notes/classNotebooks"]["get"];
    assert!(prefer(list).is_none());
}

/// Every `description` in a document, with where it is.
fn descriptions<'a>(value: &'a Value, at: String, out: &mut Vec<(String, &'a str)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("description", Value::String(text)) => out.push((at.clone(), text)),
                    _ => descriptions(child, format!("{at}/{key}"), out),
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                descriptions(child, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn no_description_speaks_rust() {
    for spec in ["spec", "tests/fixtures/constructs"] {
        let doc = parse(&export(spec));
        let mut found = Vec::new();
        descriptions(&doc, String::new(), &mut found);
        assert!(
            found.len() > 100,
            "{spec}: only {} descriptions",
            found.len()
        );
        let rust = [
            "::", "`None`", "`Some(", "Nullable", "`Option<", "`Vec<", "()`",
        ];
        let problems: Vec<String> = found
            .iter()
            .filter(|(_, text)| rust.iter().any(|r| text.contains(r)))
            .map(|(at, text)| format!("{at}: {text}"))
            .collect();
        assert!(problems.is_empty(), "{spec}:\n{}", problems.join("\n"));
    }
}

#[test]
fn enums_the_client_keeps_open_are_not_closed_lists() {
    let doc = parse(&export("spec"));
    let status = &doc["components"]["schemas"]["OperationStatus"];
    assert_eq!(status["anyOf"][0]["enum"][2], "completed");
    assert_eq!(
        status["anyOf"][1],
        serde_json::json!({
            "type": "string",
            "description": "A value not listed here: the service may add values, and the client keeps them as received.",
        })
    );
    assert!(status.get("enum").is_none());
    let diagnostics =
        &doc["components"]["schemas"]["ErrorResponse"]["properties"]["@api.diagnostics"];
    assert_eq!(
        diagnostics["anyOf"],
        serde_json::json!([{ "type": "object" }, { "type": "array" }])
    );
}

#[test]
fn odata_docs_are_the_operation_s_own() {
    let doc = parse(&export("spec"));
    let parameters = |path: &str| {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let class_notebooks = parameters("/me/notes/classNotebooks");
    let orderby = class_notebooks
        .iter()
        .find(|p| p["name"] == "$orderby")
        .cloned()
        .unwrap_or_default();
    assert!(
        orderby["description"]
            .as_str()
            .unwrap_or_default()
            .ends_with("The default order is `name asc`."),
        "{orderby}"
    );
    // The permissions documents name no default order: the parameter shared by the operations
    // answering permissions (it names `Permission`'s properties), which claims none.
    let permissions = parameters("/me/notes/notebooks/{notebookId}/permissions");
    assert!(permissions.contains(
        &serde_json::json!({ "$ref": "#/components/parameters/odata.orderby.Permission" })
    ));
    let shared = &doc["components"]["parameters"]["odata.orderby.Permission"]["description"];
    assert!(
        !shared.as_str().unwrap_or_default().contains("name asc"),
        "{shared}"
    );
}

#[test]
fn document_matches_snapshot() {
    insta::assert_snapshot!("onenote_openapi", export("spec"));
}

#[test]
fn checked_in_export_is_what_the_spec_produces() {
    let checked_in =
        fs::read_to_string(workspace().join("openapi/onenote.openapi.json")).unwrap_or_default();
    assert!(
        checked_in == export("spec"),
        "openapi/onenote.openapi.json is stale: run cargo xtask openapi"
    );
}

#[test]
fn export_is_deterministic_and_ignores_file_order() {
    let mut reversed = read_spec("spec");
    reversed.reverse();
    let from_reversed = codegen::openapi(&reversed).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(export("spec"), from_reversed);
    assert_eq!(export("spec"), export("spec"));
    assert!(export("spec").ends_with("}\n"));
}

#[test]
fn object_keys_come_out_sorted() {
    // serde_json without `preserve_order` sorts keys; a dependency turning it on would
    // reorder the export between `cargo xtask` and the tests.
    let doc = parse(&export("spec"));
    let keys: Vec<&String> = doc
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
        .collect();
    let text = export("spec");
    let first_keys: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with("  \"") && !line.starts_with("   "))
        .filter_map(|line| line.trim().split('"').nth(1))
        .collect();
    let mut sorted = first_keys.clone();
    sorted.sort_unstable();
    assert_eq!(first_keys, sorted);
    assert_eq!(keys.len(), first_keys.len());
}

fn graph_export() -> String {
    codegen::graph_openapi(&read_spec("spec"))
        .unwrap_or_else(|e| panic!("{e}"))
        .expect("the spec has a Graph section")
}

#[test]
fn the_graph_document_parses_and_passes_the_structural_checks() {
    let text = graph_export();
    let api: openapiv3::OpenAPI =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("openapiv3 rejects it: {e}"));
    assert_eq!(api.openapi, "3.0.3");
    let problems = structural_problems(&parse(&text));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let checked_in =
        fs::read_to_string(workspace().join("openapi/graph.openapi.json")).unwrap_or_default();
    assert!(
        checked_in == text,
        "openapi/graph.openapi.json is stale: run cargo xtask codegen"
    );
}

#[test]
fn the_graph_document_has_graph_s_root_shapes_and_errors_and_only_what_graph_serves() {
    let doc = parse(&graph_export());
    assert_eq!(
        doc["servers"][0]["url"],
        "https://graph.microsoft.com/{version}"
    );
    let ops = operations(&doc);
    assert!(!ops.is_empty());
    for (path, method, _) in &ops {
        let location = [
            "/me/",
            "/users/{userId}/",
            "/groups/{groupId}/",
            "/sites/{siteId}/",
        ]
        .iter()
        .find(|l| path.starts_with(*l));
        let rest = location.map(|l| &path[l.len()..]).unwrap_or_default();
        assert!(rest.starts_with("onenote/"), "{method} {path}");
        assert!(
            !path.to_ascii_lowercase().contains("classnotebooks"),
            "{path}"
        );
        assert!(!path.contains("permissions"), "{path}");
    }
    let schemas = &doc["components"]["schemas"];
    let notebook = &schemas["GraphNotebook"]["properties"];
    assert!(notebook.get("displayName").is_some() && notebook.get("name").is_none());
    assert_eq!(
        notebook["createdBy"]["allOf"][0]["$ref"]
            .as_str()
            .or(notebook["createdBy"]["$ref"].as_str()),
        Some("#/components/schemas/GraphIdentitySet")
    );
    let inner = &schemas["ErrorResponse"]["properties"]["error"]["properties"]["innerError"];
    assert!(inner["properties"].get("request-id").is_some());
    assert!(doc["components"]["headers"].get("request-id").is_some());
    assert!(
        doc["components"]["headers"]
            .get("X-CorrelationId")
            .is_none()
    );
}
