//! Output for people: tables of the useful columns (snapshots), `--help` carrying the spec's
//! doc (snapshots); and for scripts: one JSON object per line, `--all` following
//! `@odata.nextLink`.

use std::time::{Duration, SystemTime};

use onenote_fake::{Container, FakeOneNote, ManualClock};

use crate::harness::{builder, onenote};

const FRACTIONS: &str = "1-85ba33b1-4959-4102-8dcd-d98e4e56e56f";

/// A fake whose ids and timestamps are the same in every run.
async fn still_fake() -> FakeOneNote {
    builder()
        .clock(ManualClock::new())
        .start_time(SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000))
        .page_size(2)
        .start()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn class_notebooks_list_as_a_table() {
    let fake = still_fake().await;
    for name in ["Math 101", "Biology 2"] {
        onenote(&fake, &["class-notebooks", "create", name])
            .await
            .ok();
    }
    let table = onenote(&fake, &["class-notebooks", "list", "--output", "table"])
        .await
        .ok();
    insta::assert_snapshot!("class_notebooks_list_table", table.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn section_pages_list_as_a_table() {
    let fake = still_fake().await;
    let table = onenote(
        &fake,
        &["section", FRACTIONS, "pages", "list", "-o", "table"],
    )
    .await
    .ok();
    insta::assert_snapshot!("section_pages_list_table", table.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_is_one_object_per_line_and_all_follows_next_links() {
    let fake = still_fake().await;
    for name in ["A", "B", "C", "D", "E"] {
        onenote(&fake, &["notebooks", "create", name]).await.ok();
    }
    // The fake pages by 2: the first page only, unless --all.
    let first = onenote(&fake, &["notebooks", "list"]).await.ok().json();
    assert_eq!(first.len(), 2, "{first:?}");
    let every = onenote(&fake, &["notebooks", "list", "--all", "--orderby", "name"])
        .await
        .ok()
        .json();
    let names: Vec<&str> = every.iter().filter_map(|n| n["name"].as_str()).collect();
    let mut expected: Vec<String> = fake
        .state()
        .notebooks()
        .filter(|n| n.container == Container::OneDrive("teacher1@contoso.com".to_owned()))
        .map(|n| n.name.clone())
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    let lists = fake
        .journal()
        .iter()
        .filter(|e| e.operation == Some("listNotebooks"))
        .count();
    assert_eq!(
        lists,
        1 + 3,
        "one request for the first page, three for every page of six"
    );
}

fn help(args: &[&str]) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_onenote"))
        .args(args)
        .env("COLUMNS", "100")
        .output()
        .expect("onenote runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn root_help() {
    insta::assert_snapshot!("help_root", help(&["--help"]));
}

#[test]
fn class_notebooks_create_help_carries_the_spec_doc() {
    insta::assert_snapshot!(
        "help_class_notebooks_create",
        help(&["class-notebooks", "create", "--help"])
    );
}

#[test]
fn section_permissions_create_help() {
    insta::assert_snapshot!(
        "help_section_permissions_create",
        help(&["section", "x", "permissions", "create", "--help"])
    );
}

#[test]
fn class_notebooks_update_membership_help_names_its_location() {
    let text = help(&["class-notebooks", "update-membership", "--help"]);
    assert!(text.contains("Only at --group"), "{text}");
    insta::assert_snapshot!("help_class_notebooks_update_membership", text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_prints_the_location_and_operation_wait_resumes_it() {
    // The default pace: one poll sees notStarted, the next running, the third the result.
    let fake = crate::harness::start().await;
    let started = onenote(&fake, &["notebooks", "create", "Scratch"])
        .await
        .ok()
        .object();
    let scratch = started["id"].as_str().unwrap().to_owned();
    let location = onenote(
        &fake,
        &[
            "notebook",
            &scratch,
            "copy",
            "--rename-as",
            "Copy",
            "--async",
        ],
    )
    .await
    .ok()
    .object()["location"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        fake.state().notebook_named("Copy").is_none(),
        "nothing waited for it yet"
    );
    let done = onenote(&fake, &["operation", "wait", &location])
        .await
        .ok()
        .object();
    assert_eq!(
        done["status"].as_str().map(str::to_lowercase).as_deref(),
        Some("completed")
    );
    let copy = fake
        .state()
        .notebook_named("Copy")
        .expect("the copy exists")
        .id
        .clone();
    assert_eq!(done["resourceId"], copy.as_str());
}
