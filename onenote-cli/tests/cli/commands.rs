//! Every generated command, run once against the fake, its answers compared with the fake's
//! state; then the commands the model lists are checked against the requests the fake
//! received, so a spec change that adds a command fails here until a test runs it.

use codegen::model::{Model, Part, PathTemplate};
use onenote_fake::{AsyncPace, FakeOneNote};
use serde_json::Value;

use crate::harness::{ConfigDir, TEACHER, builder, model, onenote, onenote_as};

const GROUP: &str = "1d13f814-83e5-4c11-8294-53bf40defd91";
const FRACTIONS: &str = "1-85ba33b1-4959-4102-8dcd-d98e4e56e56f";
const QUIZ: &str = "1-b168ad794f2f469b8de2696dd737d2b3!69-d39b2f49-a8fc-4c92-894b-32a4c27595bb";

fn id(value: &Value) -> String {
    value["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {value}"))
        .to_owned()
}

/// Runs a command that must succeed and answer one object; returns it.
async fn object(fake: &FakeOneNote, args: &[&str]) -> Value {
    onenote(fake, args).await.ok().object()
}

/// Runs a command that must succeed; returns its JSON lines.
async fn lines(fake: &FakeOneNote, args: &[&str]) -> Vec<Value> {
    onenote(fake, args).await.ok().json()
}

fn ids(values: &[Value]) -> Vec<String> {
    let mut ids: Vec<String> = values.iter().map(id).collect();
    ids.sort();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_generated_command_runs_against_the_fake() {
    let fake = builder()
        .async_pace(AsyncPace::Polls {
            not_started: 0,
            running: 0,
        })
        .journal_capacity(100_000)
        .start()
        .await
        .unwrap();
    let files = ConfigDir::new("files");
    let file = |name: &str, bytes: &[u8]| {
        let path = files.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_owned()
    };

    // Class notebooks: create, and the JSON answer is the fake's notebook.
    let class = object(
        &fake,
        &[
            "class-notebooks",
            "create",
            "Math 101",
            "--student-sections",
            "Handouts,Quizzes",
            "--has-teacher-only-section-group",
        ],
    )
    .await;
    let nb = id(&class);
    let state = fake.state();
    let stored = state.notebook(&nb).expect("the notebook is in the fake");
    assert_eq!(class["name"], "Math 101");
    assert_eq!(stored.name, "Math 101");
    let listed = lines(
        &fake,
        &["class-notebooks", "list", "--expand", "teachers,students"],
    )
    .await;
    assert!(ids(&listed).contains(&nb), "{listed:?}");
    assert_eq!(
        object(&fake, &["class-notebook", &nb, "get"]).await["id"],
        nb.as_str()
    );
    onenote(&fake, &["class-notebook", &nb, "update", "true"])
        .await
        .ok();
    let added = object(
        &fake,
        &[
            "class-notebook",
            &nb,
            "students",
            "add",
            "student1@contoso.com",
            "person",
        ],
    )
    .await;
    assert_eq!(added["principalType"], "Person");
    assert!(
        fake.state()
            .student_section_group(&nb, "student1@contoso.com")
            .is_some()
    );
    object(
        &fake,
        &[
            "class-notebook",
            &nb,
            "students",
            "add",
            "student2@contoso.com",
            "Person",
        ],
    )
    .await;
    object(
        &fake,
        &[
            "class-notebook",
            &nb,
            "teachers",
            "add",
            "teacher2@contoso.com",
            "Person",
        ],
    )
    .await;
    onenote(
        &fake,
        &[
            "class-notebook",
            &nb,
            "student",
            "student1@contoso.com",
            "remove",
        ],
    )
    .await
    .ok();
    assert!(
        fake.state()
            .notebook(&nb)
            .and_then(|n| n.class.as_ref())
            .is_some_and(|c| !c.students.iter().any(|s| s.id == "student1@contoso.com")),
    );
    onenote(
        &fake,
        &[
            "class-notebook",
            &nb,
            "teacher",
            "teacher2@contoso.com",
            "remove",
        ],
    )
    .await
    .ok();
    onenote(&fake, &["class-notebook", &nb, "repair"])
        .await
        .ok();
    onenote(
        &fake,
        &[
            "class-notebook",
            &nb,
            "copy-sections-to-content-library",
            FRACTIONS,
        ],
    )
    .await
    .ok();
    let copy = object(
        &fake,
        &[
            "class-notebook",
            &nb,
            "distribute-page-to-student",
            QUIZ,
            "student2@contoso.com",
            "2030-01-01T08:00:00Z",
            "Handouts",
        ],
    )
    .await;
    assert!(copy["value"].is_string(), "{copy}");
    object(
        &fake,
        &[
            "--group",
            GROUP,
            "class-notebooks",
            "create",
            "Math 101 (group)",
        ],
    )
    .await;
    onenote(
        &fake,
        &["--group", GROUP, "class-notebooks", "update-membership"],
    )
    .await
    .ok();
    let transfer = file(
        "transfer.json",
        br#"{"ClassNotebookTransfer":{"sourceTeacher":{"id":"teacher1@contoso.com","principalType":"Person"},"destinationTeacher":{"id":"teacher2@contoso.com","principalType":"Person"},"destinationNotebookName":"Math 101 (moved)"}}"#,
    );
    onenote_as(
        &fake,
        "admin@contoso.com",
        &[
            "--user",
            TEACHER,
            "class-notebook",
            &nb,
            "transfer",
            &transfer,
        ],
    )
    .await
    .ok();

    // An asynchronous create: --async prints the location, the operation reads back.
    let started = onenote(&fake, &["class-notebooks", "create", "Art 1", "--async"])
        .await
        .ok()
        .object();
    let location = started["location"].as_str().unwrap().to_owned();
    let operation_id = location.rsplit('/').next().unwrap().to_owned();
    let operation = object(&fake, &["operation", &operation_id, "get"]).await;
    assert_eq!(operation["id"], operation_id.as_str());

    // Notebooks, section groups, sections.
    let scratch = id(&object(&fake, &["notebooks", "create", "Scratch"]).await);
    assert!(ids(&lines(&fake, &["notebooks", "list"]).await).contains(&scratch));
    object(&fake, &["notebook", &scratch, "get"]).await;
    let copied = object(
        &fake,
        &["notebook", &scratch, "copy", "--rename-as", "Scratch 2"],
    )
    .await;
    assert_eq!(
        copied["status"].as_str().map(str::to_lowercase).as_deref(),
        Some("completed")
    );
    let section = id(&object(
        &fake,
        &["notebook", &scratch, "sections", "create", "Unit 1"],
    )
    .await);
    assert_eq!(
        ids(&lines(&fake, &["notebook", &scratch, "sections", "list"]).await),
        vec![section.clone()]
    );
    let group = id(&object(
        &fake,
        &["notebook", &scratch, "section-groups", "create", "Term 1"],
    )
    .await);
    lines(&fake, &["notebook", &scratch, "section-groups", "list"]).await;
    object(&fake, &["section-group", &group, "get"]).await;
    let inner = id(&object(
        &fake,
        &["section-group", &group, "sections", "create", "Week 1"],
    )
    .await);
    lines(&fake, &["section-group", &group, "sections", "list"]).await;
    object(
        &fake,
        &[
            "section-group",
            &group,
            "section-groups",
            "create",
            "Nested",
        ],
    )
    .await;
    lines(&fake, &["section-group", &group, "section-groups", "list"]).await;
    lines(&fake, &["all-section-groups", "list"]).await;
    assert!(ids(&lines(&fake, &["all-sections", "list", "--all"]).await).contains(&inner));
    object(&fake, &["section", &section, "get"]).await;

    // Pages: HTML with an image part, its content, its file, a patch, a lock, copies.
    let html = file(
        "page.html",
        b"<html><head><title>Fractions</title></head><body><p>Shade three quarters.</p><img src=\"name:diagram\"/></body></html>",
    );
    let png = file("diagram.png", b"\x89PNG\r\n\x1a\nnot really a picture");
    let page = object(
        &fake,
        &[
            "section",
            &section,
            "pages",
            "create",
            &html,
            "--part",
            &format!("diagram={png}"),
        ],
    )
    .await;
    let page_id = id(&page);
    assert_eq!(page["title"], "Fractions");
    lines(
        &fake,
        &["section", &section, "pages", "list", "--top", "10"],
    )
    .await;
    let note = file(
        "note.html",
        b"<html><head><title>Note</title></head><body><p>Hi</p></body></html>",
    );
    object(
        &fake,
        &[
            "all-pages",
            "create",
            &note,
            "--section-name",
            "Quick Notes",
        ],
    )
    .await;
    lines(&fake, &["all-pages", "list"]).await;
    object(&fake, &["page", &page_id, "get"]).await;
    let content = onenote(&fake, &["page", &page_id, "content", "--include-ids"])
        .await
        .ok();
    assert!(
        content.stdout.contains("Shade three quarters."),
        "{content:?}"
    );
    let resource = content
        .stdout
        .split("resources/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("the page's HTML names its image")
        // The URL in the HTML is percent-encoded; the command takes the id itself.
        .replace("%21", "!");
    // `--part NAME=FILE` took the media type from the extension.
    assert_eq!(
        fake.state().resource(&resource).unwrap().content_type,
        "image/png"
    );
    let bytes = onenote(&fake, &["page-file", &resource, "content"])
        .await
        .ok();
    assert_eq!(bytes.bytes, b"\x89PNG\r\n\x1a\nnot really a picture");
    let patch = file(
        "patch.json",
        br#"[{"target":"body","action":"append","content":"<p>Due Friday.</p>"}]"#,
    );
    onenote(&fake, &["page", &page_id, "update-content", &patch])
        .await
        .ok();
    let content = onenote(&fake, &["page", &page_id, "content"]).await.ok();
    assert!(content.stdout.contains("Due Friday."), "{content:?}");
    onenote(
        &fake,
        &[
            "page",
            &page_id,
            "update-lock",
            "--block-edits-in-client-start-date",
            "2030-01-01T00:00:00Z",
        ],
    )
    .await
    .ok();
    object(&fake, &["page", &page_id, "copy-to-section", &inner]).await;
    object(
        &fake,
        &[
            "section",
            &section,
            "copy-to-notebook",
            &scratch,
            "--rename-as",
            "Unit 1 copy",
        ],
    )
    .await;
    object(
        &fake,
        &["section", &section, "copy-to-section-group", &group],
    )
    .await;

    // Permissions at each of their three mounts.
    for (resource, id_) in [
        ("notebook", scratch.as_str()),
        ("section-group", group.as_str()),
        ("section", section.as_str()),
    ] {
        let granted = object(
            &fake,
            &[
                resource,
                id_,
                "permissions",
                "create",
                "reader",
                "student3@contoso.com",
            ],
        )
        .await;
        assert_eq!(granted["userRole"], "Reader");
        let permission = id(&granted);
        assert!(
            ids(&lines(&fake, &[resource, id_, "permissions", "list"]).await).contains(&permission)
        );
        object(&fake, &[resource, id_, "permission", &permission, "get"]).await;
        onenote(&fake, &[resource, id_, "permission", &permission, "delete"])
            .await
            .ok();
    }

    let site = object(
        &fake,
        &[
            "site-metadata-from-url",
            "https://contoso.sharepoint.com/sites/math",
        ],
    )
    .await;
    assert_eq!(site["siteId"], "d9e4d5c8-683f-4363-89ae-18c4e3da91e9");
    onenote(&fake, &["page", &page_id, "delete"]).await.ok();
    // Math 101 went to teacher2 with the transfer; Art 1 is still teacher1's.
    let art = fake
        .state()
        .notebook_named("Art 1")
        .expect("the async create finished")
        .id
        .clone();
    onenote(&fake, &["class-notebook", &art, "delete"])
        .await
        .ok();
    assert!(fake.state().notebook(&art).is_none());

    assert_every_command_reached_the_fake(&model(), &fake);
}

/// Every command the model lists reached the fake with its operation, at its mount, and was
/// answered with a success.
fn assert_every_command_reached_the_fake(model: &Model, fake: &FakeOneNote) {
    assert_eq!(fake.journal_dropped(), 0);
    let journal = fake.journal();
    let mut missing = Vec::new();
    for command in codegen::cli::commands(model) {
        let op = model.operation(command.operation);
        let reached = model
            .routes_of(op)
            .iter()
            .filter(|route| route.mount.is_none_or(|m| command.resources.contains(&m)))
            .any(|route| {
                journal.iter().any(|entry| {
                    entry.operation == Some(op.id.as_str())
                        && entry.status.is_some_and(|s| (200..300).contains(&s))
                        && entry
                            .path
                            .strip_prefix("/api/v1.0/")
                            .is_some_and(|path| matches(&route.template, path))
                })
            });
        if !reached {
            missing.push(format!("onenote {} ({})", command.path(), op.id));
        }
    }
    assert!(
        missing.is_empty(),
        "commands no test ran:\n{}",
        missing.join("\n")
    );
}

/// Whether a request path (still percent-encoded) fits a route template. A parameter matches
/// any text, `/` included: a site URL in `FromUrl(url='…')` keeps its slashes.
fn matches(template: &PathTemplate, path: &str) -> bool {
    let mut parts = Vec::new();
    for (index, segment) in template.segments.iter().enumerate() {
        if index > 0 {
            parts.push(Part::Literal("/".to_owned()));
        }
        parts.extend(segment.parts.iter().cloned());
    }
    fits(&parts, path)
}

fn fits(parts: &[Part], text: &str) -> bool {
    match parts.split_first() {
        None => text.is_empty(),
        Some((Part::Literal(literal), rest)) => text
            .strip_prefix(literal.as_str())
            .is_some_and(|t| fits(rest, t)),
        Some((_, rest)) => (1..=text.len())
            .filter(|i| text.is_char_boundary(*i))
            .any(|i| fits(rest, &text[i..])),
    }
}
