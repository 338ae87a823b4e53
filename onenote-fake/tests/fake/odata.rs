//! OData on class notebooks: `$filter` on strings, booleans and dates with and/or, the default
//! `name asc` order, `$select`, `$expand`, `$top`/`$skip`/`$count`, and paging that the
//! client's stream walks; anything unsupported is a 400 that says so.

use std::time::Duration;

use onenote_api::{ClassNotebook, CreateClassNotebook, ErrorCode};

use crate::harness::{STUDENTS, TEACHER, builder, client, collect, person, send};

/// The names of a page of class notebooks.
fn names(notebooks: &[ClassNotebook]) -> Vec<&str> {
    notebooks.iter().filter_map(|n| n.name.as_deref()).collect()
}

#[tokio::test]
async fn lists_filter_order_select_expand_and_count() {
    let clock = onenote_fake::ManualClock::new();
    let fake = builder(&clock).start().await.unwrap();
    let teacher = client(&fake, TEACHER);
    // One a day, created out of name order: Biology on day 0, Algebra on day 1, Chemistry 2.
    for (name, with_teacher_only) in [("Biology", true), ("algebra", false), ("Chemistry", true)] {
        teacher
            .me()
            .class_notebooks()
            .create(
                CreateClassNotebook::new(name)
                    .with_teachers(vec![person(TEACHER)])
                    .with_students(vec![person(STUDENTS[0])])
                    .with_has_teacher_only_section_group(with_teacher_only),
            )
            .send()
            .await
            .unwrap();
        clock.advance(Duration::from_secs(24 * 3600));
    }
    let list = || teacher.me().class_notebooks().list();

    let all = list().send().await.unwrap();
    assert_eq!(
        names(&all.value),
        ["algebra", "Biology", "Chemistry"],
        "name asc, any case"
    );
    assert!(
        all.value[0].teachers.is_none(),
        "teachers only with $expand"
    );

    let recent = list()
        .filter("createdTime ge 2018-02-26")
        .send()
        .await
        .unwrap();
    assert_eq!(names(&recent.value), ["algebra", "Chemistry"]);
    let window = list()
        .filter("createdTime gt 2018-02-25T23:17:16Z and createdTime lt 2018-02-27T00:00:00Z")
        .send()
        .await
        .unwrap();
    assert_eq!(names(&window.value), ["algebra"]);
    let either = list()
        .filter("name eq 'Biology' or (hasTeacherOnlySectionGroup eq false and name ne 'x')")
        .send()
        .await
        .unwrap();
    assert_eq!(names(&either.value), ["algebra", "Biology"]);

    let newest_first = list().orderby("createdTime desc").send().await.unwrap();
    assert_eq!(
        names(&newest_first.value),
        ["Chemistry", "algebra", "Biology"]
    );

    let counted = list().top(1).skip(1).count(true).send().await.unwrap();
    assert_eq!(counted.count, Some(3));
    assert_eq!(names(&counted.value), ["Biology"]);
    assert_eq!(counted.next_link, None, "$top=1 is all of it");

    let expanded = list()
        .expand(["teachers", "students"])
        .send()
        .await
        .unwrap();
    let students = expanded.value[0].students.clone().unwrap();
    assert_eq!(students[0].id, STUDENTS[0]);

    let selected = send(
        &fake,
        "GET",
        "/v1.0/me/notes/classNotebooks?$select=name,userRole",
        TEACHER,
        None,
    )
    .await;
    let first = selected.json()["value"][0].clone();
    assert_eq!(
        first,
        serde_json::json!({ "name": "algebra", "userRole": "Owner" })
    );
}

#[tokio::test]
async fn pages_link_to_the_next_and_the_client_streams_them_all() {
    let clock = onenote_fake::ManualClock::new();
    let fake = builder(&clock).page_size(4).start().await.unwrap();
    let teacher = client(&fake, TEACHER);
    for n in (1..=10).rev() {
        teacher
            .me()
            .class_notebooks()
            .create(CreateClassNotebook::new(format!("Class {n:02}")))
            .send()
            .await
            .unwrap();
    }
    let first = teacher.me().class_notebooks().list().send().await.unwrap();
    assert_eq!(
        names(&first.value),
        ["Class 01", "Class 02", "Class 03", "Class 04"]
    );
    let next = first.next_link.unwrap();
    assert_eq!(
        next,
        format!("{}/v1.0/me/notes/classNotebooks?$skip=4", fake.base_url())
    );
    let streamed: Vec<ClassNotebook> =
        collect(teacher.me().class_notebooks().list().stream()).await;
    let names: Vec<String> = streamed.into_iter().filter_map(|n| n.name).collect();
    let expected: Vec<String> = (1..=10).map(|n| format!("Class {n:02}")).collect();
    assert_eq!(names, expected);
    // $top bounds the whole listing, pages included.
    let topped = teacher
        .me()
        .class_notebooks()
        .list()
        .top(6)
        .filter("name ne 'Class 01'")
        .send()
        .await
        .unwrap();
    assert_eq!(topped.value.len(), 4);
    let link = topped.next_link.unwrap();
    assert!(
        link.ends_with("?$filter=name%20ne%20%27Class%2001%27&$skip=4&$top=2"),
        "{link}"
    );
}

#[tokio::test]
async fn the_documents_filter_without_a_dollar_works() {
    let clock = onenote_fake::ManualClock::new();
    let fake = builder(&clock).start().await.unwrap();
    crate::harness::class_notebook(&fake, "Math 101", &[]).await;
    let listed = send(
        &fake,
        "GET",
        "/v1.0/users/teacher1%40contoso.com/notes/classNotebooks?filter=createdTime%20ge%202016-01-01",
        TEACHER,
        None,
    )
    .await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json()["value"][0]["name"], "Math 101");
    assert_eq!(
        listed.json()["@odata.context"],
        format!(
            "{}/v1.0/$metadata#users('teacher1@contoso.com')/notes/classNotebooks",
            fake.base_url()
        )
    );
}

#[tokio::test]
async fn unsupported_queries_get_a_400_that_says_what_is_wrong() {
    let clock = onenote_fake::ManualClock::new();
    let fake = builder(&clock).start().await.unwrap();
    let list = || client(&fake, TEACHER).me().class_notebooks().list();
    let cases = [
        ("contains(name,'Math')", ErrorCode::UnsupportedQueryOperator),
        ("not isShared eq true", ErrorCode::UnsupportedQueryOperator),
        ("name eq Math", ErrorCode::ODataSyntaxError),
        ("owner eq 'x'", ErrorCode::PropertyNotFound),
        ("createdTime ge '2016-01-01'", ErrorCode::ODataSyntaxError),
    ];
    for (filter, code) in cases {
        let error = list().filter(filter).send().await.unwrap_err();
        assert_eq!(error.status(), Some(400), "{filter}");
        assert_eq!(error.code(), Some(code), "{filter}: {error}");
    }
    let error = list()
        .filter("contains(name,'Math')")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.message(),
        Some(
            "$filter: the function 'contains()' is not supported; the fake takes comparisons \
             (eq, ne, gt, ge, lt, le) joined by and/or."
        )
    );
    // What the operation's table refuses (an order that is not its properties', an expansion it
    // does not take) the client refuses before sending, and the fake with the same code and
    // message.
    let sorted = list().orderby("name sideways").send().await.unwrap_err();
    let expand = list().expand(["sections"]).send().await.unwrap_err();
    for (refused, query, code) in [
        (sorted, "$orderby=name%20sideways", "20128"),
        (expand, "$expand=sections", "20101"),
    ] {
        assert_eq!(refused.kind(), onenote_api::ErrorKind::InvalidRequest);
        assert_eq!(refused.code(), Some(ErrorCode::from(code)), "{query}");
        let answer = send(
            &fake,
            "GET",
            &format!("/v1.0/me/notes/classNotebooks?{query}"),
            TEACHER,
            None,
        )
        .await;
        assert_eq!(answer.status, 400, "{query}");
        assert_eq!(answer.json()["error"]["code"], code, "{query}");
        let message = answer.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            refused.to_string(),
            format!("listClassNotebooks: {message}")
        );
    }
}
