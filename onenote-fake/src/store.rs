//! The fake's state: notebooks, section groups, sections and pages as first-class entities,
//! the roles granted on them, asynchronous operations, and who may therefore do what.
//!
//! Permissions follow 002: roles granted on an entity are pushed down to everything inside it
//! and kept there ([`crate::grants`]), above them all are the roles of the document library
//! that holds the notebook ([`State::library_grants`]), the most permissive role a principal
//! holds wins (a user holds their own roles and their groups' roles), and only the highest role
//! per principal is visible.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use onenote_api::DateTime;

use crate::api::Work;
use crate::error::ApiError;
use crate::grants::Grants;
pub use crate::grants::{Grantee, Role};
use crate::rng::Rng;
use crate::tenant::{Group, Tenant, User};

/// Where a notebook's files are: the container behind a location.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Container {
    /// A user's OneDrive for Business, by lower-case UPN (`me` for them, `users/{upn}` for
    /// others).
    OneDrive(String),
    /// A unified group's site, by lower-case group id.
    Group(String),
    /// A SharePoint site, by lower-case ids.
    Site {
        /// The site collection id.
        collection: String,
        /// The site id.
        site: String,
    },
}

/// A notebook; a class notebook when `class` is set.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Notebook {
    /// `1-{guid}`.
    pub id: String,
    /// The name.
    pub name: String,
    /// Where it lives.
    pub container: Container,
    /// The creator's UPN.
    pub created_by: String,
    /// When it was created.
    pub created: DateTime,
    /// Who changed it last (UPN).
    pub last_modified_by: String,
    /// When it was changed last (membership, sections, settings).
    pub last_modified: DateTime,
    /// The class-notebook properties.
    pub class: Option<ClassNotebookInfo>,
}

/// What makes a notebook a class notebook.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ClassNotebookInfo {
    /// The `omkt` language it was created in (`en-us` by default).
    pub language: String,
    /// Sections made in every student's section group.
    pub student_sections: Vec<String>,
    /// The teachers, in the order they were added.
    pub teachers: Vec<Member>,
    /// The students, in the order they were added.
    pub students: Vec<Member>,
    /// Whether the teacher-only section group exists.
    pub has_teacher_only_section_group: bool,
    /// The `_Content Library` section group's id.
    pub content_library: String,
    /// The `_Collaboration Space` section group's id.
    pub collaboration_space: String,
    /// The `_Teacher Only` section group's id, when there is one.
    pub teacher_only: Option<String>,
}

/// A teacher or student as the request named them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The UPN (or group id) as sent.
    pub id: String,
    /// Person or group.
    pub kind: PrincipalKind,
}

impl Member {
    /// The grantee this member's roles are stored under.
    pub fn grantee(&self) -> Grantee {
        match self.kind {
            PrincipalKind::Person => Grantee::user(&self.id),
            PrincipalKind::Group => Grantee::group(&self.id),
        }
    }

    pub(crate) fn is(&self, id: &str) -> bool {
        self.id.eq_ignore_ascii_case(id)
    }
}

/// `principalType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalKind {
    /// `Person`.
    Person,
    /// `Group`.
    Group,
}

impl PrincipalKind {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Person => "Person",
            PrincipalKind::Group => "Group",
        }
    }
}

/// A section group.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct SectionGroup {
    /// `1-{guid}`.
    pub id: String,
    /// The name.
    pub name: String,
    /// The notebook it is in.
    pub notebook_id: String,
    /// Its parent: the notebook or a section group.
    pub parent_id: String,
    /// Who created it (UPN).
    pub created_by: String,
    /// When it was created.
    pub created: DateTime,
    /// What it is for, in a class notebook.
    pub class_role: Option<ClassSectionGroup>,
}

/// The section groups a class notebook is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassSectionGroup {
    /// One student's section group (the grantee it belongs to).
    Student(Grantee),
    /// `_Content Library`: teachers edit, students read.
    ContentLibrary,
    /// `_Collaboration Space`: teachers and students edit.
    CollaborationSpace,
    /// `_Teacher Only`: teachers only.
    TeacherOnly,
}

/// A section.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Section {
    /// `1-{guid}`.
    pub id: String,
    /// The name.
    pub name: String,
    /// The notebook it is in.
    pub notebook_id: String,
    /// Its parent: the notebook or a section group.
    pub parent_id: String,
    /// Who created it (UPN).
    pub created_by: String,
    /// When it was created.
    pub created: DateTime,
}

/// A page.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Page {
    /// `1-{32 hex}!{n}-{guid}`.
    pub id: String,
    /// The title.
    pub title: String,
    /// The section it is in.
    pub section_id: String,
    /// When it was created.
    pub created: DateTime,
    /// When it was changed last.
    pub last_modified: DateTime,
    /// Its HTML. Images and files the page holds are referenced as
    /// `onenote-fake-resource:{resource id}` (made `…/resources/{id}/$value` URLs when the
    /// content is served).
    pub content: String,
    /// `blockEditsInClientStartDate`: when it becomes read-only in OneNote clients.
    pub lock: Option<DateTime>,
    /// The assignment a distributed copy was made for.
    pub assignment_id: Option<String>,
    /// The page a distributed copy was made from.
    pub distributed_from: Option<String>,
}

/// An image or file stored with a page: a binary part of the multipart body that created it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Resource {
    /// The resource id (`1-{32 hex}!{n}-{guid}`, like a page's).
    pub id: String,
    /// The page it belongs to.
    pub page_id: String,
    /// The part's `Content-Type`.
    pub content_type: String,
    /// The bytes as sent.
    pub bytes: bytes::Bytes,
}

/// A notification the fake "sent" (`sendemail=true`); nothing leaves the process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentEmail {
    /// The recipient (UPN or group id).
    pub to: String,
    /// The class notebook it announced.
    pub notebook_id: String,
}

/// An asynchronous operation (`Prefer: respond-async`).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Operation {
    /// `classnotebook-{guid}`, `classnotebookmember-{guid}`, `transfer-{guid}` or
    /// `updatemembership-{guid}`, as in the documents; `copy-{guid}` for copies.
    pub id: String,
    /// Which of the service's two families it belongs to (how its status is written).
    pub family: OperationFamily,
    /// The operation id of the request that started it (`createClassNotebook`).
    pub started_by_operation: &'static str,
    /// The UPN that started it; only they can poll it.
    pub started_by: String,
    /// Where it stands.
    pub status: OperationStatus,
    /// When it was accepted.
    pub created: DateTime,
    /// When its status last changed.
    pub last_action: DateTime,
    /// When completed: the endpoint of the resource.
    pub resource_location: Option<String>,
    /// When completed: the resource's id.
    pub resource_id: Option<String>,
    /// When failed: the service's error object.
    pub error: Option<serde_json::Value>,
    /// When failed: the diagnostics.
    pub diagnostics: Option<serde_json::Value>,
    pub(crate) polls: u32,
    pub(crate) accepted_at: std::time::Instant,
    pub(crate) work: Option<Work>,
    /// The API version it was started on (its URLs use it).
    pub(crate) version: &'static str,
}

/// The service's two families of asynchronous operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperationFamily {
    /// Class-notebook calls sent with `Prefer: respond-async`: `Location`, lower-case status.
    ClassNotebook,
    /// Copies: `Operation-Location`, capitalised status and `percentComplete`.
    Copy,
}

/// An operation's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperationStatus {
    /// Accepted, not started.
    NotStarted,
    /// In progress.
    Running,
    /// Done.
    Completed,
    /// Failed.
    Failed,
}

impl OperationStatus {
    /// The wire spelling (`notStarted`, `running`, `completed`, `failed`).
    pub fn as_str(self) -> &'static str {
        match self {
            OperationStatus::NotStarted => "notStarted",
            OperationStatus::Running => "running",
            OperationStatus::Completed => "completed",
            OperationStatus::Failed => "failed",
        }
    }

    /// The copy family's spelling (`NotStarted`, `Running`, `Completed`, `Failed`).
    pub fn as_copy_str(self) -> &'static str {
        match self {
            OperationStatus::NotStarted => "NotStarted",
            OperationStatus::Running => "Running",
            OperationStatus::Completed => "Completed",
            OperationStatus::Failed => "Failed",
        }
    }

    /// A copy's `percentComplete`: none before it starts, half while it runs (the fake copies
    /// in one step), all once it has ended either way.
    pub fn percent_complete(self) -> &'static str {
        match self {
            OperationStatus::NotStarted => "0",
            OperationStatus::Running => "50",
            OperationStatus::Completed | OperationStatus::Failed => "100",
        }
    }
}

/// How stored page HTML names a resource (`onenote-fake-resource:{id}`); made a
/// `…/resources/{id}/$value` URL when the content is served.
pub(crate) const RESOURCE_REF: &str = "onenote-fake-resource:";

/// Deepest nesting of section groups followed; the fake never makes deeper ones.
const MAX_DEPTH: usize = 64;
/// Most notebooks, section groups, sections and pages together by default: past it, creating
/// anything answers 507 (the account is over its quota), so no client can exhaust the fake's
/// memory ([`max_entities`](crate::FakeOneNoteBuilder::max_entities) changes it).
pub const DEFAULT_MAX_ENTITIES: usize = 50_000;
/// Most operations kept; the oldest finished ones are forgotten first.
const MAX_OPERATIONS: usize = 10_000;

/// The whole state. [`FakeOneNote::state`](crate::FakeOneNote::state) returns a copy, so
/// tests read it without racing the server.
#[derive(Clone, Debug)]
pub struct State {
    tenant: Tenant,
    notebooks: BTreeMap<String, Notebook>,
    section_groups: BTreeMap<String, SectionGroup>,
    sections: BTreeMap<String, Section>,
    pages: BTreeMap<String, Page>,
    resources: BTreeMap<String, Resource>,
    /// The roles granted on notebooks, section groups and sections (pushed down).
    grants: Grants,
    operations: BTreeMap<String, Operation>,
    emails: Vec<SentEmail>,
    /// Indexes, kept by the methods that add and remove entities, so lookups do not scan a
    /// state that grows with every class notebook: lower-case UPN → position in the tenant's
    /// users; notebook or section group → the section groups and sections directly in it;
    /// section → its pages; (notebook, student) → the student's section group.
    users_by_upn: HashMap<String, usize>,
    groups_by_parent: BTreeMap<String, BTreeSet<String>>,
    sections_by_parent: BTreeMap<String, BTreeSet<String>>,
    pages_by_section: BTreeMap<String, BTreeSet<String>>,
    student_groups: BTreeMap<(String, Grantee), String>,
    /// The fields an entity was created with that its handler does not read (fields the
    /// spec's tables name and the fake computes nothing for), answered back as sent.
    sent_fields: BTreeMap<String, serde_json::Map<String, serde_json::Value>>,
    ids: Rng,
    pages_made: u64,
    max_entities: usize,
}

impl State {
    pub(crate) fn new(tenant: Tenant, seed: u64, max_entities: usize) -> Self {
        let users_by_upn = tenant
            .users
            .iter()
            .enumerate()
            .rev()
            .map(|(i, user)| (user.upn.to_ascii_lowercase(), i))
            .collect();
        Self {
            tenant,
            users_by_upn,
            groups_by_parent: BTreeMap::new(),
            sections_by_parent: BTreeMap::new(),
            pages_by_section: BTreeMap::new(),
            student_groups: BTreeMap::new(),
            sent_fields: BTreeMap::new(),
            notebooks: BTreeMap::new(),
            section_groups: BTreeMap::new(),
            sections: BTreeMap::new(),
            pages: BTreeMap::new(),
            resources: BTreeMap::new(),
            grants: Grants::default(),
            operations: BTreeMap::new(),
            emails: Vec::new(),
            ids: Rng::new(seed),
            pages_made: 0,
            max_entities,
        }
    }

    // ----- reading -----

    /// The tenant (users, groups, sites) as it is now.
    pub fn tenant(&self) -> &Tenant {
        &self.tenant
    }

    /// The tenant's user with this UPN (any case), found by index.
    pub fn user(&self, upn: &str) -> Option<&User> {
        let index = *self.users_by_upn.get(&upn.to_ascii_lowercase())?;
        self.tenant.users.get(index)
    }

    /// The group with this id, to change its owners and members (the users, and so the UPN
    /// index, stay as they are).
    pub(crate) fn group_mut(&mut self, id: &str) -> Option<&mut Group> {
        self.tenant.find_group_mut(id)
    }

    /// Every notebook, by id.
    pub fn notebooks(&self) -> impl Iterator<Item = &Notebook> {
        self.notebooks.values()
    }

    /// The notebook with this id.
    pub fn notebook(&self, id: &str) -> Option<&Notebook> {
        self.notebooks.get(id)
    }

    /// The notebook with this name (any case), if exactly one has it.
    pub fn notebook_named(&self, name: &str) -> Option<&Notebook> {
        let mut named = self
            .notebooks
            .values()
            .filter(|n| n.name.eq_ignore_ascii_case(name));
        let first = named.next();
        if named.next().is_some() { None } else { first }
    }

    /// Every section group, by id.
    pub fn section_groups(&self) -> impl Iterator<Item = &SectionGroup> {
        self.section_groups.values()
    }

    /// The section group with this id.
    pub fn section_group(&self, id: &str) -> Option<&SectionGroup> {
        self.section_groups.get(id)
    }

    /// The section groups directly under a notebook or section group.
    pub fn section_groups_in<'a>(
        &'a self,
        parent_id: &'a str,
    ) -> impl Iterator<Item = &'a SectionGroup> + 'a {
        self.groups_by_parent
            .get(parent_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.section_groups.get(id))
    }

    /// A student's section group in a class notebook (`upn` in any case).
    pub fn student_section_group(&self, notebook_id: &str, upn: &str) -> Option<&SectionGroup> {
        self.section_group_for(notebook_id, &Grantee::user(upn))
    }

    pub(crate) fn section_group_for(
        &self,
        notebook_id: &str,
        grantee: &Grantee,
    ) -> Option<&SectionGroup> {
        self.student_groups
            .get(&(notebook_id.to_owned(), grantee.clone()))
            .and_then(|id| self.section_groups.get(id))
    }

    /// Every section, by id.
    pub fn sections(&self) -> impl Iterator<Item = &Section> {
        self.sections.values()
    }

    /// The section with this id.
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.get(id)
    }

    /// The sections directly under a notebook or section group, by name.
    pub fn sections_in<'a>(&'a self, parent_id: &'a str) -> Vec<&'a Section> {
        let mut sections: Vec<&Section> = self
            .sections_by_parent
            .get(parent_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.sections.get(id))
            .collect();
        sections.sort_by(|a, b| a.name.cmp(&b.name));
        sections
    }

    /// Every page, by id.
    pub fn pages(&self) -> impl Iterator<Item = &Page> {
        self.pages.values()
    }

    /// The page with this id.
    pub fn page(&self, id: &str) -> Option<&Page> {
        self.pages.get(id)
    }

    /// The pages of a section, by title.
    pub fn pages_in<'a>(&'a self, section_id: &'a str) -> Vec<&'a Page> {
        let mut pages = self.pages_of(section_id);
        pages.sort_by(|a, b| a.title.cmp(&b.title));
        pages
    }

    /// The pages of a section in the order they were made (their `order`).
    pub fn pages_in_order<'a>(&'a self, section_id: &'a str) -> Vec<&'a Page> {
        let mut pages = self.pages_of(section_id);
        pages.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
        pages
    }

    /// A section's pages, by id.
    fn pages_of(&self, section_id: &str) -> Vec<&Page> {
        self.pages_by_section
            .get(section_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.pages.get(id))
            .collect()
    }

    /// The image or file with this id.
    pub fn resource(&self, id: &str) -> Option<&Resource> {
        self.resources.get(id)
    }

    /// The images and files of a page, by id.
    pub fn resources_of<'a>(&'a self, page_id: &'a str) -> impl Iterator<Item = &'a Resource> + 'a {
        self.resources
            .values()
            .filter(move |r| r.page_id == page_id)
    }

    /// Asynchronous operations, by id.
    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.operations.values()
    }

    /// The operation with this id.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.get(id)
    }

    pub(crate) fn operation_mut(&mut self, id: &str) -> Option<&mut Operation> {
        self.operations.get_mut(id)
    }

    pub(crate) fn operation_ids(&self) -> Vec<String> {
        self.operations.keys().cloned().collect()
    }

    /// The notifications `sendemail=true` "sent".
    pub fn sent_emails(&self) -> &[SentEmail] {
        &self.emails
    }

    /// The roles held on exactly this entity (a page: on its section), granted there or
    /// pushed down from a parent; not the document library's (see [`library_grants`]).
    ///
    /// [`library_grants`]: Self::library_grants
    pub fn grants_on(&self, entity_id: &str) -> BTreeMap<Grantee, Role> {
        self.grants
            .on(self.holder(entity_id))
            .map(|(grantee, role)| (grantee.clone(), role))
            .collect()
    }

    /// The roles the document library that holds the notebook grants on everything in it
    /// (002: "notebooks inherit the permissions of the document library that contains the
    /// notebook"): a OneDrive's owner is Owner; a group's owners are Owners and its members
    /// (the group) Contributors; a site's owners are Owners and its members Contributors. A
    /// class notebook keeps only the owners: its other members hold roles as its teachers and
    /// students, so a student does not see the others' section groups (001). They come from
    /// the tenant as it is now, and cannot be deleted through the notebook.
    pub fn library_grants(&self, notebook_id: &str) -> Vec<(Grantee, Role)> {
        let Some(notebook) = self.notebooks.get(notebook_id) else {
            return Vec::new();
        };
        let owners = self.container_owners(&notebook.container);
        let mut grants: Vec<(Grantee, Role)> = owners
            .iter()
            .map(|upn| (Grantee::user(upn), Role::Owner))
            .collect();
        if notebook.class.is_none() {
            match &notebook.container {
                Container::OneDrive(_) => {}
                Container::Group(id) => grants.push((Grantee::group(id), Role::Contributor)),
                Container::Site { collection, site } => {
                    let members = self
                        .tenant
                        .find_site(collection, site)
                        .map(|s| s.members.as_slice())
                        .unwrap_or_default();
                    grants.extend(
                        members
                            .iter()
                            .map(|upn| (Grantee::user(upn), Role::Contributor)),
                    );
                }
            }
        }
        grants
    }

    /// The UPNs (lower case) that own a container: the OneDrive's user, the group's or the
    /// site's owners.
    pub fn container_owners(&self, container: &Container) -> Vec<String> {
        let lower = |list: &[String]| list.iter().map(|o| o.to_ascii_lowercase()).collect();
        match container {
            Container::OneDrive(upn) => vec![upn.clone()],
            Container::Group(id) => self
                .tenant
                .find_group(id)
                .map(|g| lower(&g.owners))
                .unwrap_or_default(),
            Container::Site { collection, site } => self
                .tenant
                .find_site(collection, site)
                .map(|s| lower(&s.owners))
                .unwrap_or_default(),
        }
    }

    /// What `GET …/permissions` shows for an entity: every principal with a role on it (the
    /// library's, and those granted there or pushed down), with their highest role.
    pub fn permissions(&self, entity_id: &str) -> BTreeMap<Grantee, Role> {
        let mut highest = self.grants_on(entity_id);
        let notebook = self.notebook_of(entity_id).map(|n| n.id.clone());
        for (grantee, role) in notebook
            .map(|n| self.library_grants(&n))
            .unwrap_or_default()
        {
            let slot = highest.entry(grantee).or_insert(role);
            *slot = (*slot).max(role);
        }
        highest
    }

    /// The user's effective role on an entity: the highest role held there by them or by a
    /// group they belong to, or given them by the document library (a page takes its
    /// section's).
    pub fn role(&self, upn: &str, entity_id: &str) -> Option<Role> {
        let notebook = self.notebook_of(entity_id)?;
        let grantees = self.grantees_of(upn);
        let holder = self.holder(entity_id);
        let held = grantees
            .iter()
            .filter_map(|g| self.grants.role_on(holder, g))
            .max();
        held.max(self.library_role(notebook, upn, &grantees))
    }

    /// The role the document library gives the user (`grantees`: them and their groups) on
    /// everything in `notebook`: [`library_grants`](Self::library_grants), without listing
    /// them.
    fn library_role(&self, notebook: &Notebook, upn: &str, grantees: &[Grantee]) -> Option<Role> {
        let listed = |list: &[String]| list.iter().any(|u| u.eq_ignore_ascii_case(upn));
        let member_role = (notebook.class.is_none()).then_some(Role::Contributor);
        match &notebook.container {
            Container::OneDrive(owner) => owner.eq_ignore_ascii_case(upn).then_some(Role::Owner),
            Container::Group(id) => {
                let group = self.tenant.find_group(id)?;
                if listed(&group.owners) {
                    Some(Role::Owner)
                } else if grantees.contains(&Grantee::group(id)) {
                    member_role
                } else {
                    None
                }
            }
            Container::Site { collection, site } => {
                let site = self.tenant.find_site(collection, site)?;
                if listed(&site.owners) {
                    Some(Role::Owner)
                } else if listed(&site.members) {
                    member_role
                } else {
                    None
                }
            }
        }
    }

    /// Whether the user sees the entity at all: a role on it, or on something inside it (a
    /// student sees their class notebook through their own section group).
    pub fn can_see(&self, upn: &str, entity_id: &str) -> bool {
        if self.role(upn, entity_id).is_some() {
            return true;
        }
        let Some(notebook) = self.notebook_of(entity_id) else {
            return false;
        };
        let grantees = self.grantees_of(upn);
        if !grantees
            .iter()
            .any(|g| self.grants.holds_in(g, &notebook.id))
        {
            return false;
        }
        if notebook.id == entity_id {
            return true;
        }
        self.holders_below(entity_id).iter().any(|inside| {
            grantees
                .iter()
                .any(|g| self.grants.role_on(inside, g).is_some())
        })
    }

    /// The entity roles are held on for `entity_id`: itself, or a page's section.
    fn holder<'a>(&'a self, entity_id: &'a str) -> &'a str {
        self.pages
            .get(entity_id)
            .map_or(entity_id, |page| page.section_id.as_str())
    }

    /// The notebooks, section groups and sections in the entity (itself included; none for a
    /// page or an unknown id).
    fn holders_below(&self, entity_id: &str) -> Vec<String> {
        let holds = self.notebooks.contains_key(entity_id)
            || self.section_groups.contains_key(entity_id)
            || self.sections.contains_key(entity_id);
        if !holds {
            return Vec::new();
        }
        let mut found = Vec::new();
        let mut next: Vec<&str> = vec![entity_id];
        while let Some(id) = next.pop() {
            for children in [&self.groups_by_parent, &self.sections_by_parent] {
                next.extend(children.get(id).into_iter().flatten().map(String::as_str));
            }
            found.push(id.to_owned());
        }
        found
    }

    /// The user and the groups they belong to.
    fn grantees_of(&self, upn: &str) -> Vec<Grantee> {
        let mut grantees = vec![Grantee::user(upn)];
        grantees.extend(self.tenant.groups_of(upn).map(|g| Grantee::group(&g.id)));
        grantees
    }

    /// The entity and its parents, nearest first, ending with its notebook. Unknown ids give
    /// an empty chain.
    pub(crate) fn chain(&self, id: &str) -> Vec<String> {
        let mut chain = Vec::new();
        let mut current = id.to_owned();
        for _ in 0..MAX_DEPTH {
            let parent = if self.notebooks.contains_key(&current) {
                chain.push(current);
                break;
            } else if let Some(group) = self.section_groups.get(&current) {
                group.parent_id.clone()
            } else if let Some(section) = self.sections.get(&current) {
                section.parent_id.clone()
            } else if let Some(page) = self.pages.get(&current) {
                page.section_id.clone()
            } else {
                break;
            };
            chain.push(std::mem::replace(&mut current, parent));
        }
        chain
    }

    /// The notebook an entity is in (itself for a notebook).
    pub(crate) fn notebook_of(&self, entity_id: &str) -> Option<&Notebook> {
        let notebook_id = if self.notebooks.contains_key(entity_id) {
            entity_id
        } else if let Some(group) = self.section_groups.get(entity_id) {
            &group.notebook_id
        } else {
            let section = self.holder(entity_id);
            &self.sections.get(section)?.notebook_id
        };
        self.notebooks.get(notebook_id)
    }

    /// The entity and everything inside it.
    pub(crate) fn subtree(&self, entity_id: &str) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        if !self.exists(entity_id) {
            return found;
        }
        let mut next = vec![entity_id.to_owned()];
        while let Some(id) = next.pop() {
            for children in [
                &self.groups_by_parent,
                &self.sections_by_parent,
                &self.pages_by_section,
            ] {
                next.extend(children.get(&id).into_iter().flatten().cloned());
            }
            found.insert(id);
        }
        found
    }

    fn entity_count(&self) -> usize {
        self.notebooks.len() + self.section_groups.len() + self.sections.len() + self.pages.len()
    }

    fn exists(&self, id: &str) -> bool {
        self.notebooks.contains_key(id)
            || self.section_groups.contains_key(id)
            || self.sections.contains_key(id)
            || self.pages.contains_key(id)
    }

    // ----- changing -----

    pub(crate) fn rng(&mut self) -> &mut Rng {
        &mut self.ids
    }

    /// A fresh `1-{guid}` id, or `wanted` when the seed fixed one.
    fn new_id(&mut self, wanted: Option<&str>) -> Result<String, ApiError> {
        if let Some(id) = wanted {
            if self.exists(id) {
                return Err(ApiError::bad_request(format!(
                    "the id {id:?} is used twice"
                )));
            }
            return Ok(id.to_owned());
        }
        // A GUID collision needs ~2^61 ids; the loop is a formality with a bound.
        for _ in 0..8 {
            let id = format!("1-{}", self.ids.guid());
            if !self.exists(&id) {
                return Ok(id);
            }
        }
        Err(ApiError::new(500, "10001", "could not make a unique id"))
    }

    /// Fails with 507 unless `needed` more entities fit.
    pub(crate) fn ensure_room(&self, needed: usize) -> Result<(), ApiError> {
        let most = self.max_entities;
        if self.entity_count().saturating_add(needed) > most {
            return Err(ApiError::new(
                507,
                "30101",
                format!(
                    "The account is over its quota: the fake holds at most {most} \
                     notebooks, section groups, sections and pages."
                ),
            ));
        }
        Ok(())
    }

    pub(crate) fn add_notebook(
        &mut self,
        wanted_id: Option<&str>,
        name: &str,
        container: Container,
        created_by: &str,
        now: DateTime,
    ) -> Result<String, ApiError> {
        self.ensure_room(1)?;
        let id = self.new_id(wanted_id)?;
        let by = created_by.to_ascii_lowercase();
        self.notebooks.insert(
            id.clone(),
            Notebook {
                id: id.clone(),
                name: name.to_owned(),
                container,
                created_by: by.clone(),
                created: now,
                last_modified_by: by,
                last_modified: now,
                class: None,
            },
        );
        Ok(id)
    }

    pub(crate) fn notebook_mut(&mut self, id: &str) -> Option<&mut Notebook> {
        self.notebooks.get_mut(id)
    }

    /// Marks a notebook changed by `upn` now.
    pub(crate) fn touch(&mut self, notebook_id: &str, upn: &str, now: DateTime) {
        if let Some(notebook) = self.notebooks.get_mut(notebook_id) {
            notebook.last_modified = now;
            notebook.last_modified_by = upn.to_ascii_lowercase();
        }
    }

    pub(crate) fn add_section_group(
        &mut self,
        wanted_id: Option<&str>,
        parent_id: &str,
        name: &str,
        class_role: Option<ClassSectionGroup>,
        by: &str,
        now: DateTime,
    ) -> Result<String, ApiError> {
        self.ensure_room(1)?;
        let notebook_id = self.notebook_of(parent_id).map(|n| n.id.clone());
        let Some(notebook_id) = notebook_id else {
            return Err(ApiError::not_found(format!(
                "no parent with id {parent_id:?}"
            )));
        };
        if self.chain(parent_id).len() >= MAX_DEPTH - 2 {
            return Err(ApiError::bad_request("section groups nest too deep"));
        }
        let id = self.new_id(wanted_id)?;
        self.groups_by_parent
            .entry(parent_id.to_owned())
            .or_default()
            .insert(id.clone());
        if let Some(ClassSectionGroup::Student(grantee)) = &class_role {
            self.student_groups
                .entry((notebook_id.clone(), grantee.clone()))
                .or_insert_with(|| id.clone());
        }
        self.grants.inherit(&notebook_id, parent_id, &id);
        self.section_groups.insert(
            id.clone(),
            SectionGroup {
                id: id.clone(),
                name: name.to_owned(),
                notebook_id,
                parent_id: parent_id.to_owned(),
                created_by: by.to_ascii_lowercase(),
                created: now,
                class_role,
            },
        );
        Ok(id)
    }

    pub(crate) fn add_section(
        &mut self,
        wanted_id: Option<&str>,
        parent_id: &str,
        name: &str,
        by: &str,
        now: DateTime,
    ) -> Result<String, ApiError> {
        self.ensure_room(1)?;
        let notebook_id = self.notebook_of(parent_id).map(|n| n.id.clone());
        let Some(notebook_id) = notebook_id else {
            return Err(ApiError::not_found(format!(
                "no parent with id {parent_id:?}"
            )));
        };
        let id = self.new_id(wanted_id)?;
        self.sections_by_parent
            .entry(parent_id.to_owned())
            .or_default()
            .insert(id.clone());
        self.grants.inherit(&notebook_id, parent_id, &id);
        self.sections.insert(
            id.clone(),
            Section {
                id: id.clone(),
                name: name.to_owned(),
                notebook_id,
                parent_id: parent_id.to_owned(),
                created_by: by.to_ascii_lowercase(),
                created: now,
            },
        );
        Ok(id)
    }

    pub(crate) fn add_page(
        &mut self,
        wanted_id: Option<&str>,
        section_id: &str,
        title: &str,
        content: Option<&str>,
        now: DateTime,
    ) -> Result<String, ApiError> {
        self.ensure_room(1)?;
        if !self.sections.contains_key(section_id) {
            return Err(ApiError::not_found(format!(
                "no section with id {section_id:?}"
            )));
        }
        let id = match wanted_id {
            Some(id) => self.new_id(Some(id))?,
            None => self.page_style_id(),
        };
        let content = content.map_or_else(|| minimal_page(title), str::to_owned);
        self.pages_by_section
            .entry(section_id.to_owned())
            .or_default()
            .insert(id.clone());
        self.pages.insert(
            id.clone(),
            Page {
                id: id.clone(),
                title: title.to_owned(),
                section_id: section_id.to_owned(),
                created: now,
                last_modified: now,
                content,
                lock: None,
                assignment_id: None,
                distributed_from: None,
            },
        );
        Ok(id)
    }

    /// A fresh `1-{32 hex}!{n}-{guid}` id, the form pages and resources have.
    fn page_style_id(&mut self) -> String {
        self.pages_made = self.pages_made.saturating_add(1);
        let hex = self.ids.hex32();
        let guid = self.ids.guid();
        format!("1-{hex}!{}-{guid}", self.pages_made)
    }

    /// Stores an image or file of a page; returns its id.
    pub(crate) fn add_resource(
        &mut self,
        page_id: &str,
        content_type: &str,
        bytes: bytes::Bytes,
    ) -> String {
        let id = self.page_style_id();
        self.resources.insert(
            id.clone(),
            Resource {
                id: id.clone(),
                page_id: page_id.to_owned(),
                content_type: content_type.to_owned(),
                bytes,
            },
        );
        id
    }

    /// Keeps the fields `id` was created with that its handler does not read, to answer them
    /// back (nothing is kept when there are none).
    pub(crate) fn keep_sent_fields(
        &mut self,
        id: &str,
        fields: serde_json::Map<String, serde_json::Value>,
    ) {
        if !fields.is_empty() {
            self.sent_fields.insert(id.to_owned(), fields);
        }
    }

    /// The fields `id` was created with that its handler does not read.
    pub(crate) fn sent_fields(
        &self,
        id: &str,
    ) -> Option<&serde_json::Map<String, serde_json::Value>> {
        self.sent_fields.get(id)
    }

    pub(crate) fn page_mut(&mut self, id: &str) -> Option<&mut Page> {
        self.pages.get_mut(id)
    }

    pub(crate) fn remove_page(&mut self, id: &str) {
        if let Some(page) = self.pages.remove(id)
            && let Some(pages) = self.pages_by_section.get_mut(&page.section_id)
        {
            pages.remove(id);
        }
        self.resources.retain(|_, r| r.page_id != id);
    }

    /// Grants `role` on the entity and pushes it down to everything inside it, keeping a
    /// higher role held anywhere there.
    pub(crate) fn grant(&mut self, entity_id: &str, grantee: Grantee, role: Role) {
        let Some(notebook) = self.notebook_of(entity_id).map(|n| n.id.clone()) else {
            return;
        };
        let entities = self.holders_below(entity_id);
        self.grants.raise(&notebook, &entities, &grantee, role);
    }

    /// Removes every role `grantee` holds on the entity and everything inside it (not the
    /// library's, not on its parents); returns on how many entities they held one.
    pub(crate) fn revoke_below(&mut self, entity_id: &str, grantee: &Grantee) -> usize {
        let Some(notebook) = self.notebook_of(entity_id).map(|n| n.id.clone()) else {
            return 0;
        };
        let entities = self.holders_below(entity_id);
        self.grants.remove(&notebook, &entities, grantee)
    }

    /// Deletes a notebook with everything inside it and every role granted there.
    pub(crate) fn remove_notebook(&mut self, id: &str) {
        let subtree = self.subtree(id);
        for entity in &subtree {
            self.section_groups.remove(entity);
            self.sections.remove(entity);
            self.pages.remove(entity);
            self.groups_by_parent.remove(entity);
            self.sections_by_parent.remove(entity);
            self.pages_by_section.remove(entity);
            self.sent_fields.remove(entity);
        }
        self.sent_fields.remove(id);
        self.grants.forget(id, &subtree);
        self.student_groups
            .retain(|(notebook, _), _| notebook != id);
        self.resources.retain(|_, r| !subtree.contains(&r.page_id));
        self.notebooks.remove(id);
    }

    pub(crate) fn record_email(&mut self, to: &str, notebook_id: &str) {
        // Bounded like everything else: the oldest notifications go first.
        if self.emails.len() >= DEFAULT_MAX_ENTITIES {
            self.emails.remove(0);
        }
        self.emails.push(SentEmail {
            to: to.to_owned(),
            notebook_id: notebook_id.to_owned(),
        });
    }

    pub(crate) fn add_operation(&mut self, operation: Operation) {
        if self.operations.len() >= MAX_OPERATIONS {
            let finished = self
                .operations
                .values()
                .filter(|o| o.work.is_none())
                .min_by_key(|o| o.accepted_at)
                .map(|o| o.id.clone());
            if let Some(id) = finished.or_else(|| self.operations.keys().next().cloned()) {
                self.operations.remove(&id);
            }
        }
        self.operations.insert(operation.id.clone(), operation);
    }
}

/// The HTML of a page made without content.
fn minimal_page(title: &str) -> String {
    let escaped = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!("<html><head><title>{escaped}</title></head><body></body></html>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::{Group, User};

    fn now() -> DateTime {
        DateTime::now_utc()
    }

    fn state() -> (State, String, String, String) {
        let tenant = Tenant::new("x.com")
            .user(User::new("t@x.com", "T"))
            .user(User::new("s@x.com", "S"))
            .user(User::new("o@x.com", "O"))
            .group(Group::new("G1", "G").members(["s@x.com"]));
        let mut state = State::new(tenant, 1, DEFAULT_MAX_ENTITIES);
        let notebook = state
            .add_notebook(
                None,
                "N",
                Container::OneDrive("t@x.com".into()),
                "t@x.com",
                now(),
            )
            .unwrap();
        let group = state
            .add_section_group(None, &notebook, "SG", None, "t@x.com", now())
            .unwrap();
        let section = state
            .add_section(None, &group, "S", "t@x.com", now())
            .unwrap();
        (state, notebook, group, section)
    }

    #[test]
    fn roles_are_pushed_down_and_the_highest_wins() {
        let (mut state, notebook, group, section) = state();
        state.grant(&notebook, Grantee::user("S@X.COM"), Role::Reader);
        assert_eq!(state.role("s@x.com", &section), Some(Role::Reader));
        assert_eq!(
            state.grants_on(&section).get(&Grantee::user("s@x.com")),
            Some(&Role::Reader),
            "kept on the child, not computed from the parent"
        );
        state.grant(&section, Grantee::user("s@x.com"), Role::Contributor);
        assert_eq!(state.role("s@x.com", &section), Some(Role::Contributor));
        assert_eq!(state.role("s@x.com", &group), Some(Role::Reader));
        // A group's role counts for its members.
        state.grant(&group, Grantee::group("g1"), Role::Owner);
        assert_eq!(state.role("s@x.com", &section), Some(Role::Owner));
        assert_eq!(state.role("o@x.com", &section), None);
        // The OneDrive's owner owns everything in it, through the library.
        assert_eq!(state.role("t@x.com", &section), Some(Role::Owner));
        assert!(
            !state
                .grants_on(&notebook)
                .contains_key(&Grantee::user("t@x.com"))
        );
    }

    #[test]
    fn a_child_made_later_starts_with_its_parents_roles() {
        let (mut state, _, group, _) = state();
        state.grant(&group, Grantee::user("s@x.com"), Role::Contributor);
        let later = state
            .add_section(None, &group, "Later", "t@x.com", now())
            .unwrap();
        assert_eq!(state.role("s@x.com", &later), Some(Role::Contributor));
    }

    #[test]
    fn granting_never_lowers_a_role() {
        let (mut state, notebook, _, _) = state();
        state.grant(&notebook, Grantee::user("s@x.com"), Role::Contributor);
        state.grant(&notebook, Grantee::user("s@x.com"), Role::Reader);
        assert_eq!(state.role("s@x.com", &notebook), Some(Role::Contributor));
    }

    #[test]
    fn revoking_removes_the_grants_below_but_not_above() {
        let (mut state, notebook, group, section) = state();
        let s = Grantee::user("s@x.com");
        state.grant(&notebook, s.clone(), Role::Reader);
        state.grant(&group, s.clone(), Role::Contributor);
        state.grant(&section, s.clone(), Role::Owner);
        assert_eq!(state.revoke_below(&group, &s), 2);
        assert_eq!(state.role("s@x.com", &section), None);
        assert_eq!(state.role("s@x.com", &group), None);
        assert_eq!(state.role("s@x.com", &notebook), Some(Role::Reader));
        assert_eq!(state.permissions(&section).get(&s), None);
        // A lesser role granted there after stays lesser there.
        state.grant(&group, s.clone(), Role::Reader);
        assert_eq!(state.role("s@x.com", &section), Some(Role::Reader));
    }

    #[test]
    fn a_role_inside_makes_the_notebook_visible() {
        let (mut state, notebook, _, section) = state();
        assert!(!state.can_see("s@x.com", &notebook));
        state.grant(&section, Grantee::user("s@x.com"), Role::Reader);
        assert!(state.can_see("s@x.com", &notebook));
        assert_eq!(state.role("s@x.com", &notebook), None);
    }

    #[test]
    fn removing_a_notebook_removes_everything_inside() {
        let (mut state, notebook, _, section) = state();
        state.add_page(None, &section, "P", None, now()).unwrap();
        state.grant(&section, Grantee::user("s@x.com"), Role::Reader);
        state.remove_notebook(&notebook);
        assert_eq!(state.notebooks().count(), 0);
        assert_eq!(state.section_groups().count(), 0);
        assert_eq!(state.sections().count(), 0);
        assert_eq!(state.pages().count(), 0);
        assert!(state.grants.is_empty());
    }
}
