//! Tenants from code or seed files: seeded class notebooks are made as the API makes them,
//! sites answer `FromUrl` only when indexed, and a bad seed says where it is wrong.

use onenote_api::ErrorCode;
use onenote_fake::{
    ClassSeed, FakeOneNote, LocationSeed, ManualClock, NotebookSeed, Role, SectionSeed, Site,
    Tenant, User,
};

use crate::harness::{STUDENTS, TEACHER, builder, client, start};

#[tokio::test]
async fn a_seeded_class_notebook_is_made_as_the_api_makes_it() {
    let tenant = Tenant::new("fabrikam.edu")
        .user(User::new("lee@fabrikam.edu", "Ms Lee"))
        .user(User::new("sam@fabrikam.edu", "Sam"))
        .notebook(
            NotebookSeed::new("Physics", LocationSeed::User("lee@fabrikam.edu".into()))
                .id("1-00000000-0000-4000-8000-000000000001")
                .class(ClassSeed {
                    student_sections: vec!["Labs".into()],
                    teachers: vec!["lee@fabrikam.edu".into()],
                    students: vec!["sam@fabrikam.edu".into()],
                    has_teacher_only_section_group: true,
                })
                .section(SectionSeed::new("Syllabus")),
        );
    let clock = ManualClock::new();
    let fake = builder(&clock).tenant(tenant).start().await.unwrap();
    let id = "1-00000000-0000-4000-8000-000000000001";
    let state = fake.state();
    let group = state.student_section_group(id, "sam@fabrikam.edu").unwrap();
    assert_eq!(group.name, "Sam");
    assert_eq!(state.sections_in(&group.id)[0].name, "Labs");
    assert_eq!(state.sections_in(id)[0].name, "Syllabus");
    assert_eq!(
        state.role("sam@fabrikam.edu", &group.id),
        Some(Role::Contributor)
    );
    assert_eq!(state.role("lee@fabrikam.edu", id), Some(Role::Owner));
    let listed = client(&fake, "lee@fabrikam.edu")
        .me()
        .class_notebooks()
        .list()
        .send()
        .await
        .unwrap();
    assert_eq!(listed.value[0].id.as_deref(), Some(id));
}

#[tokio::test]
async fn from_url_finds_indexed_sites_only_and_only_for_their_members() {
    let (fake, _clock) = start().await;
    let teacher = client(&fake, TEACHER);
    let found = teacher
        .site_metadata_from_url("https://contoso.sharepoint.com/sites/math")
        .send()
        .await
        .unwrap();
    assert_eq!(
        found.site_collection_id,
        "09d1a587-a84b-4264-3d15-669429be8cc5"
    );
    assert_eq!(found.site_id, "d9e4d5c8-683f-4363-89ae-18c4e3da91e9");
    let fresh = teacher
        .site_metadata_from_url("https://contoso.sharepoint.com/sites/new-site")
        .send()
        .await
        .unwrap_err();
    assert_eq!(fresh.status(), Some(404));
    assert_eq!(fresh.code(), Some(ErrorCode::SiteMetadataUnavailable));
    let outsider = client(&fake, "admin@contoso.com")
        .site_metadata_from_url("https://contoso.sharepoint.com/sites/math")
        .send()
        .await
        .unwrap_err();
    assert_eq!(outsider.status(), Some(403));
    // The ids are a location: a class notebook made there is the site's.
    let made = teacher
        .site(&found.site_collection_id, &found.site_id)
        .class_notebooks()
        .create(
            onenote_api::CreateClassNotebook::new("Math 101")
                .with_students(vec![crate::harness::person(STUDENTS[0])]),
        )
        .send()
        .await
        .unwrap();
    let state = fake.state();
    let notebook = state.notebook(made.id.as_deref().unwrap()).unwrap();
    assert_eq!(
        notebook.container,
        onenote_fake::Container::Site {
            collection: found.site_collection_id.clone(),
            site: found.site_id.clone()
        }
    );
    assert!(
        made.links
            .and_then(|l| l.one_note_web_url)
            .and_then(|u| u.href)
            .unwrap()
            .starts_with("https://contoso.sharepoint.com/sites/math/SiteAssets/Math%20101")
    );
}

#[tokio::test]
async fn a_bad_tenant_does_not_start_and_says_where_it_is_wrong() {
    let tenant = Tenant::new("x.com")
        .user(User::new("a@x.com", "A"))
        .site(Site::new("https://x.sharepoint.com/s", "c", "s").members(["b@x.com"]));
    let error = FakeOneNote::builder()
        .tenant(tenant)
        .start()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "tenant: sites[0].members[0]: \"b@x.com\" is not one of the tenant's users"
    );
    let dir = std::env::temp_dir().join(format!("onenote-fake-seed-{}.json", std::process::id()));
    std::fs::write(
        &dir,
        "{ \"users\": [ { \"upn\": \"a@x.com\", \"displayName\": 3 } ] }",
    )
    .unwrap();
    let error = FakeOneNote::builder()
        .seed_file(&dir)
        .start()
        .await
        .unwrap_err();
    let _ = std::fs::remove_file(&dir);
    let text = error.to_string();
    assert!(text.contains(".json:1:"), "{text}");
    assert!(
        text.contains("invalid type: integer `3`, expected a string"),
        "{text}"
    );
}

/// 001 and 002, "Use the FromUrl method": `GET …/myOrganization/siteCollections/FromUrl(url=
/// '{full-path-to-SharePoint-site}')` with an absolute site URL in the literal, as the documents
/// write it; the percent-encoded literal is the same request.
#[tokio::test]
async fn from_url_takes_the_site_url_as_the_documents_write_it_and_percent_encoded() {
    let (fake, _clock) = start().await;
    for literal in [
        "https://contoso.sharepoint.com/sites/math",
        "https:%2F%2Fcontoso.sharepoint.com%2Fsites%2Fmath",
        "https%3A%2F%2Fcontoso.sharepoint.com%2Fsites%2Fmath",
    ] {
        let path = format!("/v1.0/myOrganization/siteCollections/FromUrl(url='{literal}')");
        let answer = crate::harness::send(&fake, "GET", &path, TEACHER, None).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.json());
        assert_eq!(
            answer.json()["siteCollectionId"],
            "09d1a587-a84b-4264-3d15-669429be8cc5"
        );
    }
    // The client sends the documented form.
    fake.clear_journal();
    client(&fake, TEACHER)
        .site_metadata_from_url("https://contoso.sharepoint.com/sites/math")
        .send()
        .await
        .unwrap();
    assert_eq!(
        fake.journal()[0].path,
        "/api/v1.0/myOrganization/siteCollections/FromUrl(url='https://contoso.sharepoint.com/sites/math')"
    );
}
