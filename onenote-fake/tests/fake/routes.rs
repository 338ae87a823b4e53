//! The fake serves every route of the spec and cannot drift from it: for every operation, at
//! every location it is allowed at and under every mount, a concrete request (with ordinary and
//! hostile ids) routes to that operation, in the router and in the running server.

use std::path::Path;

use codegen::model::{Model, QueryValue};
use onenote_api::path::{push_odata_string, push_segment};
use onenote_fake::route;

use crate::harness::{TEACHER, is_guid, send, start};

/// One route of the spec: method, path template from the version root (location included),
/// operation id, and the query parameters always sent.
struct SpecRoute {
    method: &'static str,
    template: String,
    operation: String,
    constant_query: Vec<(String, String)>,
}

fn model() -> Model {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let sources = codegen::source::read_spec_folder(&root, Path::new("spec"))
        .unwrap_or_else(|e| panic!("{e}"));
    codegen::load(&sources).unwrap_or_else(|e| panic!("the spec does not load:\n{e}"))
}

/// Every route of the model (operations × allowed locations × mounts), as `cargo xtask
/// routes` lists them.
fn spec_routes(model: &Model) -> Vec<SpecRoute> {
    model
        .routes
        .iter()
        .map(|route| {
            let operation = model.operation(route.operation);
            SpecRoute {
                method: operation.method.as_str(),
                template: route.template.to_template(),
                operation: operation.id.clone(),
                constant_query: operation
                    .query
                    .iter()
                    .filter_map(|q| match &q.value {
                        QueryValue::Const(value) => Some((q.wire.clone(), value.clone())),
                        QueryValue::Typed(_) => None,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The template with every `{param}` replaced by `value`, encoded as the client encodes it:
/// one path segment, or the body of an OData string literal inside `'…'`.
fn fill(template: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(length) = rest[start..].find('}') else {
            break;
        };
        let end = start + length;
        let quoted = rest[..start].ends_with('\'') && rest[end + 1..].starts_with('\'');
        out.push_str(&rest[..start]);
        if quoted {
            push_odata_string(&mut out, value);
        } else {
            push_segment(&mut out, value);
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn query(route: &SpecRoute) -> String {
    if route.constant_query.is_empty() {
        return String::new();
    }
    let pairs: Vec<String> = route
        .constant_query
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    format!("?{}", pairs.join("&"))
}

const ORDINARY: &str = "1-b68a21fd-cdb3-41f1-a566-0772872a8a0c";

/// Ids that must stay ids: separators, quotes, encodings, dot-segments, keywords. (Not an
/// action's own name where that action's path is concrete: `classNotebooks/Microsoft.OneNote.
/// Api.UpdateMembership` is the action's, as OpenAPI matches concrete paths first:
/// `route::tests::an_actions_path_is_the_actions_alone`.)
const HOSTILE: &[&str] = &[
    "a/b",
    "?x",
    "#",
    "%41",
    "it's",
    "''",
    "a b",
    "teacher2@contoso.net",
    "é日本",
    "..",
    "...",
    "students",
    "Microsoft.OneNote.Api.RepairNotebook",
    "FromUrl(url='x')",
    "pages('x')",
    "https://contoso.sharepoint.com/sites/a?b#c",
];

#[test]
fn every_spec_route_routes_to_its_operation_with_any_id() {
    let model = model();
    let routes = spec_routes(&model);
    assert!(
        routes.len() >= 30,
        "only {} routes in the spec?",
        routes.len()
    );
    let mut missing = Vec::new();
    for route_ in &routes {
        for version in model.api.versions.iter().map(|v| &v.segment) {
            for id in std::iter::once(&ORDINARY).chain(HOSTILE) {
                let path = fill(&route_.template, id);
                for prefix in ["/api", ""] {
                    let target = format!("{prefix}/{version}/{path}{}", query(route_));
                    if route(route_.method, &target) != Some(route_.operation.as_str()) {
                        missing.push(format!(
                            "{} {target} should be {} but routes to {:?}",
                            route_.method,
                            route_.operation,
                            route(route_.method, &target)
                        ));
                    }
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "the fake does not serve these spec routes (add them to onenote-fake/src/route.rs and \
         give them a handler in onenote-fake/src/api/):\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_spec_operation_has_a_route() {
    let model = model();
    let operations: std::collections::BTreeSet<String> = spec_routes(&model)
        .into_iter()
        .map(|r| r.operation)
        .collect();
    let spec: std::collections::BTreeSet<String> =
        model.operations.iter().map(|o| o.id.clone()).collect();
    assert_eq!(
        operations, spec,
        "an operation of the spec has no route at all"
    );
}

#[tokio::test]
async fn the_server_routes_every_spec_route_as_the_router_does() {
    let (fake, _clock) = start().await;
    let model = model();
    let routes = spec_routes(&model);
    for route_ in &routes {
        let path = format!(
            "/v1.0/{}{}",
            fill(&route_.template, ORDINARY),
            query(route_)
        );
        let response = send(&fake, route_.method, &path, TEACHER, None).await;
        assert!(response.header("x-correlationid").is_some(), "{path}");
    }
    let journal = fake.journal();
    assert_eq!(journal.len(), routes.len());
    for (entry, route_) in journal.iter().zip(&routes) {
        assert_eq!(
            entry.operation,
            Some(route_.operation.as_str()),
            "{} {}",
            entry.method,
            entry.path
        );
    }
}

#[tokio::test]
async fn an_unknown_route_gets_the_services_404_body() {
    let (fake, _clock) = start().await;
    for (method, path) in [
        ("GET", "/v1.0/me/notes/notebooks/1-x/pages"),
        ("PUT", "/v1.0/me/notes/nothing"),
        ("GET", "/v3/me/notes/classNotebooks"),
        ("GET", "/v1.0/me/notes/classNotebooks//teachers"),
        // 001: the service root cannot be tacked onto a SharePoint REST site path.
        ("GET", "/sites/math/_api/web/notes/classNotebooks"),
        ("GET", "/"),
    ] {
        let response = send(&fake, method, path, TEACHER, None).await;
        assert_eq!(response.status, 404, "{method} {path}");
        let correlation = response.header("x-correlationid").unwrap_or_default();
        assert!(is_guid(correlation), "{correlation}");
        assert!(response.header("date").is_some());
        let body = response.json();
        assert_eq!(body["error"]["code"], "20102", "{body}");
        assert_eq!(body["error"]["isRetriable"], false);
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with(&format!(
                    "The OneNote API has no {method} endpoint at '/api"
                )),
            "{body}"
        );
        assert!(
            body["error"]["@api.url"]
                .as_str()
                .unwrap()
                .ends_with("#20102")
        );
    }
}

/// RFC 9110, 15.5.6: a method the target resource does not support is 405 Method Not Allowed
/// with an `Allow` header listing the methods it does (the fake's choice where the documents
/// are silent; an unknown path stays 404).
#[tokio::test]
async fn a_method_a_route_lacks_gets_405_with_the_methods_it_has() {
    let (fake, _clock) = start().await;
    for (method, path, allow) in [
        ("TRACE", "/v1.0/me/notes/classNotebooks", "GET, POST"),
        ("PUT", "/v1.0/me/notes/classNotebooks", "GET, POST"),
        (
            "PUT",
            "/v1.0/me/notes/classNotebooks/1-x",
            "DELETE, GET, PATCH",
        ),
        (
            "POST",
            "/v1.0/me/notes/notebooks/1-x/permissions/1-4",
            "DELETE, GET",
        ),
    ] {
        let response = send(&fake, method, path, TEACHER, None).await;
        assert_eq!(response.status, 405, "{method} {path}");
        assert_eq!(response.header("allow"), Some(allow), "{method} {path}");
        let body = response.json();
        assert_eq!(
            body["error"]["message"],
            format!(
                "The OneNote API has no {method} endpoint at '/api{path}'; it takes {allow} there."
            ),
        );
    }
}

/// 000, 001 and 002, under every call: "X-CorrelationId header: A GUID that uniquely identifies
/// the request. You can use this value along with the value of the Date header when working
/// with Microsoft support" — on successes and failures alike.
#[tokio::test]
async fn every_answer_carries_a_correlation_id_and_a_date() {
    let (fake, _clock) = start().await;
    let mut seen = std::collections::BTreeSet::new();
    for (method, path) in [
        ("GET", "/v1.0/me/notes/classNotebooks"),
        ("GET", "/v1.0/me/notes/classNotebooks/1-nope"),
        ("POST", "/v1.0/me/notes/classNotebooks"),
        ("DELETE", "/v1.0/me/notes/notebooks/1-x/permissions/1-4"),
    ] {
        let answer = send(&fake, method, path, TEACHER, None).await;
        let correlation = answer.header("x-correlationid").unwrap_or_default();
        assert!(is_guid(correlation), "{method} {path}: {correlation:?}");
        assert!(seen.insert(correlation.to_owned()), "unique per request");
        let date = answer.header("date").unwrap_or_default();
        assert!(httpdate_like(date), "{method} {path}: {date:?}");
    }
}

/// An IMF-fixdate (`Sun, 25 Feb 2018 23:17:16 GMT`).
fn httpdate_like(text: &str) -> bool {
    text.len() == 29 && text.ends_with(" GMT") && text.as_bytes().get(3) == Some(&b',')
}
