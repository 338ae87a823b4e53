//! Microsoft Graph's OneNote root over the same store: the same ids on both roots, Graph's
//! shapes, URLs, error body and headers, its 4 MB limit, 429 without `Retry-After`, copies
//! polled at `onenote/operations/{id}`, Graph tokens only; and the fake's Graph tables agree
//! with the spec.

use std::collections::BTreeSet;
use std::path::Path;

use onenote_api::{
    CreateNotebook, ErrorCode, GraphCopySection, GraphCreateSection, OperationStatus, PageContent,
};
use onenote_fake::{ManualClock, Throttling};

use crate::harness::{TEACHER, bare_client, bearer, builder, client, raw, start};
use crate::identity::{GRAPH_SCOPES, ONENOTE_SCOPES, sign_in};

fn model() -> codegen::model::Model {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let sources = codegen::source::read_spec_folder(&root, Path::new("spec"))
        .unwrap_or_else(|e| panic!("{e}"));
    codegen::load(&sources).unwrap_or_else(|e| panic!("the spec does not load:\n{e}"))
}

#[tokio::test]
async fn a_notebook_made_on_onenote_com_is_read_on_graph_in_graph_names() {
    let (fake, _clock) = start().await;
    let teacher = client(&fake, TEACHER);
    let made = teacher
        .me()
        .notebooks()
        .create(CreateNotebook::new("Algebra"))
        .send()
        .await
        .unwrap();
    let id = made.id.unwrap();

    let read = teacher
        .graph()
        .me()
        .notebook(&id)
        .get()
        .send()
        .await
        .unwrap();

    assert_eq!(read.display_name.as_deref(), Some("Algebra"));
    assert_eq!(read.created_date_time, made.created_time);
    let by = read
        .created_by
        .and_then(|by| by.user)
        .and_then(|u| u.display_name);
    assert_eq!(by, made.created_by);
    let own = read.self_.unwrap();
    assert!(
        own.starts_with(&format!(
            "{}/v1.0/me/onenote/notebooks/",
            fake.graph_base_url()
        )),
        "{own}"
    );
}

#[tokio::test]
async fn a_section_made_on_graph_is_listed_on_onenote_com() {
    let (fake, _clock) = start().await;
    let teacher = client(&fake, TEACHER);
    let notebook = teacher
        .graph()
        .me()
        .notebooks()
        .create(onenote_api::GraphCreateNotebook::new("Physics"))
        .send()
        .await
        .unwrap();
    let section = teacher
        .graph()
        .me()
        .notebook(notebook.id.as_deref().unwrap())
        .sections()
        .create(GraphCreateSection::new("Week 1"))
        .send()
        .await
        .unwrap();
    assert_eq!(section.display_name.as_deref(), Some("Week 1"));

    let listed = teacher
        .me()
        .notebook(notebook.id.as_deref().unwrap())
        .sections()
        .list()
        .send()
        .await
        .unwrap();
    let names: Vec<_> = listed.value.iter().filter_map(|s| s.name.clone()).collect();
    assert_eq!(names, ["Week 1"]);
}

#[tokio::test]
async fn graph_answers_carry_request_id_not_x_correlation_id() {
    let (fake, _clock) = start().await;
    let auth = bearer(TEACHER);
    let answer = raw(
        &fake,
        "GET",
        "/v1.0/me/onenote/notebooks",
        &[("Authorization", &auth), ("client-request-id", "c-42")],
        b"",
    )
    .await;
    assert_eq!(answer.status, 200);
    assert!(answer.header("request-id").is_some_and(|id| !id.is_empty()));
    assert_eq!(answer.header("client-request-id"), Some("c-42"));
    assert_eq!(answer.header("x-correlationid"), None);
}

#[tokio::test]
async fn a_graph_error_has_inner_error_with_request_id_date_and_client_request_id() {
    let (fake, _clock) = start().await;
    let auth = bearer(TEACHER);
    let answer = raw(
        &fake,
        "GET",
        "/v1.0/me/onenote/notebooks/1-missing",
        &[("Authorization", &auth)],
        b"",
    )
    .await;
    assert_eq!(answer.status, 404);
    let body = answer.json();
    let error = &body["error"];
    assert_eq!(error["code"], "20102");
    let inner = &error["innerError"];
    let request_id = answer.header("request-id").unwrap();
    assert_eq!(inner["request-id"], request_id);
    assert_eq!(inner["client-request-id"], request_id);
    // Graph writes the date without an offset: 2018-02-25T23:17:16.
    assert_eq!(inner["date"], "2018-02-25T23:17:16");
    let keys: BTreeSet<_> = error.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        BTreeSet::from(["code".into(), "innerError".into(), "message".into()])
    );
}

#[tokio::test]
async fn class_notebooks_and_permissions_are_not_on_graph() {
    let (fake, _clock) = start().await;
    let auth = bearer(TEACHER);
    for path in [
        "/v1.0/me/onenote/classNotebooks",
        "/v1.0/me/onenote/notebooks/1-a/permissions",
    ] {
        let answer = raw(&fake, "GET", path, &[("Authorization", &auth)], b"").await;
        assert_eq!(answer.status, 404, "{path}");
        assert!(answer.json()["error"]["innerError"].is_object(), "{path}");
    }
}

#[tokio::test]
async fn the_graph_root_takes_graph_tokens_only() {
    let (fake, _clock) = start().await;
    let graph = sign_in(&fake, GRAPH_SCOPES).await;
    let onenote = sign_in(&fake, ONENOTE_SCOPES).await;
    let list = |token: &serde_json::Value| {
        let auth = format!("Bearer {}", token["access_token"].as_str().unwrap());
        let fake = &fake;
        async move {
            raw(
                fake,
                "GET",
                "/v1.0/me/onenote/notebooks",
                &[("Authorization", &auth)],
                b"",
            )
            .await
        }
    };
    assert_eq!(list(&graph).await.status, 200);
    let refused = list(&onenote).await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.json()["error"]["code"], "40001");
}

#[tokio::test]
async fn a_page_over_four_megabytes_is_refused_on_graph_only() {
    let (fake, _clock) = start().await;
    let teacher = bare_client(&fake, TEACHER);
    let section = teacher
        .me()
        .notebooks()
        .create(CreateNotebook::new("Big"))
        .send()
        .await
        .unwrap();
    let section = teacher
        .me()
        .notebook(section.id.unwrap())
        .sections()
        .create(onenote_api::CreateSection::new("Images"))
        .send()
        .await
        .unwrap()
        .id
        .unwrap();
    let page = || {
        PageContent::html(
            "<html><head><title>Scan</title></head><body><img src=\"name:scan\"/></body></html>",
        )
        .image("scan", vec![0u8; 4 * 1024 * 1024], "image/png")
    };

    let error = teacher
        .graph()
        .me()
        .section(&section)
        .pages()
        .create(page())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(413));
    assert_eq!(
        error.code().map(|c| c.as_str().to_owned()).as_deref(),
        Some("20008")
    );

    assert!(
        teacher
            .me()
            .section(&section)
            .pages()
            .create(page())
            .send()
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn graph_throttles_with_20166_and_no_retry_after() {
    let clock = ManualClock::new();
    let fake = builder(&clock)
        .throttling(Throttling::onenote().retry_after(std::time::Duration::from_secs(7)))
        .start()
        .await
        .unwrap();
    let teacher = bare_client(&fake, TEACHER);
    // Both roots count against the one per-user quota.
    for n in 0..120 {
        let sent = if n % 2 == 0 {
            teacher.me().notebooks().list().send().await.map(drop)
        } else {
            teacher
                .graph()
                .me()
                .notebooks()
                .list()
                .send()
                .await
                .map(drop)
        };
        assert!(sent.is_ok(), "request {n}: {sent:?}");
    }
    let error = teacher
        .graph()
        .me()
        .notebooks()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.code(), Some(ErrorCode::Throttled));
    assert_eq!(error.retry_after(), None, "Graph sends no Retry-After");
    let onenote = teacher.me().notebooks().list().send().await.unwrap_err();
    assert!(
        onenote.retry_after().is_some(),
        "this fake's onenote.com root does"
    );
}

#[tokio::test]
async fn a_graph_copy_is_polled_at_onenote_operations() {
    let (fake, _clock) = start().await;
    let teacher = client(&fake, TEACHER);
    let notebook = teacher
        .me()
        .notebooks()
        .create(CreateNotebook::new("Chemistry"))
        .send()
        .await
        .unwrap()
        .id
        .unwrap();
    let section = teacher
        .me()
        .notebook(&notebook)
        .sections()
        .create(onenote_api::CreateSection::new("Acids"))
        .send()
        .await
        .unwrap()
        .id
        .unwrap();

    let handle = teacher
        .graph()
        .me()
        .section(&section)
        .copy_to_notebook(GraphCopySection::new(&notebook).with_rename_as("Acids (copy)"))
        .send()
        .await
        .unwrap();
    let prefix = format!("{}/v1.0/me/onenote/operations/", fake.graph_base_url());
    assert!(
        handle.location().starts_with(&prefix),
        "{}",
        handle.location()
    );
    let done = handle.wait().await.unwrap();

    assert_eq!(done.status, Some(OperationStatus::Completed));
    let copied = teacher
        .graph()
        .me()
        .section(done.resource_id.as_deref().unwrap())
        .get()
        .send()
        .await
        .unwrap();
    assert_eq!(copied.display_name.as_deref(), Some("Acids (copy)"));
    let polls: Vec<_> = fake
        .journal()
        .into_iter()
        .filter(|e| e.operation == Some("getOperation"))
        .map(|e| e.path)
        .collect();
    assert!(!polls.is_empty());
    assert!(
        polls
            .iter()
            .all(|p| p.starts_with("/v1.0/me/onenote/operations/")),
        "{polls:?}"
    );
}

#[test]
fn the_fake_serves_on_graph_exactly_what_the_spec_says_graph_serves() {
    let model = model();
    let graph = model.graph.as_ref().expect("the spec has a graph section");
    let spec: BTreeSet<&str> = graph.operations.iter().map(|op| op.id.as_str()).collect();
    // Every route of a Graph operation, at every Graph location, routes there.
    for op in &graph.operations {
        for route in model.routes_of(op) {
            let relative = route.relative.to_template().replace(['{', '}'], "");
            for location in ["me", "users/u", "groups/g", "sites/h,c,s"] {
                let path = format!("/v1.0/{location}/onenote/{relative}");
                assert_eq!(
                    onenote_fake::route(op.method.as_str(), &path),
                    Some(op.id.as_str()),
                    "{path}"
                );
            }
        }
    }
    // Nothing else does.
    for op in &model.operations {
        if spec.contains(op.id.as_str()) {
            continue;
        }
        for route in model.routes_of(op) {
            let relative = route.relative.to_template().replace(['{', '}'], "");
            let path = format!("/v1.0/me/onenote/{relative}");
            assert_eq!(
                onenote_fake::route(op.method.as_str(), &path),
                None,
                "{path}"
            );
        }
    }
}

/// The fake translates at Graph's edge with the generated tables' `graph` (no list of its
/// own); here those tables are held to the spec's shapes, derived another way: by matching
/// each Graph field to its main field by Rust name or doc.
#[test]
fn the_fake_writes_graph_names_as_the_spec_shapes_them() {
    use codegen::model::{TypeKind, TypeRef};
    let model = model();
    let graph = model.graph.as_ref().unwrap();
    let mut renamed = BTreeSet::new();
    let mut identity_sets = BTreeSet::new();
    let mut omitted = BTreeSet::new();
    let mut added = BTreeSet::new();
    for shape in &graph.types {
        let main_name = shape.name.strip_prefix("Graph").unwrap();
        let Some(main) = model
            .modules
            .iter()
            .flat_map(|m| &m.types)
            .find(|t| t.name == main_name)
        else {
            continue;
        };
        let (
            TypeKind::Object {
                fields: graph_fields,
            },
            TypeKind::Object { fields },
        ) = (&shape.kind, &main.kind)
        else {
            continue;
        };
        for graph_field in graph_fields {
            let known = fields
                .iter()
                .any(|f| f.rust == graph_field.rust || f.doc == graph_field.doc);
            if !known {
                added.insert(graph_field.wire.clone());
            }
        }
        for field in fields {
            match graph_fields
                .iter()
                .find(|g| g.rust == field.rust || g.doc == field.doc)
            {
                Some(g) if g.wire != field.wire => {
                    renamed.insert((field.wire.clone(), g.wire.clone()));
                }
                Some(g)
                    if g.ty != field.ty && g.ty == TypeRef::Named("GraphIdentitySet".into()) =>
                {
                    identity_sets.insert(field.wire.clone());
                }
                Some(_) => {}
                None => {
                    omitted.insert(field.wire.clone());
                }
            }
        }
    }
    let edge = &onenote_api::schema::API.graph;
    let pairs = |list: &[(&str, &str)]| -> BTreeSet<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    };
    let names =
        |list: &[&str]| -> BTreeSet<String> { list.iter().map(|s| (*s).to_owned()).collect() };
    let identity_set = onenote_api::schema::API
        .types
        .iter()
        .position(|ty| ty.name == "GraphIdentitySet")
        .map(onenote_api::schema::TypeIndex)
        .expect("the tables have Graph's identitySet");
    let retyped: Vec<&str> = edge
        .retyped
        .iter()
        .filter(|(_, shape)| *shape == onenote_api::schema::Shape::Named(identity_set))
        .map(|(field, _)| *field)
        .collect();
    assert_eq!(renamed, pairs(edge.renamed));
    assert_eq!(identity_sets, names(&retyped));
    assert_eq!(edge.retyped.len(), retyped.len(), "{:?}", edge.retyped);
    assert_eq!(omitted, names(edge.omitted));
    assert_eq!(added, names(edge.added));
}
