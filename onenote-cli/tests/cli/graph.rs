//! `--service graph`: the general resources on Microsoft Graph's root (of the fake), in Graph's
//! names; what only onenote.com serves is refused before anything is sent.

use crate::harness::{onenote, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graph_commands_go_to_graph_s_root_in_graph_s_names() {
    let fake = start().await;
    let made = onenote(
        &fake,
        &[
            "--service",
            "graph",
            "-o",
            "json",
            "notebooks",
            "create",
            "Biology",
        ],
    )
    .await;
    assert_eq!(made.code, 0, "{made:?}");
    let notebook = &made.json()[0];
    assert_eq!(notebook["displayName"], "Biology");
    assert_eq!(notebook["createdBy"]["user"]["displayName"], "Teacher One");
    let id = notebook["id"].as_str().unwrap().to_owned();

    let listed = onenote(
        &fake,
        &[
            "--service",
            "graph",
            "-o",
            "json",
            "notebook",
            &id,
            "sections",
            "list",
        ],
    )
    .await;
    assert_eq!(listed.code, 0, "{listed:?}");

    let journal = fake.journal();
    let sent: Vec<(String, String)> = journal
        .iter()
        .map(|e| (e.method.clone(), e.path.clone()))
        .collect();
    assert_eq!(
        sent,
        [
            ("POST".to_owned(), "/v1.0/me/onenote/notebooks".to_owned()),
            (
                "GET".to_owned(),
                format!("/v1.0/me/onenote/notebooks/{id}/sections")
            ),
        ]
    );
    let body: serde_json::Value = serde_json::from_slice(&journal[0].body).unwrap();
    assert_eq!(body, serde_json::json!({"displayName": "Biology"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onenote_com_is_the_default_service() {
    let fake = start().await;
    let run = onenote(&fake, &["-o", "json", "notebooks", "list"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.json()[0].get("name").is_some(), "{run:?}");
    assert_eq!(fake.journal()[0].path, "/api/v1.0/me/notes/notebooks");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn class_notebooks_on_graph_are_2_and_send_nothing() {
    let fake = start().await;
    let run = onenote(&fake, &["--service", "graph", "class-notebooks", "list"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr.trim(),
        "error: `onenote class-notebooks list` (listClassNotebooks) is onenote.com's only: \
         Microsoft Graph has no class notebooks, permissions or page locks. Use --service onenote"
    );
    assert!(fake.journal().is_empty());
}
