//! Permissions as the documents define them: inherited by children, the most permissive role
//! wins, GET shows the highest role per principal, POST appends and never lowers, DELETE
//! removes from every child, only an Owner manages them; students see only their own section
//! group.

use onenote_api::{CreatePermission, ErrorCode, UserRole};
use onenote_fake::{Grantee, Role};

use crate::harness::{
    FRACTIONS, GROUP, STUDENTS, TEACHER, TEACHER2, class_notebook, client, send, start,
};

/// teacher1's "Lesson Plans" in the demo tenant (the documents' notebook id).
const LESSONS: &str = "1-313dc828-dd55-4c71-82c3-f9c30a40e7c5";

fn grant(role: UserRole, user: &str) -> CreatePermission {
    CreatePermission::new(role, user)
}

/// (userId, userRole) of a permissions listing, sorted.
async fn listing(client: &onenote_api::Client, section: bool) -> Vec<(String, String)> {
    let page = if section {
        client
            .me()
            .section(FRACTIONS)
            .permissions()
            .list()
            .send()
            .await
    } else {
        client
            .me()
            .notebook(LESSONS)
            .permissions()
            .list()
            .send()
            .await
    };
    let mut entries: Vec<(String, String)> = page
        .unwrap()
        .value
        .into_iter()
        .map(|p| {
            (
                p.user_id.unwrap_or_default(),
                p.user_role
                    .map(|r| r.as_str().to_owned())
                    .unwrap_or_default(),
            )
        })
        .collect();
    entries.sort();
    entries
}

#[tokio::test]
async fn roles_are_inherited_and_get_shows_the_highest_per_principal() {
    let (fake, _clock) = start().await;
    let teacher = client(&fake, TEACHER);
    teacher
        .me()
        .notebook(LESSONS)
        .permissions()
        .create(grant(UserRole::Reader, STUDENTS[0]))
        .send()
        .await
        .unwrap();
    let claims = |upn: &str| format!("i:0#.f|membership|{upn}");
    assert_eq!(
        listing(&teacher, true).await,
        [
            (claims(STUDENTS[0]), "Reader".to_owned()),
            (claims(TEACHER), "Owner".to_owned())
        ],
        "the section inherits the notebook's permissions"
    );
    teacher
        .me()
        .section(FRACTIONS)
        .permissions()
        .create(grant(UserRole::Contributor, STUDENTS[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(
        listing(&teacher, true).await[0],
        (claims(STUDENTS[0]), "Contributor".to_owned())
    );
    assert_eq!(
        listing(&teacher, false).await[0],
        (claims(STUDENTS[0]), "Reader".to_owned())
    );
    let state = fake.state();
    assert_eq!(state.role(STUDENTS[0], FRACTIONS), Some(Role::Contributor));
    assert_eq!(state.role(STUDENTS[0], LESSONS), Some(Role::Reader));
}

#[tokio::test]
async fn post_appends_a_role_and_never_lowers_one() {
    let (fake, _clock) = start().await;
    let permissions = client(&fake, TEACHER).me().notebook(LESSONS).permissions();
    permissions
        .create(grant(UserRole::Contributor, STUDENTS[0]))
        .send()
        .await
        .unwrap();
    let lowered = permissions
        .create(grant(UserRole::Reader, STUDENTS[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(
        lowered.user_role,
        Some(UserRole::Contributor),
        "the highest role is honoured"
    );
    assert_eq!(
        fake.state().role(STUDENTS[0], LESSONS),
        Some(Role::Contributor)
    );
    let raised = permissions
        .create(grant(UserRole::Owner, STUDENTS[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(raised.user_role, Some(UserRole::Owner));
    assert_eq!(fake.state().role(STUDENTS[0], FRACTIONS), Some(Role::Owner));
}

#[tokio::test]
async fn delete_removes_a_permission_from_every_child() {
    let (fake, _clock) = start().await;
    let teacher = client(&fake, TEACHER);
    let notebook = teacher.me().notebook(LESSONS).permissions();
    let made = notebook
        .create(grant(UserRole::Reader, STUDENTS[0]))
        .send()
        .await
        .unwrap();
    teacher
        .me()
        .section(FRACTIONS)
        .permissions()
        .create(grant(UserRole::Contributor, STUDENTS[0]))
        .send()
        .await
        .unwrap();
    let id = made.id.unwrap();
    assert_eq!(id, "1-13", "1-{{member id}}: the fourth user of the tenant");
    teacher
        .me()
        .notebook(LESSONS)
        .permission(&id)
        .delete()
        .send()
        .await
        .unwrap();
    let state = fake.state();
    assert_eq!(state.role(STUDENTS[0], LESSONS), None);
    assert_eq!(state.role(STUDENTS[0], FRACTIONS), None);
    assert!(
        !state
            .grants_on(FRACTIONS)
            .contains_key(&Grantee::user(STUDENTS[0]))
    );
    let missing = teacher
        .me()
        .notebook(LESSONS)
        .permission(&id)
        .get()
        .send()
        .await
        .unwrap_err();
    assert_eq!(missing.status(), Some(404));
}

#[tokio::test]
async fn only_an_owner_lists_creates_reads_or_deletes_permissions() {
    let (fake, _clock) = start().await;
    let teacher = client(&fake, TEACHER);
    teacher
        .me()
        .notebook(LESSONS)
        .permissions()
        .create(grant(UserRole::Contributor, TEACHER2))
        .send()
        .await
        .unwrap();
    let contributor = client(&fake, TEACHER2).user(TEACHER).notebook(LESSONS);
    let listed = contributor.permissions().list().send().await.unwrap_err();
    assert_eq!(listed.status(), Some(403));
    assert_eq!(listed.code(), Some(ErrorCode::AccessDenied));
    assert_eq!(
        listed.message(),
        Some(
            "teacher2@contoso.com has the role Contributor here; listing permissions needs Owner."
        )
    );
    let created = contributor
        .permissions()
        .create(grant(UserRole::Owner, TEACHER2))
        .send()
        .await
        .unwrap_err();
    assert_eq!(created.status(), Some(403));
    assert_eq!(
        fake.state().role(TEACHER2, LESSONS),
        Some(Role::Contributor),
        "nothing changed"
    );
    assert_eq!(
        contributor
            .permission("1-11")
            .get()
            .send()
            .await
            .unwrap_err()
            .status(),
        Some(403)
    );
    assert_eq!(
        contributor
            .permission("1-11")
            .delete()
            .send()
            .await
            .unwrap_err()
            .status(),
        Some(403)
    );
    // Someone with no role at all does not learn that the notebook exists.
    let stranger = client(&fake, STUDENTS[3]).user(TEACHER).notebook(LESSONS);
    assert_eq!(
        stranger
            .permissions()
            .list()
            .send()
            .await
            .unwrap_err()
            .status(),
        Some(404)
    );
}

#[tokio::test]
async fn students_see_their_own_section_group_and_not_each_others() {
    let (fake, _clock) = start().await;
    let id = class_notebook(&fake, "Math 101", &STUDENTS[..2]).await;
    let state = fake.state();
    let own = state
        .student_section_group(&id, STUDENTS[0])
        .unwrap()
        .id
        .clone();
    let other = state
        .student_section_group(&id, STUDENTS[1])
        .unwrap()
        .id
        .clone();
    let student = client(&fake, STUDENTS[0]);
    let notebook = student
        .user(TEACHER)
        .class_notebook(&id)
        .get()
        .send()
        .await
        .unwrap();
    assert_eq!(notebook.name.as_deref(), Some("Math 101"));
    assert_eq!(
        notebook.user_role,
        Some(UserRole::Reader),
        "they hold roles only inside it"
    );
    let listed = student
        .user(TEACHER)
        .class_notebooks()
        .list()
        .send()
        .await
        .unwrap();
    assert_eq!(listed.value.len(), 1);
    let theirs = student
        .user(TEACHER)
        .section_group(&other)
        .permissions()
        .list()
        .send()
        .await;
    assert_eq!(
        theirs.unwrap_err().status(),
        Some(404),
        "another student's group is invisible"
    );
    let mine = student
        .user(TEACHER)
        .section_group(&own)
        .permissions()
        .list()
        .send()
        .await;
    assert_eq!(
        mine.unwrap_err().status(),
        Some(403),
        "visible, but only an Owner lists"
    );
    let outsider = client(&fake, STUDENTS[3])
        .user(TEACHER)
        .class_notebooks()
        .list()
        .send()
        .await;
    assert!(outsider.unwrap().value.is_empty());
}

#[tokio::test]
async fn claims_and_bare_names_are_the_same_principal_and_answers_use_claims() {
    let (fake, _clock) = start().await;
    let permissions = client(&fake, TEACHER).me().notebook(LESSONS).permissions();
    let by_claims = permissions
        .create(grant(
            UserRole::Reader,
            "i:0#.f|membership|student1@contoso.com",
        ))
        .send()
        .await
        .unwrap();
    let by_upn = permissions
        .create(grant(UserRole::Reader, "Student1@Contoso.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_claims.id, by_upn.id);
    assert_eq!(
        by_upn.user_id.as_deref(),
        Some("i:0#.f|membership|student1@contoso.com")
    );
    assert_eq!(
        by_upn.self_.as_deref(),
        Some(
            format!(
                "{}/v1.0/me/notes/notebooks/{LESSONS}/permissions/1-13",
                fake.base_url()
            )
            .as_str()
        )
    );
    let listed = permissions.list().send().await.unwrap();
    assert_eq!(listed.value.len(), 2, "one entry per principal");
}

#[tokio::test]
async fn a_groups_role_holds_for_its_members() {
    let (fake, _clock) = start().await;
    let made = client(&fake, TEACHER)
        .me()
        .notebook(LESSONS)
        .permissions()
        .create(grant(
            UserRole::Reader,
            &format!("c:0o.c|federateddirectoryclaimprovider|{GROUP}"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(made.name.as_deref(), Some("Math 101"));
    assert_eq!(made.id.as_deref(), Some("1-1000"));
    let state = fake.state();
    for student in STUDENTS {
        assert_eq!(
            state.role(student, FRACTIONS),
            Some(Role::Reader),
            "{student}"
        );
    }
    assert_eq!(state.role(TEACHER2, FRACTIONS), None);
}

#[tokio::test]
async fn unknown_principals_roles_and_options_are_refused_clearly() {
    let (fake, _clock) = start().await;
    let path = format!("/v1.0/me/notes/notebooks/{LESSONS}/permissions");
    let nobody = send(
        &fake,
        "POST",
        &path,
        TEACHER,
        Some(serde_json::json!({ "userRole": "Reader", "userId": "nobody@contoso.com" })),
    )
    .await;
    assert_eq!(nobody.status, 404);
    assert_eq!(nobody.json()["error"]["code"], "30109");
    let admin = send(
        &fake,
        "POST",
        &path,
        TEACHER,
        Some(serde_json::json!({ "userRole": "Admin", "userId": STUDENTS[0] })),
    )
    .await;
    assert_eq!(admin.status, 400);
    assert_eq!(
        admin.json()["error"]["message"],
        "`userRole` is \"Admin\", which is not one of: Owner, Contributor, Reader"
    );
    let expand = send(&fake, "GET", &format!("{path}?$expand=x"), TEACHER, None).await;
    assert_eq!(expand.status, 400);
    assert_eq!(expand.json()["error"]["code"], "20103");
    assert_eq!(
        fake.state().permissions(LESSONS).len(),
        1,
        "only teacher1's, from the library"
    );
}

/// A section group with one section in teacher1's "Lesson Plans"; returns their ids.
async fn unit_with_a_week(client: &onenote_api::Client) -> (String, String) {
    let me = client.me();
    let group = me
        .notebook(LESSONS)
        .section_groups()
        .create(onenote_api::CreateSectionGroup::new("Unit 1"))
        .send()
        .await
        .unwrap()
        .id
        .unwrap();
    let section = me
        .section_group(&group)
        .sections()
        .create(onenote_api::CreateSection::new("Week 1"))
        .send()
        .await
        .unwrap()
        .id
        .unwrap();
    (group, section)
}

/// 002, "Permissions, inheritance, and precedence": "if you want to restrict access, you must
/// first delete the more permissive permission and then create a new permission with the
/// restrictive access"; "When you delete a permission, it is deleted from all the OneNote
/// entities down the inheritance chain."
#[tokio::test]
async fn restricting_a_child_is_delete_then_create_and_the_parent_keeps_the_greater_role() {
    let (fake, _clock) = start().await;
    let teacher = client(&fake, TEACHER);
    let (unit, week) = unit_with_a_week(&teacher).await;
    let me = teacher.me();
    me.notebook(LESSONS)
        .permissions()
        .create(grant(UserRole::Contributor, TEACHER2))
        .send()
        .await
        .unwrap();
    // teacher2 is the tenant's third user: permission id 1-12.
    me.section_group(&unit)
        .permission("1-12")
        .delete()
        .send()
        .await
        .unwrap();
    let state = fake.state();
    assert_eq!(state.role(TEACHER2, &unit), None, "deleted there");
    assert_eq!(state.role(TEACHER2, &week), None, "and below");
    assert_eq!(state.role(TEACHER2, LESSONS), Some(Role::Contributor));
    assert_eq!(state.role(TEACHER2, FRACTIONS), Some(Role::Contributor));
    let gone = me
        .section_group(&unit)
        .permission("1-12")
        .get()
        .send()
        .await
        .unwrap_err();
    assert_eq!(gone.status(), Some(404));

    me.section_group(&unit)
        .permissions()
        .create(grant(UserRole::Reader, TEACHER2))
        .send()
        .await
        .unwrap();
    let state = fake.state();
    assert_eq!(state.role(TEACHER2, &unit), Some(Role::Reader));
    assert_eq!(state.role(TEACHER2, &week), Some(Role::Reader));
    assert_eq!(state.role(TEACHER2, LESSONS), Some(Role::Contributor));
    let shown = me
        .section_group(&unit)
        .permission("1-12")
        .get()
        .send()
        .await
        .unwrap();
    assert_eq!(shown.user_role, Some(UserRole::Reader));
    // The Reader cannot write in the unit, and still can beside it.
    let refused = client(&fake, TEACHER2)
        .user(TEACHER)
        .section_group(&unit)
        .sections()
        .create(onenote_api::CreateSection::new("Week 2"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(403));
}

/// 002, "Create or update permissions": "Permissions are applied to all OneNote entities down
/// the inheritance chain"; "Inheritance": "Entities inherit the permissions of their parent."
#[tokio::test]
async fn a_permission_pushed_down_reaches_children_made_later() {
    let (fake, _clock) = start().await;
    let teacher = client(&fake, TEACHER);
    teacher
        .me()
        .notebook(LESSONS)
        .permissions()
        .create(grant(UserRole::Reader, STUDENTS[0]))
        .send()
        .await
        .unwrap();
    let (unit, week) = unit_with_a_week(&teacher).await;
    let state = fake.state();
    assert_eq!(state.role(STUDENTS[0], &unit), Some(Role::Reader));
    assert_eq!(state.role(STUDENTS[0], &week), Some(Role::Reader));
}

/// 002, "Inheritance": "notebooks inherit the permissions of the document library that contains
/// the notebook"; the library's roles are not the notebook's to delete.
#[tokio::test]
async fn the_librarys_grants_are_listed_and_cannot_be_deleted_through_the_notebook() {
    let (fake, _clock) = start().await;
    let teacher = client(&fake, TEACHER);
    let notebook = teacher.me().notebook(LESSONS);
    let listed = notebook.permissions().list().send().await.unwrap();
    let own = listed
        .value
        .iter()
        .find(|p| p.user_id.as_deref() == Some("i:0#.f|membership|teacher1@contoso.com"))
        .expect("the OneDrive's owner is listed");
    assert_eq!(own.user_role, Some(UserRole::Owner));
    let refused = notebook
        .permission("1-11")
        .delete()
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(409));
    assert_eq!(
        refused.message(),
        Some(
            "Permission '1-11' (teacher1@contoso.com, Owner) comes from the document library \
             that holds this notebook, teacher1@contoso.com's OneDrive: it cannot be deleted \
             through the notebook. The OneDrive's owner always owns what is in it."
        )
    );
    assert_eq!(fake.state().role(TEACHER, LESSONS), Some(Role::Owner));
    notebook.get().send().await.unwrap();
}

/// 002, "Inheritance": a group notebook inherits the group site's library: the group's owners
/// are Owners, its members (the group) Contributors, as the tenant has them now; they are
/// managed in the group, not through the notebook.
#[tokio::test]
async fn a_group_notebook_holds_the_groups_owners_and_members_from_its_library() {
    let (fake, _clock) = start().await;
    let teacher = client(&fake, TEACHER);
    let id = teacher
        .group(GROUP)
        .notebooks()
        .create(onenote_api::CreateNotebook::new("Shared"))
        .send()
        .await
        .unwrap()
        .id
        .unwrap();
    let notebook = teacher.group(GROUP).notebook(&id);
    let mut listed: Vec<(String, String)> = notebook
        .permissions()
        .list()
        .send()
        .await
        .unwrap()
        .value
        .into_iter()
        .map(|p| {
            (
                p.user_id.unwrap_or_default(),
                p.user_role
                    .map(|r| r.as_str().to_owned())
                    .unwrap_or_default(),
            )
        })
        .collect();
    listed.sort();
    assert_eq!(
        listed,
        [
            (
                format!("c:0o.c|federateddirectoryclaimprovider|{GROUP}"),
                "Contributor".to_owned()
            ),
            (
                "i:0#.f|membership|teacher1@contoso.com".to_owned(),
                "Owner".to_owned()
            ),
        ]
    );
    let refused = notebook
        .permission("1-1000")
        .delete()
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(409));
    assert_eq!(
        refused.message(),
        Some(
            "Permission '1-1000' (the group 1d13f814-83e5-4c11-8294-53bf40defd91, Contributor) \
             comes from the document library that holds this notebook, the site of the group \
             'Math 101': it cannot be deleted through the notebook. Change the group's owners \
             and members instead (Azure AD, Microsoft 365 groups)."
        )
    );
    assert_eq!(fake.state().role(STUDENTS[0], &id), Some(Role::Contributor));
    // The library follows the group: student1 leaves it and holds nothing here any more.
    fake.set_group_membership(GROUP, [TEACHER], [STUDENTS[1]])
        .unwrap();
    assert_eq!(fake.state().role(STUDENTS[0], &id), None);
    assert_eq!(fake.state().role(STUDENTS[1], &id), Some(Role::Contributor));
}

/// 002, "Create or update permissions": "You can create or update only one permission per
/// request."
#[tokio::test]
async fn one_permission_is_created_per_request() {
    let (fake, _clock) = start().await;
    let path = format!("/v1.0/me/notes/notebooks/{LESSONS}/permissions");
    let two = send(
        &fake,
        "POST",
        &path,
        TEACHER,
        Some(serde_json::json!([
            { "userRole": "Reader", "userId": STUDENTS[0] },
            { "userRole": "Reader", "userId": STUDENTS[1] },
        ])),
    )
    .await;
    assert_eq!(two.status, 400);
    assert_eq!(two.json()["error"]["code"], "20126");
    assert_eq!(fake.state().permissions(LESSONS).len(), 1);
    let one = send(
        &fake,
        "POST",
        &path,
        TEACHER,
        Some(serde_json::json!({ "userRole": "Reader", "userId": STUDENTS[0] })),
    )
    .await;
    assert_eq!(one.status, 201);
}

/// 002, "Get permissions": `GET ../permissions[?filter,orderby,select,top,skip,count]`,
/// `GET ../permissions/{permission-id}[?select]`; "The permissions endpoint does not support
/// the expand query option."
#[tokio::test]
async fn permissions_take_filter_orderby_select_top_skip_count_and_refuse_expand() {
    let (fake, _clock) = start().await;
    let teacher = client(&fake, TEACHER);
    let permissions = teacher.me().notebook(LESSONS).permissions();
    for (role, user) in [
        (UserRole::Reader, STUDENTS[0]),
        (UserRole::Contributor, STUDENTS[1]),
        (UserRole::Reader, TEACHER2),
    ] {
        permissions.create(grant(role, user)).send().await.unwrap();
    }
    let readers = permissions
        .list()
        .filter("userRole eq 'Reader'")
        .orderby("name desc")
        .select(["name", "userRole"])
        .top(1)
        .skip(1)
        .count(true)
        .send()
        .await
        .unwrap();
    assert_eq!(readers.count, Some(2));
    assert_eq!(readers.value.len(), 1);
    assert_eq!(readers.value[0].name.as_deref(), Some("Student One"));
    assert_eq!(readers.value[0].id, None, "not selected");
    let base = format!("/v1.0/me/notes/notebooks/{LESSONS}/permissions");
    let one = send(
        &fake,
        "GET",
        &format!("{base}/1-13?$select=userRole"),
        TEACHER,
        None,
    )
    .await;
    assert_eq!(one.json()["userRole"], "Reader");
    assert!(one.json().get("name").is_none());
    for query in ["$expand=userId", "$top=1"] {
        let path = if query.starts_with("$top") {
            format!("{base}/1-13?{query}")
        } else {
            format!("{base}?{query}")
        };
        let refused = send(&fake, "GET", &path, TEACHER, None).await;
        assert_eq!(refused.status, 400, "{path}");
    }
}

/// 002, "Permissions, inheritance, and precedence": Reader "Read-only access"; Contributor
/// "Can add, edit, and delete notebooks, section groups, and sections"; Owner "All the
/// permissions above, also can manage permissions".
#[tokio::test]
async fn a_reader_only_reads_a_contributor_adds_edits_and_deletes_and_an_owner_manages() {
    let (fake, _clock) = start().await;
    let teacher = client(&fake, TEACHER);
    let notebook = teacher.me().notebook(LESSONS).permissions();
    notebook
        .create(grant(UserRole::Reader, STUDENTS[0]))
        .send()
        .await
        .unwrap();
    notebook
        .create(grant(UserRole::Contributor, STUDENTS[1]))
        .send()
        .await
        .unwrap();
    let root = format!("/v1.0/users/{TEACHER}/notes");
    let page = format!("{root}/pages/{}", crate::harness::QUIZ);
    let section = serde_json::json!({ "name": "New" });
    let edit = serde_json::json!([{ "target": "body", "action": "append", "content": "<p>x</p>" }]);
    let reader = STUDENTS[0];
    assert_eq!(send(&fake, "GET", &page, reader, None).await.status, 200);
    let sections = format!("{root}/notebooks/{LESSONS}/sections");
    assert_eq!(
        send(&fake, "POST", &sections, reader, Some(section.clone()))
            .await
            .status,
        403
    );
    let content = format!("{page}/content");
    assert_eq!(
        send(&fake, "PATCH", &content, reader, Some(edit.clone()))
            .await
            .status,
        403
    );
    let contributor = STUDENTS[1];
    assert_eq!(
        send(&fake, "POST", &sections, contributor, Some(section))
            .await
            .status,
        201
    );
    assert_eq!(
        send(&fake, "PATCH", &content, contributor, Some(edit))
            .await
            .status,
        204
    );
    assert_eq!(
        send(&fake, "DELETE", &page, contributor, None).await.status,
        204
    );
    let manage = format!("{root}/notebooks/{LESSONS}/permissions");
    assert_eq!(
        send(&fake, "GET", &manage, contributor, None).await.status,
        403
    );
    assert_eq!(send(&fake, "GET", &manage, TEACHER, None).await.status, 200);
}

/// 002: "Managing permissions is supported for Office 365 personal, site, and unified group
/// notebooks"; the request URI starts at any of the four service roots.
#[tokio::test]
async fn permissions_are_managed_on_personal_site_and_group_notebooks() {
    let (fake, _clock) = start().await;
    for root in [
        "/v1.0/me/notes",
        "/v1.0/myOrganization/siteCollections/09d1a587-a84b-4264-3d15-669429be8cc5/sites/d9e4d5c8-683f-4363-89ae-18c4e3da91e9/notes",
        "/v1.0/myOrganization/groups/1d13f814-83e5-4c11-8294-53bf40defd91/notes",
    ] {
        let made = send(
            &fake,
            "POST",
            &format!("{root}/notebooks"),
            TEACHER,
            Some(serde_json::json!({ "name": "Shared notes" })),
        )
        .await;
        assert_eq!(made.status, 201, "{root}");
        let id = made.json()["id"].as_str().unwrap().to_owned();
        let granted = send(
            &fake,
            "POST",
            &format!("{root}/notebooks/{id}/permissions"),
            TEACHER,
            Some(serde_json::json!({ "userRole": "Owner", "userId": TEACHER2 })),
        )
        .await;
        assert_eq!(granted.status, 201, "{root}: {}", granted.json());
        assert_eq!(
            fake.state().role(TEACHER2, &id),
            Some(Role::Owner),
            "{root}"
        );
    }
}

/// 002, "Inheritance": a site notebook inherits the site library's owners (Owner) and members
/// (Contributor); deleting one through the notebook says they are managed in SharePoint.
#[tokio::test]
async fn a_site_notebook_holds_the_sites_owners_and_members_from_its_library() {
    let (fake, _clock) = start().await;
    let root = "/v1.0/myOrganization/siteCollections/09d1a587-a84b-4264-3d15-669429be8cc5/sites/d9e4d5c8-683f-4363-89ae-18c4e3da91e9/notes";
    let made = send(
        &fake,
        "POST",
        &format!("{root}/notebooks"),
        TEACHER,
        Some(serde_json::json!({ "name": "Department" })),
    )
    .await;
    let id = made.json()["id"].as_str().unwrap().to_owned();
    let state = fake.state();
    assert_eq!(state.role(TEACHER, &id), Some(Role::Owner));
    assert_eq!(state.role(TEACHER2, &id), Some(Role::Contributor));
    let refused = send(
        &fake,
        "DELETE",
        &format!("{root}/notebooks/{id}/permissions/1-12"),
        TEACHER,
        None,
    )
    .await;
    assert_eq!(refused.status, 409);
    assert_eq!(
        refused.json()["error"]["message"],
        "Permission '1-12' (teacher2@contoso.com, Contributor) comes from the document library \
         that holds this notebook, the SharePoint site https://contoso.sharepoint.com/sites/math: \
         it cannot be deleted through the notebook. Change the site's owners and members instead \
         (the site's permissions in SharePoint)."
    );
    assert_eq!(fake.state().role(TEACHER2, &id), Some(Role::Contributor));
}
