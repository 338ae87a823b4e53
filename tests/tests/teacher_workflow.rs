//! The teacher's workflow from README.md, run against a local server: create the class, put a
//! handout page in the teacher's section, distribute it to every student locked at the due
//! date, and grant a co-teacher Contributor on the Quizzes section.
//!
//! `workflow` below is the README's example, character for character (a test checks it), so
//! the example that README shows is the code this test runs.

use serde_json::json;
use tests::wire::client;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

// README: begin
mod workflow {
    use onenote_api::{
        Client, CreateClassNotebook, CreatePermission, CreateSection, DateTime,
        DistributePageToStudent, PageContent, Principal, PrincipalType, UserRole,
    };

    type Failure = Box<dyn std::error::Error + Send + Sync>;

    /// Starts a unit in a new class notebook and returns the ids of the students' copies of
    /// the handout.
    pub async fn start_unit(
        client: &Client,
        due: DateTime,
        diagram_png: Vec<u8>,
    ) -> Result<Vec<String>, Failure> {
        let me = client.me();
        let person = |upn: &str| Principal::new(upn, PrincipalType::Person);

        // 1. The class: a section group per student (with these sections) and a teacher-only one.
        let class = me
            .class_notebooks()
            .create(
                CreateClassNotebook::new("Math 101")
                    .with_student_sections(vec!["Handouts".into(), "Quizzes".into()])
                    .with_teachers(vec![person("teacher1@contoso.com")])
                    .with_students(vec![
                        person("student1@contoso.com"),
                        person("student2@contoso.com"),
                    ])
                    .with_has_teacher_only_section_group(true),
            )
            .send()
            .await?;
        let class_id = class.id.ok_or("the new class notebook has no id")?;

        // 2. The teacher's sections, in the "_Teacher Only" section group.
        let groups = me
            .notebook(&class_id)
            .section_groups()
            .list()
            .send()
            .await?;
        let teacher_only = groups
            .value
            .into_iter()
            .find(|group| {
                group
                    .name
                    .as_deref()
                    .is_some_and(|name| name.eq_ignore_ascii_case("_Teacher Only"))
            })
            .and_then(|group| group.id)
            .ok_or("the class notebook has no teacher-only section group")?;
        let teacher_sections = me.section_group(&teacher_only).sections();
        let handouts = teacher_sections
            .create(CreateSection::new("Handouts"))
            .send()
            .await?;
        let quizzes = teacher_sections
            .create(CreateSection::new("Quizzes"))
            .send()
            .await?;

        // 3. The handout page, with its diagram as an image part.
        let page = me
            .section(handouts.id.ok_or("the new section has no id")?)
            .pages()
            .create(
                PageContent::html(
                    "<html><head><title>Fractions</title></head><body>\
                     <p>Shade three quarters of the circle.</p>\
                     <img src=\"name:diagram\" alt=\"a circle\"/></body></html>",
                )
                .image("diagram", diagram_png, "image/png"),
            )
            .send()
            .await?;
        let page_id = page.id.ok_or("the new page has no id")?;

        // 4. A copy in every student's Handouts section, read-only from the due date on.
        let mut copies = Vec::new();
        for student in class.students.unwrap_or_default() {
            let copy = me
                .class_notebook(&class_id)
                .distribute_page_to_student(
                    &page_id,
                    DistributePageToStudent::new(student.id, due, "Handouts"),
                )
                .send()
                .await?;
            copies.extend(copy.value);
        }

        // 5. The co-teacher may edit the quizzes.
        me.section(quizzes.id.ok_or("the new section has no id")?)
            .permissions()
            .create(CreatePermission::new(
                UserRole::Contributor,
                "coteacher@contoso.com",
            ))
            .send()
            .await?;
        Ok(copies)
    }
}
// README: end

const CLASS: &str = "1-b68a21fd-cdb3-41f1-a566-0772872a8a0c";
const PAGE: &str = "1-126bc4155684422c827e1682b1e5f2ed!62-3a2cebc9-3121-4162-b84a-07e61671e653";

async fn answer(server: &MockServer, verb: &str, at: &str, body: serde_json::Value, status: u16) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

/// A server that answers each step as the documents' examples do.
async fn class_server() -> MockServer {
    let server = MockServer::start().await;
    let person = |id: &str| json!({ "id": id, "principalType": "Person" });
    answer(
        &server,
        "POST",
        "/v1.0/me/notes/classNotebooks",
        json!({
            "id": CLASS,
            "name": "Math 101",
            "hasTeacherOnlySectionGroup": true,
            "studentSections": ["Handouts", "Quizzes"],
            "teachers": [person("teacher1@contoso.com")],
            "students": [person("student1@contoso.com"), person("student2@contoso.com")]
        }),
        201,
    )
    .await;
    answer(
        &server,
        "GET",
        &format!("/v1.0/me/notes/notebooks/{CLASS}/sectiongroups"),
        json!({ "value": [
            { "id": "1-sg-library", "name": "_Content Library" },
            { "id": "1-sg-space", "name": "_Collaboration Space" },
            { "id": "1-sg-teacher", "name": "_Teacher Only" },
            { "id": "1-sg-student1", "name": "student1" }
        ]}),
        200,
    )
    .await;
    for (name, id) in [("Handouts", "1-s-handouts"), ("Quizzes", "1-s-quizzes")] {
        Mock::given(method("POST"))
            .and(path("/v1.0/me/notes/sectiongroups/1-sg-teacher/sections"))
            .and(body_partial_json(json!({ "name": name })))
            .respond_with(
                ResponseTemplate::new(201).set_body_json(json!({ "id": id, "name": name })),
            )
            .mount(&server)
            .await;
    }
    answer(
        &server,
        "POST",
        "/v1.0/me/notes/sections/1-s-handouts/pages",
        json!({ "id": PAGE, "title": "Fractions" }),
        201,
    )
    .await;
    for student in ["student1", "student2"] {
        Mock::given(method("POST"))
            .and(body_partial_json(
                json!({ "studentUserPrincipalName": format!("{student}@contoso.com") }),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "@odata.context": "https://www.onenote.com/api/v1.0/$metadata#Edm.String",
                "value": format!("1-copy-for-{student}")
            })))
            .mount(&server)
            .await;
    }
    answer(
        &server,
        "POST",
        "/v1.0/me/notes/sections/1-s-quizzes/permissions",
        json!({
            "id": "1-23",
            "name": "Co Teacher",
            "userId": "i:0#.f|membership|coteacher@contoso.com",
            "userRole": "Contributor"
        }),
        201,
    )
    .await;
    server
}

fn line(request: &Request) -> String {
    let target = match request.url.query() {
        Some(query) => format!("{}?{query}", request.url.path()),
        None => request.url.path().to_owned(),
    };
    format!("{} {target}", request.method)
}

fn json_body(request: &Request) -> serde_json::Value {
    serde_json::from_slice(&request.body).unwrap_or_else(|e| panic!("{}: {e}", line(request)))
}

#[tokio::test]
async fn the_teacher_workflow_runs_end_to_end() {
    let server = class_server().await;
    let due = "2027-03-01T17:00:00Z".parse().unwrap();

    let copies = workflow::start_unit(&client(&server), due, b"\x89PNG".to_vec())
        .await
        .unwrap();

    assert_eq!(copies, ["1-copy-for-student1", "1-copy-for-student2"]);
    let sent = server.received_requests().await.unwrap();
    let distribute = format!(
        "POST /v1.0/me/notes/classNotebooks/{CLASS}/pages('1-126bc4155684422c827e1682b1e5f2ed!62-3a2cebc9-3121-4162-b84a-07e61671e653')/Microsoft.OneNote.Api.DistributePageToStudent"
    );
    assert_eq!(
        sent.iter().map(line).collect::<Vec<_>>(),
        [
            "POST /v1.0/me/notes/classNotebooks".to_owned(),
            format!("GET /v1.0/me/notes/notebooks/{CLASS}/sectiongroups"),
            "POST /v1.0/me/notes/sectiongroups/1-sg-teacher/sections".to_owned(),
            "POST /v1.0/me/notes/sectiongroups/1-sg-teacher/sections".to_owned(),
            "POST /v1.0/me/notes/sections/1-s-handouts/pages".to_owned(),
            distribute.clone(),
            distribute,
            "POST /v1.0/me/notes/sections/1-s-quizzes/permissions".to_owned(),
        ]
    );
    assert_eq!(
        json_body(&sent[0])["hasTeacherOnlySectionGroup"],
        json!(true)
    );
    let content_type = sent[4]
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    assert_eq!(
        json_body(&sent[5]),
        json!({
            "studentUserPrincipalName": "student1@contoso.com",
            "lockStartDate": "2027-03-01T17:00:00Z",
            "targetSectionName": "Handouts"
        })
    );
    assert_eq!(
        json_body(&sent[7]),
        json!({ "userRole": "Contributor", "userId": "coteacher@contoso.com" })
    );
}

#[test]
fn readme_shows_this_workflow() {
    let this = include_str!("teacher_workflow.rs");
    let start = this.find("// README: begin\n").unwrap() + "// README: begin\n".len();
    let end = this.find("// README: end").unwrap();
    let readme = include_str!("../../README.md");
    assert!(
        readme.contains(&this[start..end]),
        "README.md's teacher workflow must be `mod workflow` of tests/tests/teacher_workflow.rs, \
         character for character: copy it from there"
    );
}
