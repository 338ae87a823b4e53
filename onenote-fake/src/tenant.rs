//! The fake tenant: users, unified groups, SharePoint sites and the notebooks they start with,
//! from code or a JSON seed file, checked before the server starts.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use serde::Deserialize;

/// Everything the fake starts with. Build one in code or read a seed file
/// ([`Tenant::from_json`], [`FakeOneNoteBuilder::seed_file`](crate::FakeOneNoteBuilder::seed_file));
/// [`Tenant::demo`] is the one the binary and the examples use.
///
/// The JSON form has the same names in camelCase:
///
/// ```json
/// {
///   "domain": "contoso.com",
///   "users": [
///     { "upn": "teacher1@contoso.com", "displayName": "Teacher One" },
///     { "upn": "admin@contoso.com", "displayName": "Admin", "admin": true }
///   ],
///   "groups": [{ "id": "1d13f814-83e5-4c11-8294-53bf40defd91", "displayName": "Math 101",
///                "owners": ["teacher1@contoso.com"], "members": [] }],
///   "sites": [{ "url": "https://contoso.sharepoint.com/sites/math",
///               "siteCollectionId": "09d1a587-a84b-4264-3d15-669429be8cc5",
///               "siteId": "d9e4d5c8-683f-4363-89ae-18c4e3da91e9",
///               "indexed": true, "members": ["teacher1@contoso.com"] }],
///   "notebooks": [{ "name": "Lesson Plans", "location": { "user": "teacher1@contoso.com" },
///                   "sections": [{ "name": "Fractions", "pages": [{ "title": "Quiz 1" }] }] }]
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Tenant {
    /// The tenant's domain, used in notebook links (`contoso.com` gives
    /// `https://contoso-my.sharepoint.com/…`).
    #[serde(default = "default_domain")]
    pub domain: String,
    /// The users; each may call the fake with the token `fake:{upn}`.
    #[serde(default)]
    pub users: Vec<User>,
    /// Unified (Office 365) groups, the `myOrganization/groups/{id}` locations.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// SharePoint sites, the `myOrganization/siteCollections/{id}/sites/{id}` locations.
    #[serde(default)]
    pub sites: Vec<Site>,
    /// Notebooks that exist when the fake starts.
    #[serde(default)]
    pub notebooks: Vec<NotebookSeed>,
}

fn default_domain() -> String {
    "contoso.com".to_owned()
}

fn yes() -> bool {
    true
}

/// One user of the tenant.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct User {
    /// The user principal name (`teacher1@contoso.com`); compared without regard to case.
    pub upn: String,
    /// The display name (permissions' `name`, notebooks' `createdBy`).
    pub display_name: String,
    /// A tenant administrator: only they may transfer class notebooks.
    #[serde(default)]
    pub admin: bool,
}

impl User {
    /// A user who is not an administrator.
    pub fn new(upn: impl Into<String>, display_name: impl Into<String>) -> Self {
        Self {
            upn: upn.into(),
            display_name: display_name.into(),
            admin: false,
        }
    }

    /// Makes the user a tenant administrator.
    pub fn admin(mut self) -> Self {
        self.admin = true;
        self
    }
}

/// A unified group: its owners become a class notebook's teachers and its members its
/// students on `UpdateMembership`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Group {
    /// The group id (the `{group-id}` of the location).
    pub id: String,
    /// The display name.
    pub display_name: String,
    /// Owners' UPNs.
    #[serde(default)]
    pub owners: Vec<String>,
    /// Members' UPNs (owners need not be listed again).
    #[serde(default)]
    pub members: Vec<String>,
}

impl Group {
    /// A group without owners or members.
    pub fn new(id: impl Into<String>, display_name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            display_name: display_name.into(),
            owners: Vec::new(),
            members: Vec::new(),
        }
    }

    /// Sets the owners.
    pub fn owners<S: Into<String>>(mut self, upns: impl IntoIterator<Item = S>) -> Self {
        self.owners = upns.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the members.
    pub fn members<S: Into<String>>(mut self, upns: impl IntoIterator<Item = S>) -> Self {
        self.members = upns.into_iter().map(Into::into).collect();
        self
    }
}

/// A SharePoint site.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Site {
    /// The absolute site URL (`https://contoso.sharepoint.com/sites/math`), as `FromUrl` takes it.
    pub url: String,
    /// The site collection id.
    pub site_collection_id: String,
    /// The site id.
    pub site_id: String,
    /// Whether search has indexed the site: `FromUrl` finds only indexed sites.
    #[serde(default = "yes")]
    pub indexed: bool,
    /// Owners' UPNs: Owner on the site's notebooks.
    #[serde(default)]
    pub owners: Vec<String>,
    /// Members' UPNs: they may use the site location; Contributor on its regular notebooks.
    #[serde(default)]
    pub members: Vec<String>,
}

impl Site {
    /// An indexed site without owners or members.
    pub fn new(
        url: impl Into<String>,
        site_collection_id: impl Into<String>,
        site_id: impl Into<String>,
    ) -> Self {
        Self {
            url: url.into(),
            site_collection_id: site_collection_id.into(),
            site_id: site_id.into(),
            indexed: true,
            owners: Vec::new(),
            members: Vec::new(),
        }
    }

    /// Sets whether the site is indexed.
    pub fn indexed(mut self, indexed: bool) -> Self {
        self.indexed = indexed;
        self
    }

    /// Sets the owners.
    pub fn owners<S: Into<String>>(mut self, upns: impl IntoIterator<Item = S>) -> Self {
        self.owners = upns.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the members.
    pub fn members<S: Into<String>>(mut self, upns: impl IntoIterator<Item = S>) -> Self {
        self.members = upns.into_iter().map(Into::into).collect();
        self
    }
}

/// Where a seeded notebook lives.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum LocationSeed {
    /// A user's OneDrive (reached as `me` by them, `users/{upn}` by others).
    User(String),
    /// A unified group, by id.
    Group(String),
    /// A SharePoint site, by URL.
    Site(String),
}

/// A notebook that exists when the fake starts.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NotebookSeed {
    /// A fixed id; made up (`1-{guid}`) when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// The name.
    pub name: String,
    /// Where it lives.
    pub location: LocationSeed,
    /// Who created it (a UPN); the OneDrive's owner, or the group's or site's first owner,
    /// when absent.
    #[serde(default)]
    pub created_by: Option<String>,
    /// Its sections.
    #[serde(default)]
    pub sections: Vec<SectionSeed>,
    /// Its section groups.
    #[serde(default)]
    pub section_groups: Vec<SectionGroupSeed>,
    /// Makes it a class notebook, created as `POST classNotebooks` would.
    #[serde(default)]
    pub class: Option<ClassSeed>,
}

impl NotebookSeed {
    /// A notebook without content.
    pub fn new(name: impl Into<String>, location: LocationSeed) -> Self {
        Self {
            id: None,
            name: name.into(),
            location,
            created_by: None,
            sections: Vec::new(),
            section_groups: Vec::new(),
            class: None,
        }
    }

    /// Fixes the id.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Adds a section.
    pub fn section(mut self, section: SectionSeed) -> Self {
        self.sections.push(section);
        self
    }

    /// Adds a section group.
    pub fn section_group(mut self, group: SectionGroupSeed) -> Self {
        self.section_groups.push(group);
        self
    }

    /// Makes it a class notebook.
    pub fn class(mut self, class: ClassSeed) -> Self {
        self.class = Some(class);
        self
    }
}

/// A seeded section group.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SectionGroupSeed {
    /// A fixed id; made up when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// The name.
    pub name: String,
    /// Its sections.
    #[serde(default)]
    pub sections: Vec<SectionSeed>,
    /// Nested section groups.
    #[serde(default)]
    pub section_groups: Vec<SectionGroupSeed>,
}

impl SectionGroupSeed {
    /// An empty section group.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            id: None,
            name: name.into(),
            sections: Vec::new(),
            section_groups: Vec::new(),
        }
    }

    /// Adds a section.
    pub fn section(mut self, section: SectionSeed) -> Self {
        self.sections.push(section);
        self
    }
}

/// A seeded section.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SectionSeed {
    /// A fixed id; made up when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// The name.
    pub name: String,
    /// Its pages.
    #[serde(default)]
    pub pages: Vec<PageSeed>,
}

impl SectionSeed {
    /// An empty section.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            id: None,
            name: name.into(),
            pages: Vec::new(),
        }
    }

    /// Fixes the id.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Adds a page.
    pub fn page(mut self, page: PageSeed) -> Self {
        self.pages.push(page);
        self
    }
}

/// A seeded page.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PageSeed {
    /// A fixed id; made up (`1-{hex}!{n}-{guid}`) when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// The title.
    pub title: String,
    /// The HTML content; a minimal page with the title when absent.
    #[serde(default)]
    pub content: Option<String>,
}

impl PageSeed {
    /// A page with only a title.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            id: None,
            title: title.into(),
            content: None,
        }
    }

    /// Fixes the id.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }
}

/// The class-notebook part of a seeded notebook (as in `CreateClassNotebook`; people by UPN).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClassSeed {
    /// Sections made in every student's section group.
    #[serde(default)]
    pub student_sections: Vec<String>,
    /// Teachers' UPNs.
    #[serde(default)]
    pub teachers: Vec<String>,
    /// Students' UPNs.
    #[serde(default)]
    pub students: Vec<String>,
    /// Whether it has a teacher-only section group.
    #[serde(default)]
    pub has_teacher_only_section_group: bool,
}

/// A seed or fault file, or a tenant, that cannot be used: where and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The file (or `tenant` for a tenant built in code).
    pub source: String,
    /// What is wrong, with the JSON line and column when there is one.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.message)
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    pub(crate) fn new(source: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            source: source.into(),
            message: message.into(),
        }
    }

    /// Reads a JSON file into `T`, with the file name and position in any error.
    pub(crate) fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, Self> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|error| Self::new(&shown, format!("cannot read the file: {error}")))?;
        Self::parse_json(&shown, &text)
    }

    pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
        source: &str,
        text: &str,
    ) -> Result<T, Self> {
        serde_json::from_str(text).map_err(|error| {
            Self::new(
                format!("{source}:{}:{}", error.line(), error.column()),
                error.to_string(),
            )
        })
    }
}

impl Tenant {
    /// An empty tenant on `domain`.
    pub fn new(domain: impl Into<String>) -> Self {
        Self {
            domain: domain.into(),
            users: Vec::new(),
            groups: Vec::new(),
            sites: Vec::new(),
            notebooks: Vec::new(),
        }
    }

    /// Parses a seed document (`source` names it in errors) and checks it.
    pub fn from_json(source: &str, text: &str) -> Result<Tenant, ConfigError> {
        let tenant: Tenant = ConfigError::parse_json(source, text)?;
        tenant
            .check()
            .map_err(|message| ConfigError::new(source, message))?;
        Ok(tenant)
    }

    /// Reads a seed file and checks it.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Tenant, ConfigError> {
        let path = path.as_ref();
        let tenant: Tenant = ConfigError::read_json(path)?;
        tenant
            .check()
            .map_err(|message| ConfigError::new(path.display().to_string(), message))?;
        Ok(tenant)
    }

    /// Adds a user.
    pub fn user(mut self, user: User) -> Self {
        self.users.push(user);
        self
    }

    /// Adds a group.
    pub fn group(mut self, group: Group) -> Self {
        self.groups.push(group);
        self
    }

    /// Adds a site.
    pub fn site(mut self, site: Site) -> Self {
        self.sites.push(site);
        self
    }

    /// Adds a notebook.
    pub fn notebook(mut self, notebook: NotebookSeed) -> Self {
        self.notebooks.push(notebook);
        self
    }

    /// The demo tenant, with the documents' own names and ids: `contoso.com` with
    /// `admin@contoso.com` (a tenant administrator), `teacher1@` and `teacher2@`,
    /// `student1@` … `student4@`; the group `1d13f814-83e5-4c11-8294-53bf40defd91`
    /// ("Math 101", owner teacher1, members the four students); the indexed site
    /// `https://contoso.sharepoint.com/sites/math` (ids `09d1a587-…`/`d9e4d5c8-…`) and the
    /// unindexed `https://contoso.sharepoint.com/sites/new-site`; and teacher1's notebook
    /// "Lesson Plans" whose section "Fractions" (`1-85ba33b1-4959-4102-8dcd-d98e4e56e56f`) holds
    /// the page "Fractions quiz"
    /// (`1-b168ad794f2f469b8de2696dd737d2b3!69-d39b2f49-a8fc-4c92-894b-32a4c27595bb`).
    pub fn demo() -> Tenant {
        let students = [
            "student1@contoso.com",
            "student2@contoso.com",
            "student3@contoso.com",
            "student4@contoso.com",
        ];
        let everyone = ["teacher1@contoso.com", "teacher2@contoso.com"]
            .into_iter()
            .chain(students);
        Tenant::new("contoso.com")
            .user(User::new("admin@contoso.com", "Contoso Admin").admin())
            .user(User::new("teacher1@contoso.com", "Teacher One"))
            .user(User::new("teacher2@contoso.com", "Teacher Two"))
            .user(User::new("student1@contoso.com", "Student One"))
            .user(User::new("student2@contoso.com", "Student Two"))
            .user(User::new("student3@contoso.com", "Student Three"))
            .user(User::new("student4@contoso.com", "Student Four"))
            .group(
                Group::new("1d13f814-83e5-4c11-8294-53bf40defd91", "Math 101")
                    .owners(["teacher1@contoso.com"])
                    .members(students),
            )
            .site(
                Site::new(
                    "https://contoso.sharepoint.com/sites/math",
                    "09d1a587-a84b-4264-3d15-669429be8cc5",
                    "d9e4d5c8-683f-4363-89ae-18c4e3da91e9",
                )
                .owners(["teacher1@contoso.com"])
                .members(everyone),
            )
            .site(
                Site::new(
                    "https://contoso.sharepoint.com/sites/new-site",
                    "5f3bd1a1-8f3c-4d26-9a0e-5c4e9b1f2a60",
                    "0b7e5c1d-2a4f-4e8b-9c3d-7f6a5e4d3c2b",
                )
                .indexed(false)
                .members(["teacher1@contoso.com"]),
            )
            .notebook(
                NotebookSeed::new(
                    "Lesson Plans",
                    LocationSeed::User("teacher1@contoso.com".to_owned()),
                )
                .id("1-313dc828-dd55-4c71-82c3-f9c30a40e7c5")
                .section(
                    SectionSeed::new("Fractions")
                        .id("1-85ba33b1-4959-4102-8dcd-d98e4e56e56f")
                        .page(PageSeed::new("Fractions quiz").id(
                            "1-b168ad794f2f469b8de2696dd737d2b3!69-d39b2f49-a8fc-4c92-894b-32a4c27595bb",
                        ))
                        .page(PageSeed::new("Homework 1")),
                ),
            )
    }

    /// The user with this UPN (any case).
    pub fn find_user(&self, upn: &str) -> Option<&User> {
        self.users.iter().find(|u| u.upn.eq_ignore_ascii_case(upn))
    }

    /// The group with this id (any case).
    pub fn find_group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id.eq_ignore_ascii_case(id))
    }

    pub(crate) fn find_group_mut(&mut self, id: &str) -> Option<&mut Group> {
        self.groups
            .iter_mut()
            .find(|g| g.id.eq_ignore_ascii_case(id))
    }

    /// The site with these ids.
    pub fn find_site(&self, collection: &str, site: &str) -> Option<&Site> {
        self.sites.iter().find(|s| {
            s.site_collection_id.eq_ignore_ascii_case(collection)
                && s.site_id.eq_ignore_ascii_case(site)
        })
    }

    /// The site at this URL (any case, a trailing `/` ignored).
    pub fn find_site_by_url(&self, url: &str) -> Option<&Site> {
        let wanted = url.trim_end_matches('/');
        self.sites
            .iter()
            .find(|s| s.url.trim_end_matches('/').eq_ignore_ascii_case(wanted))
    }

    /// Groups that list `upn` as an owner or member.
    pub(crate) fn groups_of<'a>(&'a self, upn: &'a str) -> impl Iterator<Item = &'a Group> + 'a {
        self.groups.iter().filter(move |g| {
            g.owners
                .iter()
                .chain(&g.members)
                .any(|m| m.eq_ignore_ascii_case(upn))
        })
    }

    /// Checks references and uniqueness; the message names the entry (`users[2].upn: …`).
    pub(crate) fn check(&self) -> Result<(), String> {
        let mut upns = BTreeSet::new();
        for (i, user) in self.users.iter().enumerate() {
            if !user.upn.contains('@') || user.upn.chars().any(char::is_whitespace) {
                return Err(format!(
                    "users[{i}].upn: {:?} is not a user principal name (name@domain, no spaces)",
                    user.upn
                ));
            }
            if !upns.insert(user.upn.to_ascii_lowercase()) {
                return Err(format!("users[{i}].upn: {:?} appears twice", user.upn));
            }
        }
        let known = |upn: &str| upns.contains(&upn.to_ascii_lowercase());
        let check_people = |what: String, people: &[String]| -> Result<(), String> {
            match people.iter().enumerate().find(|(_, upn)| !known(upn)) {
                Some((j, upn)) => Err(format!(
                    "{what}[{j}]: {upn:?} is not one of the tenant's users"
                )),
                None => Ok(()),
            }
        };
        let mut ids = BTreeSet::new();
        for (i, group) in self.groups.iter().enumerate() {
            if !ids.insert(group.id.to_ascii_lowercase()) {
                return Err(format!("groups[{i}].id: {:?} appears twice", group.id));
            }
            check_people(format!("groups[{i}].owners"), &group.owners)?;
            check_people(format!("groups[{i}].members"), &group.members)?;
        }
        for (i, site) in self.sites.iter().enumerate() {
            if !site.url.starts_with("https://") {
                return Err(format!(
                    "sites[{i}].url: {:?} is not an absolute https URL",
                    site.url
                ));
            }
            check_people(format!("sites[{i}].owners"), &site.owners)?;
            check_people(format!("sites[{i}].members"), &site.members)?;
        }
        for (i, notebook) in self.notebooks.iter().enumerate() {
            let found = match &notebook.location {
                LocationSeed::User(upn) => known(upn),
                LocationSeed::Group(id) => self.find_group(id).is_some(),
                LocationSeed::Site(url) => self.find_site_by_url(url).is_some(),
            };
            if !found {
                return Err(format!(
                    "notebooks[{i}].location: {:?} is not a user, group or site of the tenant",
                    notebook.location
                ));
            }
            if let Some(creator) = &notebook.created_by
                && !known(creator)
            {
                return Err(format!(
                    "notebooks[{i}].createdBy: {creator:?} is not one of the tenant's users"
                ));
            }
            if let Some(class) = &notebook.class {
                check_people(format!("notebooks[{i}].class.teachers"), &class.teachers)?;
                check_people(format!("notebooks[{i}].class.students"), &class.students)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_tenant_is_consistent() {
        assert_eq!(Tenant::demo().check(), Ok(()));
    }

    #[test]
    fn seed_errors_name_the_entry() {
        let error = Tenant::from_json(
            "tenant.json",
            r#"{ "users": [{ "upn": "a@x.com", "displayName": "A" }],
                 "groups": [{ "id": "g", "displayName": "G", "owners": ["b@x.com"] }] }"#,
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "tenant.json: groups[0].owners[0]: \"b@x.com\" is not one of the tenant's users"
        );
        let error =
            Tenant::from_json("t.json", r#"{ "users": [{ "upn": "a@x.com" }] }"#).unwrap_err();
        assert_eq!(error.source, "t.json:1:32");
        assert!(
            error.message.contains("missing field `displayName`"),
            "{error}"
        );
        let error = Tenant::from_json("t.json", r#"{ "user": [] }"#).unwrap_err();
        assert!(error.message.contains("unknown field `user`"), "{error}");
    }
}
