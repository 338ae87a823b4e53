//! No panic and no lost state under concurrent requests and hostile input: garbage bodies,
//! hostile ids and paths, huge bodies, bad JSON, wrong content types, malformed HTTP.

use std::sync::Arc;

use onenote_fake::FakeOneNote;

use crate::harness::{TEACHER, bearer, builder, raw, raw_bytes, send};

/// A small deterministic generator for garbage.
struct Garbage(u64);

impl Garbage {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

fn hostile_targets() -> Vec<String> {
    let list = "/api/v1.0/me/notes/classNotebooks";
    vec![
        format!("{list}/%00"),
        format!("{list}/%FF%FE"),
        format!("{list}/%ZZ"),
        format!("{list}/..%2F..%2Fetc%2Fpasswd"),
        format!("{list}/%2e%2e/students/x"),
        format!("{list}/1-x/pages('%27)/Microsoft.OneNote.Api.DistributePageToStudent"),
        format!("{list}/1-x/pages(''''')/Microsoft.OneNote.Api.DistributePageToStudent"),
        "/api/v1.0/myOrganization/siteCollections/FromUrl(url='''')".to_owned(),
        "/api/v1.0/myOrganization/siteCollections/FromUrl(url=')".to_owned(),
        "/api/v1.0/users/%2e%2e/notes/classNotebooks".to_owned(),
        format!("{list}?$filter={}", "(".repeat(5000)),
        format!("{list}?$filter=name%20eq%20'{}", "x".repeat(5000)),
        format!("{list}?$top=99999999999999999999"),
        format!("{list}?$skip=18446744073709551615&$top=18446744073709551615&$count=true"),
        format!("{list}?{}", "a=b&".repeat(1000)),
        format!("{list}?$orderby={}", "name,".repeat(500)),
        format!("{list}?$select=%FF"),
        format!("/api/v1.0/{}", "x/".repeat(3000)),
        format!("{list}/{}", "%C3%A9".repeat(2000)),
        "/api/v1.0/me/notes/operations/%00%00".to_owned(),
        "/api/v1.0/me/notes/pages/1-x".to_owned(),
        "/api/v1.0/me/notes/sections/1-x/permissions/1-99999999999999999999".to_owned(),
    ]
}

/// One request of kind `kind` (0 creates a notebook named `name`); the status answered.
async fn hostile(fake: &FakeOneNote, kind: usize, garbage: &mut Garbage, name: &str) -> u16 {
    let auth = bearer(TEACHER);
    let json = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    let list = "/api/v1.0/me/notes/classNotebooks";
    match kind {
        0 => {
            let body = serde_json::json!({ "name": name, "studentSections": ["Homework"] });
            raw(fake, "POST", list, &json, body.to_string().as_bytes())
                .await
                .status
        }
        1 => {
            let body = garbage.bytes(512);
            raw(fake, "POST", list, &json, &body).await.status
        }
        2 => {
            let headers = [
                ("Authorization", auth.as_str()),
                ("Content-Type", "text/plain"),
            ];
            raw(fake, "POST", list, &headers, br#"{"name":"x"}"#)
                .await
                .status
        }
        3 => {
            raw(fake, "POST", list, &json, br#"{"name": "unclosed"#)
                .await
                .status
        }
        4 => {
            let targets = hostile_targets();
            let target = &targets[garbage.next() as usize % targets.len()];
            let method = ["GET", "POST", "PATCH", "DELETE"][garbage.next() as usize % 4];
            raw(fake, method, target, &json, b"{}").await.status
        }
        5 => {
            raw(fake, "POST", list, &json, &vec![b'['; 300 * 1024])
                .await
                .status
        }
        6 => {
            let mut bytes = garbage.bytes(200);
            bytes.extend_from_slice(b"\r\n\r\n");
            raw_bytes(fake, &bytes).await.status
        }
        7 => {
            let body = serde_json::json!({ "userRole": 5, "userId": [] });
            let path =
                "/api/v1.0/me/notes/notebooks/1-313dc828-dd55-4c71-82c3-f9c30a40e7c5/permissions";
            raw(fake, "POST", path, &json, body.to_string().as_bytes())
                .await
                .status
        }
        8 => {
            let body = serde_json::json!({ "name": "x", "students": [{ "id": 7, "principalType": "Robot" }] });
            raw(fake, "POST", list, &json, body.to_string().as_bytes())
                .await
                .status
        }
        _ => {
            let body = serde_json::json!({ "blockEditsInClientStartDate": "yesterday-ish" });
            let page = "/api/v1.0/users/teacher1%40contoso.com/notes/pages/1-b168ad794f2f469b8de2696dd737d2b3%2169-d39b2f49-a8fc-4c92-894b-32a4c27595bb";
            raw(fake, "PATCH", page, &json, body.to_string().as_bytes())
                .await
                .status
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_hostile_requests_neither_panic_nor_lose_state() {
    let clock = onenote_fake::ManualClock::new();
    let fake = Arc::new(
        builder(&clock)
            .max_body_bytes(256 * 1024)
            .start()
            .await
            .unwrap(),
    );
    let mut tasks = Vec::new();
    for task in 0..8u64 {
        let fake = fake.clone();
        tasks.push(tokio::spawn(async move {
            let mut garbage = Garbage(0x9E37_79B9 + task);
            let mut created = Vec::new();
            let mut statuses = Vec::new();
            for n in 0..30usize {
                let kind = (n + task as usize) % 10;
                let name = format!("Class {task}-{n}");
                let status = hostile(&fake, kind, &mut garbage, &name).await;
                if kind == 0 && status == 201 {
                    created.push(name);
                }
                statuses.push((kind, status));
            }
            (created, statuses)
        }));
    }
    let mut created = Vec::new();
    for task in tasks {
        let (names, statuses) = task.await.expect("no task panicked");
        for (kind, status) in statuses {
            assert_ne!(
                status, 0,
                "kind {kind}: the connection closed without an answer"
            );
            assert!(status < 500, "kind {kind}: answered {status}");
            if kind != 0 {
                assert!(
                    status >= 400,
                    "kind {kind}: hostile input was accepted with {status}"
                );
            }
        }
        created.extend(names);
    }
    assert_eq!(created.len(), 8 * 3, "every valid create succeeded");
    let state = fake.state();
    let mut stored: Vec<String> = state
        .notebooks()
        .filter(|n| n.class.is_some())
        .map(|n| n.name.clone())
        .collect();
    stored.sort();
    created.sort();
    assert_eq!(
        stored, created,
        "exactly the notebooks that were created, no more, no less"
    );
    for name in &created {
        let id = &state.notebook_named(name).unwrap().id;
        assert_eq!(state.section_groups_in(id).count(), 2, "{name} is whole");
    }
    let page =
        state.page("1-b168ad794f2f469b8de2696dd737d2b3!69-d39b2f49-a8fc-4c92-894b-32a4c27595bb");
    assert_eq!(
        page.and_then(|p| p.lock),
        None,
        "the garbage lock changed nothing"
    );
    // And it still answers as before.
    let listed = send(
        &fake,
        "GET",
        "/v1.0/me/notes/classNotebooks?$top=1&$count=true",
        TEACHER,
        None,
    )
    .await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json()["@odata.count"], 24);
}

#[tokio::test]
async fn hostile_input_gets_a_clear_error_body() {
    let clock = onenote_fake::ManualClock::new();
    let fake = builder(&clock).start().await.unwrap();
    let auth = bearer(TEACHER);
    let list = "/api/v1.0/me/notes/classNotebooks";
    let json = "application/json";
    let cases: [(&str, &[u8], u16, &str, &str); 7] = [
        (
            json,
            br#"{"name": "unclosed"#,
            400,
            "20126",
            "The body is not valid JSON: EOF while parsing a string at line 1 column 18.",
        ),
        (
            json,
            b"[1, 2]",
            400,
            "20126",
            "the body is a list; it takes an object",
        ),
        (
            json,
            b"",
            400,
            "30114",
            "The request needs a JSON body, and it has none.",
        ),
        (
            json,
            br#"{"studentSections": []}"#,
            400,
            "30114",
            "`name` is required in CreateClassNotebook and missing",
        ),
        (
            json,
            br#"{"name": "a/b"}"#,
            400,
            "20115",
            "`name` contains '/', which it may not contain (none of ? * \\ / : < > | & # \" %)",
        ),
        (
            json,
            br#"{"name": ""}"#,
            400,
            "20152",
            "`name` is empty; it takes at least 1 character",
        ),
        (
            "text/html",
            br#"{"name": "x"}"#,
            415,
            "20131",
            "The Content-Type 'text/html' is not supported here: send application/json.",
        ),
    ];
    for (content_type, body, status, code, message) in cases {
        let headers = [
            ("Authorization", auth.as_str()),
            ("Content-Type", content_type),
        ];
        let answer = raw(&fake, "POST", list, &headers, body).await;
        assert_eq!(answer.status, status, "{}", String::from_utf8_lossy(body));
        let error = answer.json();
        assert_eq!(error["error"]["code"], code, "{error}");
        assert_eq!(error["error"]["message"], message);
    }
    assert_eq!(
        fake.state()
            .notebooks()
            .filter(|n| n.class.is_some())
            .count(),
        0
    );
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_without_being_read() {
    let clock = onenote_fake::ManualClock::new();
    let fake = builder(&clock).start().await.unwrap();
    // 90 MB announced, a few bytes sent: the 80 MB limit answers at once.
    let request = format!(
        "POST /api/v1.0/me/notes/classNotebooks HTTP/1.1\r\nHost: x\r\nAuthorization: {}\r\n\
         Content-Type: application/json\r\nContent-Length: 90000000\r\nConnection: close\r\n\r\n{{\"name\"",
        bearer(TEACHER)
    );
    let answer = raw_bytes(&fake, request.as_bytes()).await;
    assert_eq!(answer.status, 413);
    assert_eq!(answer.json()["error"]["code"], "20016");
    // Without a length (chunked), the body is counted as it arrives.
    let small = builder(&clock).max_body_bytes(1024).start().await.unwrap();
    let chunk = "x".repeat(700);
    let request = format!(
        "POST /api/v1.0/me/notes/classNotebooks HTTP/1.1\r\nHost: x\r\nAuthorization: {}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
         2bc\r\n{chunk}\r\n2bc\r\n{chunk}\r\n0\r\n\r\n",
        bearer(TEACHER)
    );
    let answer = raw_bytes(&small, request.as_bytes()).await;
    assert_eq!(
        answer.status,
        413,
        "{answer:?} {}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(small.journal()[0].body_len, 0, "nothing of it was kept");
    assert_eq!(
        small
            .state()
            .notebooks()
            .filter(|n| n.class.is_some())
            .count(),
        0
    );
}
