//! Pages made from HTML and multipart bodies, their content and files read back, and copies of
//! notebooks, sections and pages through `Operation-Location`. The state is checked after
//! every call, and the exact answers on the wire.

use onenote_api::{CopyPage, CreateSection, OperationStatus, PageContent};
use onenote_fake::State;

use crate::harness::{FRACTIONS, TEACHER, bearer, client, raw, send, start};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";

fn multipart(parts: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, content_type, data) in parts {
        body.extend_from_slice(
            format!(
                "--B0\r\nContent-Disposition: form-data; name=\"{name}\"\r\nContent-Type: \
                 {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--B0--\r\n");
    body
}

async fn post_page(
    fake: &onenote_fake::FakeOneNote,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> crate::harness::RawResponse {
    let auth = bearer(TEACHER);
    raw(
        fake,
        "POST",
        &format!("/api/v1.0/me/notes/{path}"),
        &[("Authorization", &auth), ("Content-Type", content_type)],
        body,
    )
    .await
}

#[tokio::test]
async fn an_html_page_is_stored_with_its_title_and_answered_with_its_metadata() {
    let (fake, _clock) = start().await;
    let before = fake.state().pages().count();
    let html =
        "<html><head><title>Homework &amp; notes</title></head><body><p>Do it</p></body></html>";
    let response = post_page(
        &fake,
        &format!("sections/{FRACTIONS}/pages"),
        "text/html",
        html.as_bytes(),
    )
    .await;
    assert_eq!(
        response.status,
        201,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let body = response.json();
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(body["title"], "Homework & notes");
    assert_eq!(body["parentSection"]["id"], FRACTIONS);
    assert!(
        body["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("$metadata#me/notes/pages/$entity")
    );
    assert_eq!(
        body["contentUrl"],
        format!("{}/content", body["self"].as_str().unwrap())
    );
    let state = fake.state();
    assert_eq!(state.pages().count(), before + 1);
    let page = state.page(&id).unwrap();
    assert_eq!(page.title, "Homework & notes");
    assert_eq!(page.section_id, FRACTIONS);
    assert_eq!(page.content, html);
    assert_eq!(state.resources_of(&id).count(), 0);
}

#[tokio::test]
async fn a_multipart_page_keeps_its_parts_as_resources_served_with_their_bytes() {
    let (fake, _clock) = start().await;
    let html = b"<html><head><title>Diagram</title></head><body><img src=\"name:part1\" alt=\"d\"/>\
        <object data-attachment=\"w.pdf\" data=\"name:doc\" type=\"application/pdf\"/></body></html>";
    let body = multipart(&[
        ("Presentation", "text/html", html),
        ("part1", "image/png", PNG),
        ("doc", "application/pdf", b"%PDF-1.4 x"),
    ]);
    let response = post_page(
        &fake,
        &format!("sections/{FRACTIONS}/pages"),
        "multipart/form-data; boundary=B0",
        &body,
    )
    .await;
    assert_eq!(
        response.status,
        201,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let id = response.json()["id"].as_str().unwrap().to_owned();
    let state = fake.state();
    let resources: Vec<_> = state.resources_of(&id).cloned().collect();
    assert_eq!(resources.len(), 2);
    let image = resources
        .iter()
        .find(|r| r.content_type == "image/png")
        .unwrap();
    assert_eq!(&image.bytes[..], PNG);
    let pdf = resources
        .iter()
        .find(|r| r.content_type == "application/pdf")
        .unwrap();
    assert_eq!(&pdf.bytes[..], b"%PDF-1.4 x");

    let content = send(
        &fake,
        "GET",
        &format!("/v1.0/me/notes/pages/{id}/content"),
        TEACHER,
        None,
    )
    .await;
    assert_eq!(content.status, 200);
    assert_eq!(
        content.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let text = String::from_utf8(content.body).unwrap();
    let encoded = |id: &str| id.replace('!', "%21");
    let image_url = format!("/api/v1.0/me/notes/resources/{}/$value", encoded(&image.id));
    let pdf_url = format!("/api/v1.0/me/notes/resources/{}/$value", encoded(&pdf.id));
    assert!(
        text.contains(&format!("<img src=\"http://{}{image_url}\" data-fullres-src=\"http://{}{image_url}\" alt=\"d\"/>", fake.addr(), fake.addr())),
        "{text}"
    );
    assert!(
        text.contains(&format!("data=\"http://{}{pdf_url}\"", fake.addr())),
        "{text}"
    );

    let file = send(&fake, "GET", &image_url["/api".len()..], TEACHER, None).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), Some("image/png"));
    assert_eq!(file.body, PNG);
    // Another user cannot read it.
    let other = send(
        &fake,
        "GET",
        &image_url["/api".len()..],
        "student1@contoso.com",
        None,
    )
    .await;
    assert_eq!(other.status, 404);
    assert_eq!(other.json()["error"]["code"], "20102");
}

#[tokio::test]
async fn malformed_multipart_bodies_get_the_services_errors_and_leave_no_page() {
    let (fake, _clock) = start().await;
    let before = fake.state().pages().count();
    let html: &[u8] =
        b"<html><head><title>x</title></head><body><img src=\"name:part1\"/></body></html>";
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("multipart/form-data; boundary=B0", multipart(&[("part1", "image/png", PNG)]), 400, "20001"),
        (
            "multipart/form-data; boundary=B0",
            multipart(&[("Presentation", "text/html", html), ("Presentation", "text/html", html)]),
            400,
            "20002",
        ),
        ("multipart/form-data; boundary=B0", multipart(&[("Presentation", "image/png", html)]), 400, "20003"),
        (
            "multipart/form-data; boundary=B0",
            multipart(&[("Presentation", "text/html", html), ("part1", "image/png", PNG), ("PART1", "image/png", PNG)]),
            400,
            "20009",
        ),
        ("multipart/form-data; boundary=B0", multipart(&[("Presentation", "text/html", html)]), 400, "20011"),
        ("multipart/form-data", multipart(&[("Presentation", "text/html", html)]), 400, "20011"),
        (
            "multipart/form-data; boundary=B0",
            b"--B0\nContent-Disposition: form-data; name=\"Presentation\"\nContent-Type: text/html\n\n<p/>\n--B0--".to_vec(),
            400,
            "20011",
        ),
        ("text/html", html.to_vec(), 400, "20110"),
        ("application/json", b"{}".to_vec(), 415, "20131"),
    ];
    for (content_type, body, status, code) in cases {
        let response = post_page(
            &fake,
            &format!("sections/{FRACTIONS}/pages"),
            content_type,
            &body,
        )
        .await;
        assert_eq!(
            response.status,
            status,
            "{content_type}: {}",
            String::from_utf8_lossy(&response.body)
        );
        let error = response.json();
        assert_eq!(error["error"]["code"], code, "{error}");
        assert_eq!(error["error"]["isRetriable"], false);
    }
    assert_eq!(fake.state().pages().count(), before);
}

#[tokio::test]
async fn a_page_in_the_default_notebook_goes_to_the_named_section_made_when_missing() {
    let (fake, _clock) = start().await;
    let sections_before = fake.state().sections().count();
    let html = b"<html><head><title>Idea</title></head><body></body></html>";
    let first = post_page(&fake, "pages?sectionName=Ideas%20box", "text/html", html).await;
    assert_eq!(
        first.status,
        201,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    let state = fake.state();
    assert_eq!(state.sections().count(), sections_before + 1);
    let section = state
        .sections()
        .find(|s| s.name == "Ideas box")
        .unwrap()
        .clone();
    assert_eq!(
        section.parent_id, section.notebook_id,
        "a top-level section"
    );
    assert_eq!(first.json()["parentSection"]["id"], section.id.as_str());
    // The second page goes to the same section.
    let second = post_page(&fake, "pages?sectionName=ideas%20BOX", "text/html", html).await;
    assert_eq!(second.status, 201);
    assert_eq!(second.json()["parentSection"]["id"], section.id.as_str());
    assert_eq!(fake.state().sections().count(), sections_before + 1);
    assert_eq!(fake.state().pages_in(&section.id).len(), 2);
}

#[tokio::test]
async fn include_ids_gives_ids_a_content_change_can_target() {
    let (fake, _clock) = start().await;
    let source = "<html><head><title>Q</title></head><body><div data-id=\"q\"><p>Question</p></div></body></html>";
    let made = post_page(
        &fake,
        &format!("sections/{FRACTIONS}/pages"),
        "text/html",
        source.as_bytes(),
    )
    .await;
    let page = made.json()["id"].as_str().unwrap().to_owned();
    let with = send(
        &fake,
        "GET",
        &format!("/v1.0/me/notes/pages/{page}/content?includeIDs=true"),
        TEACHER,
        None,
    )
    .await;
    assert_eq!(with.status, 200);
    let html = String::from_utf8(with.body).unwrap();
    let at = html.find(" id=\"p:{").expect("a generated paragraph id") + " id=\"".len();
    let id = &html[at..at + html[at..].find('"').unwrap()];
    assert!(html.contains(" id=\"div:{"), "{html}");
    let plain = send(
        &fake,
        "GET",
        &format!("/v1.0/me/notes/pages/{page}/content"),
        TEACHER,
        None,
    )
    .await;
    assert_eq!(String::from_utf8(plain.body).unwrap(), source);
    let patch = send(
        &fake,
        "PATCH",
        &format!("/v1.0/me/notes/pages/{page}/content"),
        TEACHER,
        Some(serde_json::json!([{ "target": id, "action": "replace", "content": "<p>Replaced</p>" }])),
    )
    .await;
    assert_eq!(
        patch.status,
        204,
        "{}",
        String::from_utf8_lossy(&patch.body)
    );
    let content = fake.state().page(&page).unwrap().content.clone();
    assert!(
        content.contains("<div data-id=\"q\"><p>Replaced</p></div>")
            || content.contains("><p>Replaced</p></div>"),
        "{content}"
    );
}

#[tokio::test]
async fn a_section_copy_is_made_when_its_operation_completes() {
    let (fake, _clock) = start().await;
    let state = fake.state();
    let source = state.section(FRACTIONS).unwrap().clone();
    let pages = state.pages_in(FRACTIONS).len();
    let response = send(
        &fake,
        "POST",
        &format!("/v1.0/me/notes/sections/{FRACTIONS}/copyToNotebook"),
        TEACHER,
        Some(serde_json::json!({ "id": source.notebook_id, "renameAs": "Fractions (copy)" })),
    )
    .await;
    assert_eq!(
        response.status,
        202,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    assert!(response.body.is_empty());
    assert_eq!(response.header("location"), None);
    let location = response.header("operation-location").unwrap().to_owned();
    let prefix = format!("http://{}/api/v1.0/me/notes/operations/copy-", fake.addr());
    assert!(location.starts_with(&prefix), "{location}");
    assert!(
        fake.state()
            .sections()
            .all(|s| s.name != "Fractions (copy)"),
        "not copied before it runs"
    );
    let path = &location[format!("http://{}/api", fake.addr()).len()..];
    let mut seen = Vec::new();
    let done = loop {
        let poll = send(&fake, "GET", path, TEACHER, None).await.json();
        seen.push((
            poll["status"].as_str().unwrap().to_owned(),
            poll["percentComplete"].as_str().unwrap().to_owned(),
        ));
        if poll["status"] == "Completed" || seen.len() > 5 {
            break poll;
        }
    };
    assert_eq!(
        seen,
        [
            ("NotStarted".into(), "0".into()),
            ("Running".into(), "50".into()),
            ("Completed".into(), "100".into())
        ]
    );
    let state = fake.state();
    let copy = state
        .sections()
        .find(|s| s.name == "Fractions (copy)")
        .unwrap();
    assert_eq!(done["resourceId"], copy.id.as_str());
    assert_eq!(
        done["resourceLocation"],
        format!(
            "http://{}/api/v1.0/me/notes/sections/{}",
            fake.addr(),
            copy.id
        )
    );
    assert_eq!(copy.parent_id, source.notebook_id);
    assert_eq!(state.pages_in(&copy.id).len(), pages);
    assert_eq!(
        state.pages_in(FRACTIONS).len(),
        pages,
        "the source is unchanged"
    );
}

#[tokio::test]
async fn a_copy_to_a_missing_destination_fails_in_its_operation() {
    let (fake, _clock) = start().await;
    let sections = fake.state().sections().count();
    let response = send(
        &fake,
        "POST",
        &format!("/v1.0/me/notes/sections/{FRACTIONS}/copyToSectionGroup"),
        TEACHER,
        Some(serde_json::json!({ "id": "1-nope" })),
    )
    .await;
    assert_eq!(response.status, 202);
    let location = response.header("operation-location").unwrap().to_owned();
    let path = &location[format!("http://{}/api", fake.addr()).len()..];
    let mut last = serde_json::Value::Null;
    for _ in 0..3 {
        last = send(&fake, "GET", path, TEACHER, None).await.json();
    }
    assert_eq!(last["status"], "Failed");
    assert_eq!(last["error"]["code"], "20102", "{last}");
    assert_eq!(fake.state().sections().count(), sections);
}

/// The section groups, sections and pages of a notebook, by name and title.
fn sizes(state: &State, notebook: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut groups: Vec<String> = state
        .section_groups()
        .filter(|g| g.notebook_id == notebook)
        .map(|g| g.name.clone())
        .collect();
    let sections: Vec<_> = state
        .sections()
        .filter(|s| s.notebook_id == notebook)
        .collect();
    let mut pages: Vec<String> = sections
        .iter()
        .flat_map(|s| state.pages_in(&s.id))
        .map(|p| p.title.clone())
        .collect();
    let mut names: Vec<String> = sections.iter().map(|s| s.name.clone()).collect();
    groups.sort();
    names.sort();
    pages.sort();
    (groups, names, pages)
}

#[tokio::test]
async fn a_notebook_copy_copies_its_section_groups_sections_and_pages() {
    let (fake, _clock) = start().await;
    let state = fake.state();
    let notebook = state.section(FRACTIONS).unwrap().notebook_id.clone();
    let source = sizes(&state, &notebook);
    let response = send(
        &fake,
        "POST",
        &format!("/v1.0/me/notes/notebooks/{notebook}/copyNotebook"),
        TEACHER,
        Some(serde_json::json!({ "renameAs": "Archive" })),
    )
    .await;
    assert_eq!(response.status, 202);
    let location = response.header("operation-location").unwrap().to_owned();
    let path = &location[format!("http://{}/api", fake.addr()).len()..];
    for _ in 0..3 {
        send(&fake, "GET", path, TEACHER, None).await;
    }
    let state = fake.state();
    let copy = state
        .notebooks()
        .find(|n| n.name == "Archive")
        .unwrap()
        .id
        .clone();
    assert_eq!(sizes(&state, &copy), source);
    assert_eq!(sizes(&state, &notebook), source, "the source is unchanged");
    assert_eq!(
        fake.state().role(TEACHER, &copy),
        Some(onenote_fake::Role::Owner)
    );
}

#[tokio::test]
async fn the_client_creates_a_page_with_an_image_reads_it_back_and_copies_it() {
    let (fake, _clock) = start().await;
    let teacher = client(&fake, TEACHER);
    let me = teacher.me();
    let page = me
        .section(FRACTIONS)
        .pages()
        .create(
            PageContent::html("<html><head><title>Shapes</title></head><body><img src=\"name:pic\"/></body></html>")
                .image("pic", PNG.to_vec(), "image/png"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(page.title.as_deref(), Some("Shapes"));
    let id = page.id.clone().unwrap();
    let html = me.page(&id).content().send().await.unwrap();
    let start = html.find("src=\"").unwrap() + 5;
    let url = &html[start..start + html[start..].find('"').unwrap()];
    let encoded = url.trim_end_matches("/$value").rsplit('/').next().unwrap();
    let resource = percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .unwrap()
        .into_owned();
    let bytes = me.page_file(&resource).content().send().await.unwrap();
    assert_eq!(&bytes[..], PNG);

    let notebook = fake.state().section(FRACTIONS).unwrap().notebook_id.clone();
    let target = me
        .notebook(&notebook)
        .sections()
        .create(CreateSection::new("Copies"))
        .send()
        .await
        .unwrap()
        .id
        .unwrap();
    let done = me
        .page(&id)
        .copy_to_section(CopyPage::new(target.clone()))
        .send()
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(done.status, Some(OperationStatus::Completed));
    let copy = done.resource_id.clone().unwrap();
    let state = fake.state();
    let copied = state.page(&copy).unwrap();
    assert_eq!(copied.section_id, target);
    assert_eq!(copied.title, "Shapes");
    let copied_files: Vec<_> = state.resources_of(&copy).collect();
    assert_eq!(copied_files.len(), 1);
    assert_eq!(&copied_files[0].bytes[..], PNG);
    assert_ne!(copied_files[0].id, resource);
}
