//! Wire tests for the class-notebook calls (inventory rows 1–15): the exact request each
//! call sends and how it decodes the answer, using the documents' own example values.

use onenote_api::{
    ClassNotebookUpdate, CopySectionsToContentLibrary, CreateClassNotebook,
    DistributePageToStudent, Language, Principal, PrincipalType,
};
use serde_json::json;
use tests::wire::{Expected, assert_request, client, only_request, server_answering};
use wiremock::ResponseTemplate;

fn person(upn: &str) -> Principal {
    Principal::new(upn, PrincipalType::Person)
}

/// The documents' create example: Math 101, four sections, one teacher, four students.
fn math_101() -> CreateClassNotebook {
    CreateClassNotebook::new("Math 101")
        .with_student_sections(vec![
            "Handouts".to_owned(),
            "Class Notes".to_owned(),
            "Homework".to_owned(),
            "Quizzes".to_owned(),
        ])
        .with_teachers(vec![person("teacher1@contoso.com")])
        .with_students(vec![
            person("student1@contoso.com"),
            person("student2@contoso.com"),
            person("student3@contoso.com"),
            person("student4@contoso.com"),
        ])
        .with_has_teacher_only_section_group(true)
}

fn math_101_json() -> serde_json::Value {
    json!({
        "name": "Math 101",
        "studentSections": ["Handouts", "Class Notes", "Homework", "Quizzes"],
        "teachers": [{ "id": "teacher1@contoso.com", "principalType": "Person" }],
        "students": [
            { "id": "student1@contoso.com", "principalType": "Person" },
            { "id": "student2@contoso.com", "principalType": "Person" },
            { "id": "student3@contoso.com", "principalType": "Person" },
            { "id": "student4@contoso.com", "principalType": "Person" }
        ],
        "hasTeacherOnlySectionGroup": true
    })
}

#[tokio::test]
async fn create_class_notebook_posts_math_101_and_decodes_the_notebook() {
    let created = json!({
        "@odata.context": "https://www.onenote.com/api/v1.0/$metadata#users('teacher1%40contoso.com')/notes/classNotebooks/$entity",
        "id": "1-b68a21fd-cdb3-41f1-a566-0772872a8a0c",
        "name": "Math 101",
        "createdTime": "2016-08-22T23:29:13.13Z",
        "isDefault": false,
        "userRole": "Owner",
        "studentSections": ["Handouts", "Class Notes", "Homework", "Quizzes"],
        "teachers": [{ "id": "teacher1@contoso.com", "principalType": "Person" }],
        "students": [{ "id": "student1@contoso.com", "principalType": "Person" }],
        "hasTeacherOnlySectionGroup": true,
        "links": { "oneNoteWebUrl": { "href": "https://contoso.sharepoint.com/Math%20101" } }
    });
    let server = server_answering(ResponseTemplate::new(201).set_body_json(created)).await;

    let notebook = client(&server)
        .user("teacher1@contoso.com")
        .class_notebooks()
        .create(math_101())
        .send_email(true)
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "POST",
            target: "/v1.0/users/teacher1%40contoso.com/notes/classNotebooks?sendemail=true",
            body: Some(math_101_json()),
            respond_async: false,
        },
    );
    assert_eq!(
        notebook.id.as_deref(),
        Some("1-b68a21fd-cdb3-41f1-a566-0772872a8a0c")
    );
    assert_eq!(notebook.name.as_deref(), Some("Math 101"));
    assert_eq!(
        notebook.created_time.map(|t| t.to_string()).as_deref(),
        Some("2016-08-22T23:29:13.13Z")
    );
    assert_eq!(notebook.user_role, Some(onenote_api::UserRole::Owner));
    assert_eq!(notebook.has_teacher_only_section_group, Some(true));
    assert_eq!(
        notebook
            .links
            .and_then(|l| l.one_note_web_url)
            .and_then(|l| l.href)
            .as_deref(),
        Some("https://contoso.sharepoint.com/Math%20101")
    );
}

#[tokio::test]
async fn create_class_notebook_sends_the_language_exactly_as_documented() {
    let server = server_answering(ResponseTemplate::new(201).set_body_json(json!({}))).await;

    client(&server)
        .me()
        .class_notebooks()
        .create(CreateClassNotebook::new("Srpski 1"))
        .omkt(Language::SrLatnRs)
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "POST",
            target: "/v1.0/me/notes/classNotebooks?omkt=sr-Latn-RS",
            body: Some(json!({ "name": "Srpski 1" })),
            respond_async: false,
        },
    );
}

#[tokio::test]
async fn update_class_notebook_patches_only_the_teacher_only_flag() {
    let server = server_answering(ResponseTemplate::new(204)).await;

    client(&server)
        .user("teacher1@contoso.com")
        .class_notebook("1-b68a21fd-cdb3-41f1-a566-0772872a8a0c")
        .update(ClassNotebookUpdate::new(true))
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "PATCH",
            target: "/v1.0/users/teacher1%40contoso.com/notes/classNotebooks/1-b68a21fd-cdb3-41f1-a566-0772872a8a0c",
            body: Some(json!({ "hasTeacherOnlySectionGroup": true })),
            respond_async: false,
        },
    );
}

#[tokio::test]
async fn list_class_notebooks_sends_the_documented_filter_and_decodes_the_page() {
    let page = json!({
        "@odata.context": "https://www.onenote.com/api/v1.0/$metadata#users('teacher1%40contoso.com')/notes/classNotebooks",
        "@odata.count": 1,
        "value": [{ "id": "1-b68a21fd-cdb3-41f1-a566-0772872a8a0c", "name": "Math 101" }]
    });
    let server = server_answering(ResponseTemplate::new(200).set_body_json(page)).await;

    let page = client(&server)
        .user("teacher1@contoso.com")
        .class_notebooks()
        .list()
        .filter("createdTime ge 2016-01-01")
        .orderby("name asc")
        .expand(["teachers", "students"])
        .top(10)
        .skip(20)
        .count(true)
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "GET",
            target: "/v1.0/users/teacher1%40contoso.com/notes/classNotebooks?$filter=createdTime%20ge%202016-01-01&$orderby=name%20asc&$top=10&$skip=20&$expand=teachers,students&$count=true",
            body: None,
            respond_async: false,
        },
    );
    assert_eq!(page.count, Some(1));
    assert_eq!(page.next_link, None);
    assert_eq!(page.value[0].name.as_deref(), Some("Math 101"));
}

#[tokio::test]
async fn get_class_notebook_sends_select_and_expand() {
    let server = server_answering(
        ResponseTemplate::new(200).set_body_json(json!({ "id": "1-b68a", "name": "Math 101" })),
    )
    .await;

    let notebook = client(&server)
        .me()
        .class_notebook("1-b68a21fd-cdb3-41f1-a566-0772872a8a0c")
        .get()
        .select(["id", "name"])
        .expand(["teachers"])
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "GET",
            target: "/v1.0/me/notes/classNotebooks/1-b68a21fd-cdb3-41f1-a566-0772872a8a0c?$select=id,name&$expand=teachers",
            body: None,
            respond_async: false,
        },
    );
    assert_eq!(notebook.name.as_deref(), Some("Math 101"));
}

#[tokio::test]
async fn delete_class_notebook_sends_delete_without_a_body() {
    let server = server_answering(ResponseTemplate::new(204)).await;

    client(&server)
        .user("teacher1@contoso.com")
        .class_notebook("1-b68a21fd-cdb3-41f1-a566-0772872a8a0c")
        .delete()
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "DELETE",
            target: "/v1.0/users/teacher1%40contoso.com/notes/classNotebooks/1-b68a21fd-cdb3-41f1-a566-0772872a8a0c",
            body: None,
            respond_async: false,
        },
    );
}

#[tokio::test]
async fn add_student_posts_one_principal_and_decodes_the_added_student() {
    let server = server_answering(
        ResponseTemplate::new(201)
            .set_body_json(json!({ "id": "student1@contoso.com", "principalType": "Person" })),
    )
    .await;

    let added = client(&server)
        .me()
        .class_notebook("1-b68a21fd-cdb3-41f1-a566-0772872a8a0c")
        .students()
        .add(person("student1@contoso.com"))
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "POST",
            target: "/v1.0/me/notes/classNotebooks/1-b68a21fd-cdb3-41f1-a566-0772872a8a0c/students",
            body: Some(json!({ "id": "student1@contoso.com", "principalType": "Person" })),
            respond_async: false,
        },
    );
    assert_eq!(added, person("student1@contoso.com"));
}

#[tokio::test]
async fn add_teacher_posts_the_documented_teacher() {
    let server = server_answering(
        ResponseTemplate::new(201)
            .set_body_json(json!({ "id": "teacher2@contoso.com", "principalType": "Person" })),
    )
    .await;

    let added = client(&server)
        .user("teacher1@contoso.com")
        .class_notebook("1-b68a21fd-cdb3-41f1-a566-0772872a8a0c")
        .teachers()
        .add(person("teacher2@contoso.com"))
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "POST",
            target: "/v1.0/users/teacher1%40contoso.com/notes/classNotebooks/1-b68a21fd-cdb3-41f1-a566-0772872a8a0c/teachers",
            body: Some(json!({ "id": "teacher2@contoso.com", "principalType": "Person" })),
            respond_async: false,
        },
    );
    assert_eq!(added.principal_type, PrincipalType::Person);
}

#[tokio::test]
async fn remove_student_deletes_by_user_principal_name() {
    let server = server_answering(ResponseTemplate::new(204)).await;

    client(&server)
        .user("teacher1@contoso.com")
        .class_notebook("1-b68a21fd-cdb3-41f1-a566-0772872a8a0c")
        .student("student1@contoso.com")
        .remove()
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "DELETE",
            target: "/v1.0/users/teacher1%40contoso.com/notes/classNotebooks/1-b68a21fd-cdb3-41f1-a566-0772872a8a0c/students/student1%40contoso.com",
            body: None,
            respond_async: false,
        },
    );
}

#[tokio::test]
async fn remove_teacher_deletes_by_user_principal_name() {
    let server = server_answering(ResponseTemplate::new(204)).await;

    client(&server)
        .me()
        .class_notebook("1-b68a21fd-cdb3-41f1-a566-0772872a8a0c")
        .teacher("teacher2@contoso.net")
        .remove()
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "DELETE",
            target: "/v1.0/me/notes/classNotebooks/1-b68a21fd-cdb3-41f1-a566-0772872a8a0c/teachers/teacher2%40contoso.net",
            body: None,
            respond_async: false,
        },
    );
}

#[tokio::test]
async fn copy_sections_to_content_library_posts_the_documented_section_ids() {
    let server = server_answering(ResponseTemplate::new(201)).await;

    client(&server)
        .me()
        .class_notebook("1-b68a21fd-cdb3-41f1-a566-0772872a8a0c")
        .copy_sections_to_content_library(CopySectionsToContentLibrary::new(vec![
            "1-85ba33b1-4959-4102-8dcd-d98e4e56e56f".to_owned(),
            "1-8ba42j81-4959-4102-8dcd-d98e4e94s62ef".to_owned(),
        ]))
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "POST",
            target: "/v1.0/me/notes/classNotebooks/1-b68a21fd-cdb3-41f1-a566-0772872a8a0c/copySectionsToContentLibrary",
            body: Some(json!({
                "sectionIds": [
                    "1-85ba33b1-4959-4102-8dcd-d98e4e56e56f",
                    "1-8ba42j81-4959-4102-8dcd-d98e4e94s62ef"
                ]
            })),
            respond_async: false,
        },
    );
}

#[tokio::test]
async fn distribute_page_to_student_puts_the_page_id_in_an_odata_literal() {
    let server = server_answering(ResponseTemplate::new(200).set_body_json(json!({
        "@odata.context": "https://www.onenote.com/api/v1.0/$metadata#Edm.String",
        "value": "1-0c7b3c6f1b3d4b8f9f7e6a5d4c3b2a19!12-d39b2f49-a8fc-4c92-894b-32a4c27595bb"
    })))
    .await;

    let copy = client(&server)
        .me()
        .class_notebook("1-b60795e6-0345-4893-a878-ce365d246651")
        .distribute_page_to_student(
            "1-b168ad794f2f469b8de2696dd737d2b3!69-d39b2f49-a8fc-4c92-894b-32a4c27595bb",
            DistributePageToStudent::new(
                "student1@contoso.net",
                "2018-12-15T23:17:16Z".parse().unwrap(),
                "quizes",
            )
            .with_assignment_id("4cb4f3d3-d7fd-463b-beb5-526dafb7241d")
            .with_ignore_if_student_page_exists(true),
        )
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "POST",
            target: "/v1.0/me/notes/classNotebooks/1-b60795e6-0345-4893-a878-ce365d246651/pages('1-b168ad794f2f469b8de2696dd737d2b3!69-d39b2f49-a8fc-4c92-894b-32a4c27595bb')/Microsoft.OneNote.Api.DistributePageToStudent",
            body: Some(json!({
                "studentUserPrincipalName": "student1@contoso.net",
                "lockStartDate": "2018-12-15T23:17:16Z",
                "targetSectionName": "quizes",
                "assignmentId": "4cb4f3d3-d7fd-463b-beb5-526dafb7241d",
                "ignoreIfStudentPageExists": true
            })),
            respond_async: false,
        },
    );
    assert_eq!(
        copy.value.as_deref(),
        Some("1-0c7b3c6f1b3d4b8f9f7e6a5d4c3b2a19!12-d39b2f49-a8fc-4c92-894b-32a4c27595bb")
    );
}

#[tokio::test]
async fn update_membership_posts_the_action_on_the_group_location() {
    let server = server_answering(ResponseTemplate::new(204)).await;

    client(&server)
        .group("1d13f814-83e5-4c11-8294-53bf40defd91")
        .class_notebooks()
        .update_membership()
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "POST",
            target: "/v1.0/myOrganization/groups/1d13f814-83e5-4c11-8294-53bf40defd91/notes/classNotebooks/Microsoft.OneNote.Api.UpdateMembership",
            body: None,
            respond_async: false,
        },
    );
}

#[tokio::test]
async fn repair_notebook_posts_the_action_without_a_body() {
    let server = server_answering(ResponseTemplate::new(204)).await;

    client(&server)
        .me()
        .class_notebook("1-b60795e6-0345-4893-a878-ce365d246651")
        .repair()
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "POST",
            target: "/v1.0/me/notes/classNotebooks/1-b60795e6-0345-4893-a878-ce365d246651/Microsoft.OneNote.Api.RepairNotebook",
            body: None,
            respond_async: false,
        },
    );
}
