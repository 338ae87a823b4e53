//! The router: a request's method and path to a location and an endpoint (with its decoded
//! ids), or nothing. Parsed by hand, segment by segment, as the service reads its URLs.
//!
//! - Paths are split on `/` (outside literals) first and each segment is percent-decoded after,
//!   so `%2F` inside an id stays inside that id.
//! - `pages('{id}')` and `FromUrl(url='{url}')` are OData string literals: decoded, then the
//!   doubled quotes undone (`''` is `'`; a lone quote is not a literal). A `/` inside a literal
//!   does not end its segment: the documents write `FromUrl(url='https://…/sites/math')` with
//!   the URL's slashes as they are; the percent-encoded literal is the same call.
//! - A path served for other methods is answered `405` with `Allow` ([`allowed`]).
//! - Keywords (`classNotebooks`, `sectiongroups`, the action names, …) match in any case: the
//!   documents spell them both ways and the service accepts both.
//! - Requests are served under `/api/{version}/…` (the service's own prefix) and under
//!   `/{version}/…`, so either base URL works.
//!
//! A test (`tests/routes.rs`) builds a request for every route of the spec at every allowed
//! location and checks that [`route`] names its operation, so the fake cannot drift from the
//! spec.

use percent_encoding::percent_decode_str;

/// Where a request's notes root is: the four location kinds of the service root URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Location {
    /// `me/notes`: the caller's OneDrive for Business.
    Me,
    /// `users/{id}/notes`: another user's OneDrive.
    User(String),
    /// `myOrganization/siteCollections/{collection}/sites/{site}/notes`.
    Site { collection: String, site: String },
    /// `myOrganization/groups/{id}/notes`.
    Group(String),
}

/// An entity that holds permissions (`{entity}/{id}/permissions`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Holder {
    Notebook,
    SectionGroup,
    Section,
}

impl Holder {
    /// The entity set in URLs, as the documents write it.
    pub(crate) fn segment(self) -> &'static str {
        match self {
            Holder::Notebook => "notebooks",
            Holder::SectionGroup => "sectiongroups",
            Holder::Section => "sections",
        }
    }

    /// What the entity is called in messages.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Holder::Notebook => "notebook",
            Holder::SectionGroup => "section group",
            Holder::Section => "section",
        }
    }
}

/// Students or teachers of a class notebook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MemberRole {
    Student,
    Teacher,
}

impl MemberRole {
    pub(crate) fn noun(self) -> &'static str {
        match self {
            MemberRole::Student => "student",
            MemberRole::Teacher => "teacher",
        }
    }
}

/// One operation of the API, with the ids its path carries (decoded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    ListClassNotebooks,
    CreateClassNotebook,
    UpdateMembership,
    GetClassNotebook(String),
    UpdateClassNotebook(String),
    DeleteClassNotebook(String),
    AddMember(String, MemberRole),
    RemoveMember(String, MemberRole, String),
    CopySectionsToContentLibrary(String),
    DistributePageToStudent {
        notebook: String,
        page: String,
    },
    RepairNotebook(String),
    TransferClassNotebook(String),
    ListPermissions(Holder, String),
    CreatePermission(Holder, String),
    GetPermission(Holder, String, String),
    DeletePermission(Holder, String, String),
    GetOperation(String),
    ListNotebooks,
    CreateNotebook,
    GetNotebook(String),
    ListAllSectionGroups,
    GetSectionGroup(String),
    /// The section groups directly in a notebook or section group.
    ListSectionGroups(Holder, String),
    CreateSectionGroup(Holder, String),
    ListAllSections,
    GetSection(String),
    /// The sections directly in a notebook or section group.
    ListSections(Holder, String),
    CreateSection(Holder, String),
    ListAllPages,
    ListPages(String),
    GetPage(String),
    DeletePage(String),
    UpdatePageContent(String),
    UpdatePageLock(String),
    GetSiteMetadataFromUrl(String),
    /// `POST sections/{id}/pages`.
    CreatePage(String),
    /// `POST pages` (`sectionName`).
    CreatePageInDefaultNotebook,
    GetPageContent(String),
    /// `GET resources/{id}/$value`.
    GetPageFileContent(String),
    CopyNotebook(String),
    /// A section copied into a notebook or a section group.
    CopySection(String, Holder),
    /// `POST pages/{id}/copyToSection`.
    CopyPage(String),
}

impl Endpoint {
    /// The spec's operation id.
    pub(crate) fn operation_id(&self) -> &'static str {
        match self {
            Endpoint::ListClassNotebooks => "listClassNotebooks",
            Endpoint::CreateClassNotebook => "createClassNotebook",
            Endpoint::UpdateMembership => "updateMembership",
            Endpoint::GetClassNotebook(_) => "getClassNotebook",
            Endpoint::UpdateClassNotebook(_) => "updateClassNotebook",
            Endpoint::DeleteClassNotebook(_) => "deleteClassNotebook",
            Endpoint::AddMember(_, MemberRole::Student) => "addStudent",
            Endpoint::AddMember(_, MemberRole::Teacher) => "addTeacher",
            Endpoint::RemoveMember(_, MemberRole::Student, _) => "removeStudent",
            Endpoint::RemoveMember(_, MemberRole::Teacher, _) => "removeTeacher",
            Endpoint::CopySectionsToContentLibrary(_) => "copySectionsToContentLibrary",
            Endpoint::DistributePageToStudent { .. } => "distributePageToStudent",
            Endpoint::RepairNotebook(_) => "repairNotebook",
            Endpoint::TransferClassNotebook(_) => "transferClassNotebook",
            Endpoint::ListPermissions(..) => "listPermissions",
            Endpoint::CreatePermission(..) => "createPermission",
            Endpoint::GetPermission(..) => "getPermission",
            Endpoint::DeletePermission(..) => "deletePermission",
            Endpoint::GetOperation(_) => "getOperation",
            Endpoint::ListNotebooks => "listNotebooks",
            Endpoint::CreateNotebook => "createNotebook",
            Endpoint::GetNotebook(_) => "getNotebook",
            Endpoint::ListAllSectionGroups => "listAllSectionGroups",
            Endpoint::GetSectionGroup(_) => "getSectionGroup",
            Endpoint::ListSectionGroups(..) => "listSectionGroups",
            Endpoint::CreateSectionGroup(..) => "createSectionGroup",
            Endpoint::ListAllSections => "listAllSections",
            Endpoint::GetSection(_) => "getSection",
            Endpoint::ListSections(..) => "listSections",
            Endpoint::CreateSection(..) => "createSection",
            Endpoint::ListAllPages => "listAllPages",
            Endpoint::ListPages(_) => "listPages",
            Endpoint::GetPage(_) => "getPage",
            Endpoint::DeletePage(_) => "deletePage",
            Endpoint::UpdatePageContent(_) => "updatePageContent",
            Endpoint::UpdatePageLock(_) => "updatePageLock",
            Endpoint::GetSiteMetadataFromUrl(_) => "getSiteMetadataFromUrl",
            Endpoint::CreatePage(_) => "createPage",
            Endpoint::CreatePageInDefaultNotebook => "createPageInDefaultNotebook",
            Endpoint::GetPageContent(_) => "getPageContent",
            Endpoint::GetPageFileContent(_) => "getPageFileContent",
            Endpoint::CopyNotebook(_) => "copyNotebook",
            Endpoint::CopySection(_, Holder::SectionGroup) => "copyToSectionGroup",
            Endpoint::CopySection(..) => "copyToNotebook",
            Endpoint::CopyPage(_) => "copyToSection",
        }
    }
}

/// A routed request: API version, location (none for version-root calls) and endpoint, and
/// the service whose root it came through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) audience: onenote_api::Audience,
    pub(crate) version: &'static str,
    pub(crate) location: Option<Location>,
    pub(crate) endpoint: Endpoint,
}

/// Most path segments a request may have; no route has more than 13.
const MAX_SEGMENTS: usize = 32;

/// The spec operation id that serves `method` on `target` (a path, optionally with `?query`),
/// or `None` when the fake has no such route (it answers 404 then).
///
/// ```
/// use onenote_fake::route;
///
/// assert_eq!(route("GET", "/api/v1.0/me/notes/classNotebooks"), Some("listClassNotebooks"));
/// assert_eq!(
///     route("DELETE", "/api/v1.0/myOrganization/groups/g1/notes/classnotebooks/1-a/students/s%40x.com"),
///     Some("removeStudent"),
/// );
/// assert_eq!(route("PUT", "/api/v1.0/me/notes/notebooks"), None);
/// ```
pub fn route(method: &str, target: &str) -> Option<&'static str> {
    let path = target.split_once('?').map_or(target, |(path, _)| path);
    parse(method, path).map(|target| target.endpoint.operation_id())
}

/// The methods the fake serves at `path` (no query), in alphabetical order: what a `405 Method
/// Not Allowed` lists in its `Allow` header. Empty when nothing is served there.
pub(crate) fn allowed(path: &str) -> Vec<&'static str> {
    ["DELETE", "GET", "PATCH", "POST"]
        .into_iter()
        .filter(|method| parse(method, path).is_some())
        .collect()
}

/// Routes `method` and `path` (no query).
pub(crate) fn parse(method: &str, path: &str) -> Option<Target> {
    let raw = segments(path.strip_prefix('/')?);
    // An empty segment (`//`, a trailing `/`, an empty id) is never part of a route.
    if raw.len() > MAX_SEGMENTS || raw.iter().any(|s| s.is_empty()) {
        return None;
    }
    let rest = match raw.first() {
        Some(first) if first.eq_ignore_ascii_case("api") => raw.get(1..)?,
        _ => &raw[..],
    };
    let (version, rest) = rest.split_first()?;
    let version = match *version {
        "v1.0" => "v1.0",
        "beta" => "beta",
        _ => return None,
    };
    // Version-root calls keep their raw last segment: the literal is decoded as a whole.
    if let [org, collections, call] = rest
        && is(org, "myOrganization")
        && is(collections, "siteCollections")
        && let Some(url) = odata_call(&decode(call)?, "FromUrl(url=")
    {
        return (method == "GET").then_some(Target {
            audience: onenote_api::Audience::OneNote,
            version,
            location: None,
            endpoint: Endpoint::GetSiteMetadataFromUrl(url),
        });
    }
    let decoded: Vec<String> = rest.iter().map(|s| decode(s)).collect::<Option<_>>()?;
    let segments: Vec<&str> = decoded.iter().map(String::as_str).collect();
    let (audience, (location, notes)) = match location(&segments) {
        Some(found) => (onenote_api::Audience::OneNote, found),
        // Microsoft Graph's root, only under `/{version}/`, for what Graph serves.
        None if !raw.first().is_some_and(|s| s.eq_ignore_ascii_case("api")) => (
            onenote_api::Audience::Graph,
            crate::graph::location(&segments)?,
        ),
        None => return None,
    };
    let endpoint = endpoint(method, notes)?;
    if audience == onenote_api::Audience::Graph && !crate::graph::serves(&endpoint) {
        return None;
    }
    Some(Target {
        audience,
        version,
        location: Some(location),
        endpoint,
    })
}

/// The path's segments, split on the `/`s outside OData literals (at most one more than
/// [`MAX_SEGMENTS`]). A literal's quotes inside it are percent-encoded, so each raw `'` opens
/// or closes one; a `/` inside (`FromUrl(url='https://contoso.sharepoint.com/sites/math')`, as
/// the documents write it) stays in its segment.
fn segments(path: &str) -> Vec<&str> {
    let mut segments = Vec::new();
    let mut start = 0;
    let mut in_literal = false;
    for (at, byte) in path.bytes().enumerate() {
        match byte {
            b'\'' => in_literal = !in_literal,
            b'/' if !in_literal => {
                segments.push(path.get(start..at).unwrap_or_default());
                start = at + 1;
                if segments.len() > MAX_SEGMENTS {
                    return segments;
                }
            }
            _ => {}
        }
    }
    segments.push(path.get(start..).unwrap_or_default());
    segments
}

/// Splits off the location and the `notes` segment; returns the segments after it.
fn location<'a>(segments: &'a [&'a str]) -> Option<(Location, &'a [&'a str])> {
    let (location, rest) = match segments {
        [me, rest @ ..] if is(me, "me") => (Location::Me, rest),
        [users, id, rest @ ..] if is(users, "users") => (Location::User((*id).to_owned()), rest),
        [org, groups, id, rest @ ..] if is(org, "myOrganization") && is(groups, "groups") => {
            (Location::Group((*id).to_owned()), rest)
        }
        [org, collections, collection, sites, site, rest @ ..]
            if is(org, "myOrganization")
                && is(collections, "siteCollections")
                && is(sites, "sites") =>
        {
            (
                Location::Site {
                    collection: (*collection).to_owned(),
                    site: (*site).to_owned(),
                },
                rest,
            )
        }
        _ => return None,
    };
    match rest {
        [notes, rest @ ..] if is(notes, "notes") => Some((location, rest)),
        _ => None,
    }
}

/// The endpoint under a notes root.
fn endpoint(method: &str, segments: &[&str]) -> Option<Endpoint> {
    use Endpoint as E;
    let id = |s: &str| s.to_owned();
    let endpoint = match (method, segments) {
        ("GET", [cn]) if is(cn, "classNotebooks") => E::ListClassNotebooks,
        ("POST", [cn]) if is(cn, "classNotebooks") => E::CreateClassNotebook,
        ("POST", [cn, action])
            if is(cn, "classNotebooks") && is(action, "Microsoft.OneNote.Api.UpdateMembership") =>
        {
            E::UpdateMembership
        }
        // A concrete path is matched before a templated one (OpenAPI's rule, and the export's
        // paths): `classNotebooks/Microsoft.OneNote.Api.UpdateMembership` is the action's, so
        // its other methods are 405, not a class notebook of that id.
        (_, [cn, action])
            if is(cn, "classNotebooks") && is(action, "Microsoft.OneNote.Api.UpdateMembership") =>
        {
            return None;
        }
        ("GET", [cn, nb]) if is(cn, "classNotebooks") => E::GetClassNotebook(id(nb)),
        ("PATCH", [cn, nb]) if is(cn, "classNotebooks") => E::UpdateClassNotebook(id(nb)),
        ("DELETE", [cn, nb]) if is(cn, "classNotebooks") => E::DeleteClassNotebook(id(nb)),
        ("POST", [cn, nb, members]) if is(cn, "classNotebooks") => {
            if let Some(role) = member_role(members) {
                E::AddMember(id(nb), role)
            } else if is(members, "copySectionsToContentLibrary") {
                E::CopySectionsToContentLibrary(id(nb))
            } else if is(members, "Microsoft.OneNote.Api.RepairNotebook") {
                E::RepairNotebook(id(nb))
            } else if is(members, "Microsoft.OneNote.Api.classnotebooktransfer") {
                E::TransferClassNotebook(id(nb))
            } else {
                return None;
            }
        }
        ("DELETE", [cn, nb, members, member]) if is(cn, "classNotebooks") => {
            E::RemoveMember(id(nb), member_role(members)?, id(member))
        }
        ("POST", [cn, nb, page, action])
            if is(cn, "classNotebooks")
                && is(action, "Microsoft.OneNote.Api.DistributePageToStudent") =>
        {
            E::DistributePageToStudent {
                notebook: id(nb),
                page: odata_call(page, "pages(")?,
            }
        }
        (method, [holder, entity, permissions, rest @ ..]) if is(permissions, "permissions") => {
            let holder = permission_holder(holder)?;
            match (method, rest) {
                ("GET", []) => E::ListPermissions(holder, id(entity)),
                ("POST", []) => E::CreatePermission(holder, id(entity)),
                ("GET", [permission]) => E::GetPermission(holder, id(entity), id(permission)),
                ("DELETE", [permission]) => E::DeletePermission(holder, id(entity), id(permission)),
                _ => return None,
            }
        }
        ("GET", [operations, op]) if is(operations, "operations") => E::GetOperation(id(op)),
        ("GET", [resources, resource, value])
            if is(resources, "resources") && *value == "$value" =>
        {
            E::GetPageFileContent(id(resource))
        }
        (method, [set]) => match (method, entity_set(set)?) {
            ("GET", Set::Notebooks) => E::ListNotebooks,
            ("POST", Set::Notebooks) => E::CreateNotebook,
            ("POST", Set::Pages) => E::CreatePageInDefaultNotebook,
            ("GET", Set::SectionGroups) => E::ListAllSectionGroups,
            ("GET", Set::Sections) => E::ListAllSections,
            ("GET", Set::Pages) => E::ListAllPages,
            _ => return None,
        },
        (method, [set, entity]) => match (method, entity_set(set)?) {
            ("GET", Set::Notebooks) => E::GetNotebook(id(entity)),
            ("GET", Set::SectionGroups) => E::GetSectionGroup(id(entity)),
            ("GET", Set::Sections) => E::GetSection(id(entity)),
            ("GET", Set::Pages) => E::GetPage(id(entity)),
            ("DELETE", Set::Pages) => E::DeletePage(id(entity)),
            ("PATCH", Set::Pages) => E::UpdatePageLock(id(entity)),
            _ => return None,
        },
        (method, [set, entity, children]) => {
            let parent = match entity_set(set)? {
                Set::Notebooks if is(children, "copyNotebook") && method == "POST" => {
                    return Some(E::CopyNotebook(id(entity)));
                }
                Set::Notebooks => Holder::Notebook,
                Set::SectionGroups => Holder::SectionGroup,
                Set::Sections if is(children, "pages") && method == "GET" => {
                    return Some(E::ListPages(id(entity)));
                }
                Set::Sections if is(children, "pages") && method == "POST" => {
                    return Some(E::CreatePage(id(entity)));
                }
                Set::Sections if is(children, "copyToNotebook") && method == "POST" => {
                    return Some(E::CopySection(id(entity), Holder::Notebook));
                }
                Set::Sections if is(children, "copyToSectionGroup") && method == "POST" => {
                    return Some(E::CopySection(id(entity), Holder::SectionGroup));
                }
                Set::Pages if is(children, "content") && method == "PATCH" => {
                    return Some(E::UpdatePageContent(id(entity)));
                }
                Set::Pages if is(children, "content") && method == "GET" => {
                    return Some(E::GetPageContent(id(entity)));
                }
                Set::Pages if is(children, "copyToSection") && method == "POST" => {
                    return Some(E::CopyPage(id(entity)));
                }
                _ => return None,
            };
            match (method, entity_set(children)?) {
                ("GET", Set::SectionGroups) => E::ListSectionGroups(parent, id(entity)),
                ("POST", Set::SectionGroups) => E::CreateSectionGroup(parent, id(entity)),
                ("GET", Set::Sections) => E::ListSections(parent, id(entity)),
                ("POST", Set::Sections) => E::CreateSection(parent, id(entity)),
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(endpoint)
}

fn member_role(segment: &str) -> Option<MemberRole> {
    if is(segment, "students") {
        Some(MemberRole::Student)
    } else if is(segment, "teachers") {
        Some(MemberRole::Teacher)
    } else {
        None
    }
}

/// The entity sets under a notes root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Set {
    Notebooks,
    SectionGroups,
    Sections,
    Pages,
}

fn entity_set(segment: &str) -> Option<Set> {
    if is(segment, "notebooks") {
        Some(Set::Notebooks)
    } else if is(segment, "sectionGroups") {
        Some(Set::SectionGroups)
    } else if is(segment, "sections") {
        Some(Set::Sections)
    } else if is(segment, "pages") {
        Some(Set::Pages)
    } else {
        None
    }
}

fn permission_holder(segment: &str) -> Option<Holder> {
    match entity_set(segment)? {
        Set::Notebooks => Some(Holder::Notebook),
        Set::SectionGroups => Some(Holder::SectionGroup),
        Set::Sections => Some(Holder::Section),
        Set::Pages => None,
    }
}

fn is(segment: &str, keyword: &str) -> bool {
    segment.eq_ignore_ascii_case(keyword)
}

/// Percent-decodes one segment; `None` unless the bytes are UTF-8.
fn decode(segment: &str) -> Option<String> {
    percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(|text| text.into_owned())
}

/// The string inside `{prefix}'…')` (prefix matched in any case), quotes undoubled; `None`
/// unless the segment is exactly such a literal.
fn odata_call(segment: &str, prefix: &str) -> Option<String> {
    let head = segment.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let literal = segment.get(prefix.len()..)?.strip_suffix(')')?;
    odata_string(literal)
}

/// The value of an OData string literal `'…'`: `''` is one quote, a lone quote is an error.
pub(crate) fn odata_string(literal: &str) -> Option<String> {
    let inner = literal.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut value = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        // A quote inside the literal must be doubled.
        if c == '\'' && chars.next() != Some('\'') {
            return None;
        }
        value.push(c);
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(method: &str, path: &str) -> Option<Target> {
        parse(method, path)
    }

    #[test]
    fn ids_are_decoded_after_splitting() {
        let routed = target(
            "GET",
            "/api/v1.0/users/a%2Fb%40x/notes/classNotebooks/1-%3Fx%23",
        )
        .unwrap();
        assert_eq!(routed.location, Some(Location::User("a/b@x".into())));
        assert_eq!(routed.endpoint, Endpoint::GetClassNotebook("1-?x#".into()));
    }

    #[test]
    fn odata_literals_undo_doubled_quotes() {
        let routed = target(
            "POST",
            "/v1.0/me/notes/classnotebooks/nb/pages('it%27%27s%21')/Microsoft.OneNote.Api.DistributePageToStudent",
        )
        .unwrap();
        assert_eq!(
            routed.endpoint,
            Endpoint::DistributePageToStudent {
                notebook: "nb".into(),
                page: "it's!".into()
            }
        );
        assert_eq!(odata_string("'a''b'"), Some("a'b".into()));
        assert_eq!(odata_string("'a'b'"), None);
        assert_eq!(odata_string("'"), None);
        assert_eq!(odata_string("''"), Some(String::new()));
    }

    #[test]
    fn from_url_is_a_version_root_call_in_the_documents_form_or_percent_encoded() {
        for path in [
            "/api/v1.0/myOrganization/siteCollections/FromUrl(url='https://contoso.sharepoint.com/site-a')",
            "/api/v1.0/myOrganization/siteCollections/FromUrl(url='https:%2F%2Fcontoso.sharepoint.com%2Fsite-a')",
            "/api/v1.0/myOrganization/siteCollections/FromUrl(url='https%3A%2F%2Fcontoso.sharepoint.com%2Fsite-a')",
            "/v1.0/myorganization/SITECOLLECTIONS/fromurl(URL='https://contoso.sharepoint.com/site-a')",
        ] {
            let routed = target("GET", path).unwrap();
            assert_eq!(routed.location, None, "{path}");
            assert_eq!(
                routed.endpoint,
                Endpoint::GetSiteMetadataFromUrl("https://contoso.sharepoint.com/site-a".into()),
                "{path}"
            );
        }
        let quoted = target(
            "GET",
            "/v1.0/myOrganization/siteCollections/FromUrl(url='https://x.com/o''brien')",
        )
        .unwrap();
        assert_eq!(
            quoted.endpoint,
            Endpoint::GetSiteMetadataFromUrl("https://x.com/o'brien".into())
        );
        for broken in [
            "/v1.0/myOrganization/siteCollections/FromUrl(url='https://x.com/o'brien')",
            "/v1.0/myOrganization/siteCollections/FromUrl(url='https://x.com'",
            "/v1.0/myOrganization/siteCollections/FromUrl(url=https://x.com)",
        ] {
            assert_eq!(target("GET", broken), None, "{broken}");
        }
    }

    #[test]
    fn an_actions_path_is_the_actions_alone() {
        let path = "/v1.0/me/notes/classNotebooks/Microsoft.OneNote.Api.UpdateMembership";
        assert_eq!(allowed(path), ["POST"]);
        assert_eq!(parse("GET", path), None);
        assert!(parse("GET", "/v1.0/me/notes/classNotebooks/1-b68a").is_some());
    }

    #[test]
    fn allowed_lists_the_methods_a_path_is_served_for() {
        assert_eq!(
            allowed("/api/v1.0/me/notes/classNotebooks"),
            ["GET", "POST"]
        );
        assert_eq!(
            allowed("/api/v1.0/me/notes/classNotebooks/1-x"),
            ["DELETE", "GET", "PATCH"]
        );
        assert_eq!(
            allowed("/api/v1.0/myOrganization/siteCollections/FromUrl(url='https://x.com')"),
            ["GET"]
        );
        assert!(allowed("/api/v1.0/me/notes/nothing").is_empty());
    }

    #[test]
    fn unknown_paths_and_methods_route_nowhere() {
        for (method, path) in [
            ("GET", "/api/v1.0/me/notes"),
            ("GET", "/api/v2.0/me/notes/classNotebooks"),
            ("PUT", "/api/v1.0/me/notes/classNotebooks"),
            ("GET", "/api/v1.0/me/notes/classNotebooks/"),
            ("GET", "/api/v1.0/me/notes/classNotebooks/a/b/c/d/e"),
            ("GET", "/api/v1.0/me/classNotebooks"),
            ("GET", "/api/v1.0/me/notes/classNotebooks/%FF"),
            (
                "POST",
                "/api/v1.0/me/notes/classNotebooks/nb/pages('x)/Microsoft.OneNote.Api.DistributePageToStudent",
            ),
            ("GET", "api/v1.0/me/notes/classNotebooks"),
            ("GET", ""),
        ] {
            assert_eq!(target(method, path), None, "{method} {path}");
        }
        let deep = format!("/api/v1.0/me/notes/{}", "x/".repeat(10_000));
        assert_eq!(target("GET", &deep), None);
    }

    #[test]
    fn keywords_match_in_any_case() {
        assert_eq!(
            route(
                "POST",
                "/api/beta/myorganization/GROUPS/g/Notes/CLASSNOTEBOOKS/microsoft.onenote.api.updatemembership"
            ),
            Some("updateMembership")
        );
        assert_eq!(
            route(
                "GET",
                "/api/v1.0/me/notes/sectionGroups/sg/permissions?$top=1"
            ),
            Some("listPermissions")
        );
    }
}
