//! An offline OneNote: a fake class-notebook and permissions service that keeps state, for
//! testing integrations without an Office 365 education tenant.
//!
//! Start it in-process, get a client for any user of its tenant, call it, and assert on its
//! state and on the requests it received:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use onenote_api::CreateClassNotebook;
//! use onenote_fake::FakeOneNote;
//!
//! let fake = FakeOneNote::builder().start().await?; // the demo tenant (`Tenant::demo`)
//! let teacher = fake.client_for("teacher1@contoso.com")?;
//! let notebook = teacher
//!     .me()
//!     .class_notebooks()
//!     .create(CreateClassNotebook::new("Math 101"))
//!     .send()
//!     .await?;
//!
//! let state = fake.state();
//! let stored = state.notebook(notebook.id.as_deref().unwrap_or_default()).unwrap();
//! assert_eq!(stored.name, "Math 101");
//! assert_eq!(fake.journal().last().and_then(|e| e.status), Some(201));
//! fake.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Or run the binary, `cargo run -p onenote-fake -- --listen 127.0.0.1:8080`, and point any
//! HTTP client at `http://127.0.0.1:8080/api` instead of `https://www.onenote.com/api`. Its
//! flags are [`ServeArgs`], a clap `Args` struct another command can flatten into its own.
//! With `--journal FILE` it writes every request it answers to `FILE` as a JSON line (method,
//! path, body digest, status, the status it was handled with, the fault that struck), so a test
//! in another process sees what it received, even after killing it
//! ([`FakeOneNoteBuilder::journal_file`]).
//!
//! It serves Microsoft Graph's OneNote root too, over the same store (an id works on both):
//! `{origin}/v1.0/{me | users/{id} | groups/{id} | sites/{host,collection,site}}/onenote/…`
//! ([`FakeOneNote::graph_base_url`]; `client_for` clients reach it with `client.graph()`), for
//! the operations the spec says Graph serves, with Graph's names, URLs, error body
//! (`innerError`), `request-id` header, 4 MB request limit and 429 without `Retry-After`; it
//! takes only Graph tokens there ([`graph`] lists what it translates).
//!
//! # Authentication
//!
//! A request carries `Authorization: Bearer fake:{upn}` for a user of the tenant
//! ([`FakeOneNote::token_for`]). No token, another kind of token, or a UPN the tenant does not
//! have gets `401` with code `40001`. Tenant administrators are marked in the seed
//! ([`User::admin`]); only they may transfer class notebooks.
//!
//! The fake also serves the Microsoft identity platform's device code sign-in
//! (`/{tenant}/oauth2/v2.0/devicecode` and `/token`, at [`FakeOneNote::authority`]); the
//! access tokens it issues are accepted like `fake:{upn}` until they expire
//! ([`SignInSettings::token_lifetime()`]), if they are for OneNote: each is for the audience
//! its scopes name, and a Microsoft Graph token gets `401` (code `40001`). Tests approve, decline, expire or slow down a code
//! ([`FakeOneNote::approve_sign_in`] and its siblings) or let codes approve themselves
//! ([`SignInSettings::approve_after()`]).
//!
//! # What it emulates
//!
//! Every route of `spec/` (a test builds a request for each at every location it is allowed
//! at and checks the router names its operation), with the documents' semantics:
//!
//! - Locations: `me` (the caller's OneDrive), `users/{upn}` (another user's OneDrive: only
//!   what is shared with the caller is visible), `myOrganization/groups/{id}` (members and
//!   owners only), `myOrganization/siteCollections/{id}/sites/{id}` (site members only), and
//!   `FromUrl(url='…')` (indexed sites only, error 20158 otherwise).
//! - Class notebooks: ids `1-{guid}`, `self`, links, timestamps; `_Content Library`,
//!   `_Collaboration Space`, `_Teacher Only` (when asked) and one section group per student
//!   holding the student sections; `PATCH` only `hasTeacherOnlySectionGroup: true`; students
//!   and teachers added and removed (a removed student's section group stays; they lose
//!   access); copy to the content library; distribute a page (`assignmentId`,
//!   `ignoreIfStudentPageExists`, the target section made when missing); page locks;
//!   `UpdateMembership` (group locations only: owners become teachers, other members
//!   students, leavers are removed); `RepairNotebook`; transfer (administrators only, always
//!   asynchronous).
//! - Roles: the container's owners are Owners of everything in it (the document library's
//!   roles), the creator Owner of what they make, teachers Contributors of the whole notebook,
//!   each student Contributor of their own section group and of `_Collaboration Space` and
//!   Reader of `_Content Library`. So students see their own section group and not each
//!   other's, and nothing of `_Teacher Only`.
//! - Notebooks, section groups and sections: listed (every one at a location, or those in a
//!   parent; what the caller can see; `name asc`), got with their parents (`id`, `name`,
//!   `self`) and, with `$expand`, their children, and created where the caller may write
//!   (names unique at their level, at most 128 characters for notebooks and 50 for the rest).
//!   Pages: listed newest first (20 a page, `$top` at most 100), got with `pagelevel` and the
//!   lock date when asked, deleted, and changed by content commands (`append`, `prepend`,
//!   `insert`, `replace`, `delete` on `body`, `title`, `#data-id` or a generated id), all or
//!   nothing.
//! - Permissions on notebooks, section groups and sections, as 002 describes them: a grant is
//!   pushed down to every child, present and future (a new child starts with its parent's
//!   roles); `DELETE` at any level removes the principal's role there and below, while their
//!   roles above stay, so deleting and then granting a lesser role at a child leaves the child
//!   lesser and the parent greater; the most permissive role wins (a user's own and their
//!   groups'); `GET` shows the highest role per principal; `POST` appends (raises, never
//!   lowers); only Owners may list, get, create or delete. Above every notebook are the roles of
//!   the document library that holds it: the OneDrive's owner; a group's owners (Owner) and
//!   members (Contributor); a site's owners and members (a class notebook keeps only the
//!   owners). They are listed, follow the tenant as it changes, and cannot be deleted through
//!   a notebook (400, saying where they are managed).
//! - Asynchronous forms (`Prefer: respond-async`): `202` and a `Location` under
//!   `me/notes/operations/`; the operation goes `notStarted` → `running` → `completed` (with
//!   `resourceLocation` and `resourceId`) or `failed` (with `error` and `@api.diagnostics`,
//!   e.g. an unknown student) at the [`AsyncPace`] chosen.
//! - OData: `$filter` (eq, ne, gt, ge, lt, le on strings, numbers, booleans and dates, joined
//!   by and/or, with parentheses), `$orderby` (default `name asc`), `$select`, `$expand`
//!   (teachers, students), `$top`, `$skip`, `$count`, and pages of
//!   [`page_size`](FakeOneNoteBuilder::page_size) items linked by `@odata.nextLink`.
//!   Everything else (functions, `not`, unknown properties, a literal of the wrong type) is a
//!   400 that says what is wrong.
//! - Every answer has `X-CorrelationId` (a GUID) and `Date`; every error is
//!   `{"error":{"code","message","@api.url","isRetriable"}}` with a OneNote code, and for the
//!   calls 001 names (create, get, add and remove, distribute, the page lock, UpdateMembership,
//!   RepairNotebook) `@api.diagnostics` beside it. A method a path is not served for is `405`
//!   with `Allow`.
//! - Throttling ([`Throttling`], off unless asked for): per user 120 requests a minute, 400
//!   an hour, 5 at once; `429` with code 20166 (the rates) or 10003 (too many at once), and no
//!   `Retry-After` unless asked for.
//! - Faults ([`FaultPlan`], [`FaultRule`]): statuses, dropped connections, late answers and
//!   latency, by operation and user, at a seeded rate, before processing (no trace in the
//!   state) or after (exactly one effect; latency after processing delays the answer of a
//!   request that took effect, so a client with a shorter timeout loses it). A status after
//!   processing never carries a code that says the request was refused (20166, 10003, 10007,
//!   30103 become 10001): a client may repeat a write on those. A request that arrived whole
//!   is processed and journaled even when its client goes away while it waits.
//! - Request bodies are bounded (80 MB, like the service: 413 with code 20016), and so is
//!   everything a client can make the fake hold (by default 50,000 entities, then 507 with
//!   code 30101, and 10,000 journal entries; 10,000 operations; the oldest forgotten first).
//!
//! # What it does not emulate
//!
//! - Rendering: a created page keeps the HTML as sent (its `name:` references made resource
//!   URLs); `data-render-src` PDFs are kept as one image resource, not rendered into pages.
//! - HTML: page content is kept as text and changed by finding tags by name, not parsed;
//!   nested `$expand` (`sectionGroups(expand=sections)`) is refused.
//! - Real authentication: no Azure AD, no scopes (`Notes.Read` and the like are not checked;
//!   only the audience they name is), no passwords behind the device code sign-in and no
//!   consent but [`SignInSettings::without_consent()`], no app-only tokens.
//! - E-mail: `sendemail=true` is recorded ([`State::sent_emails`]), nothing is sent.
//! - Languages: `omkt` is checked and recorded, section names are not translated.
//! - SharePoint: a document library is only its owners' and members' roles; "Everyone"
//!   style claims do not exist; links are plausible URLs that open nothing.
//! - Search indexing delay (a site is indexed or not), and the service's own latency.
//! - Azure AD object ids: users are addressed by UPN only (`users/{upn}`), groups by the id
//!   the seed gives them.
//! - TLS and HTTP/2: plain HTTP/1.1 on 127.0.0.1.
//!
//! # Choices where the documents are silent or disagree
//!
//! `CONFORMANCE.md` (beside `Cargo.toml`) lists every rule of the four documents with the test
//! that shows the fake follows it, and every choice below with why.
//!
//! - Errors: the documents show no error body. The fake sends Microsoft's published shape and
//!   codes: 20102 not found, 40003/40002 access or write denied, 30109 unknown users, 20117
//!   name taken (409), 20126 malformed body, 30114 missing field, 20108/20103/20106/20101/20128
//!   for OData, 10017 for other bad requests.
//! - Distribute page: documented as group-only, but the documents' example calls it on `me`;
//!   the fake serves it everywhere. Its result is `{"value": "{student page id}"}`; with
//!   `ignoreIfStudentPageExists` and an existing page for the assignment, the existing page's
//!   id.
//! - Operation statuses are sent as `notStarted`, `running`, `completed`, `failed`, and the
//!   fields in camelCase (`id`, `status`): the documents spell them only in prose.
//! - Transfer keeps the notebook's id; the notebook moves to the destination teacher's
//!   OneDrive under its new name, and the destination teacher replaces the source one.
//! - `UpdateMembership` syncs the group's first class notebook (its "default"), and only a
//!   group owner may call it.
//! - Page locks: in a class notebook only teachers and owners may set or clear them, or
//!   distribute pages (which sets one). The lock is not enforced on API writes: it is
//!   `blockEditsInClient…`, a date from which OneNote clients stop editing.
//! - A second copy of a section into the content library is 409 (20117): that name is taken
//!   there.
//! - Asynchronous work moves only when polled unless [`AsyncPace::Time`] is chosen (the
//!   binary's flag for it belongs to its argument parsing); a completed add's or remove's
//!   `resourceLocation` is the class notebook's URL.
//! - A student's `userRole` on a class notebook is `Reader`: they hold roles only inside it
//!   (their section group, the content library, the collaboration space).
//! - Re-adding a student who was removed gives them back the section group they had.
//! - Deleting a permission the document library gives is a 400 (code 10017) that names the
//!   library and where its roles are managed.
//! - Too many requests at once is code 10003 ("too many active requests"), the rates 20166.
//! - Page creation: part names compare ignoring case; an HTML reference to a part the request
//!   lacks is 20011 (the documents name no code for it); a body that is neither HTML nor
//!   multipart is 415 with 20131. Only referenced parts become resources.
//! - `POST pages` (default notebook): the default notebook is the oldest one at the location
//!   the caller can write to (404 when there is none); without `sectionName` its first
//!   top-level section, or a new `Quick Notes`; with it, the top-level section of that name
//!   (any case), made when missing.
//! - `includeIDs=true` gives every `div`, `p`, `img`, `object`, list, table and heading an
//!   `id` of the service's form (`p:{guid}{n}`), kept with the page so a PATCH can target it.
//! - Copies: the source, the body and the destination's group or site are checked at once
//!   (4xx); the destination entity, its role and the name are checked when the operation runs
//!   (a `Failed` operation). Copy operations are written `NotStarted`, `Running`, `Completed`,
//!   `Failed` with `percentComplete` `0`, `50`, `100`; their `Operation-Location` is under the
//!   location the copy was asked at. A copied class notebook is a plain notebook.

// No input may panic the fake: no unwraps, no indexing that can fail, outside tests.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod api;
mod clock;
mod error;
mod faults;
mod grants;
pub mod graph;
mod identity;
mod journal;
mod odata;
mod rng;
mod route;
mod seed;
mod serve;
mod server;
mod store;
mod tenant;
mod throttle;

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use onenote_api::schema::Api;
use onenote_api::{Client, ClientBuilder, Clock, TokioClock};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use api::AsyncPace;
pub use clock::ManualClock;
pub use faults::{Fault, FaultPlan, FaultRule, Phase};
pub use identity::{SignInEvent, SignInSettings};
pub use journal::{DEFAULT_JOURNAL_CAPACITY, JournalEntry};
pub use route::route;
pub use serve::ServeArgs;
pub use store::{
    ClassNotebookInfo, ClassSectionGroup, Container, DEFAULT_MAX_ENTITIES, Grantee, Member,
    Notebook, Operation, OperationFamily, OperationStatus, Page, PrincipalKind, Resource, Role,
    Section, SectionGroup, SentEmail, State,
};
pub use tenant::{
    ClassSeed, ConfigError, Group, LocationSeed, NotebookSeed, PageSeed, SectionGroupSeed,
    SectionSeed, Site, Tenant, User,
};
pub use throttle::Throttling;

use clock::{FakeTime, SharedClock};
use server::{Shared, World};

/// The largest request body, as the service allows (about 70–80 MB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 80 * 1024 * 1024;
/// Items per page before `@odata.nextLink`.
pub const DEFAULT_PAGE_SIZE: usize = 20;

/// Why the fake could not start, or a call on it could not be done.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A seed or fault file, or the tenant, is wrong.
    Config(ConfigError),
    /// The address could not be bound.
    Bind(std::io::Error),
    /// The thing named does not exist in the fake (an unknown section or group).
    NotFound(String),
    /// The journal file could not be created.
    JournalFile(PathBuf, std::io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(error) => error.fmt(f),
            Error::Bind(error) => write!(f, "cannot listen: {error}"),
            Error::NotFound(what) => f.write_str(what),
            Error::JournalFile(path, error) => {
                write!(
                    f,
                    "cannot create the journal file {}: {error}",
                    path.display()
                )
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Config(error) => Some(error),
            Error::Bind(error) => Some(error),
            Error::NotFound(_) => None,
            Error::JournalFile(_, error) => Some(error),
        }
    }
}

impl From<ConfigError> for Error {
    fn from(error: ConfigError) -> Self {
        Error::Config(error)
    }
}

/// Configures a [`FakeOneNote`]. Get one from [`FakeOneNote::builder`].
pub struct FakeOneNoteBuilder {
    tenant: Option<Tenant>,
    seed_file: Option<PathBuf>,
    plan: FaultPlan,
    fault_file: Option<PathBuf>,
    throttling: Option<Throttling>,
    pace: AsyncPace,
    clock: Option<Arc<dyn Clock>>,
    start_time: Option<SystemTime>,
    seed: u64,
    page_size: usize,
    max_body_bytes: usize,
    max_entities: usize,
    journal_capacity: usize,
    journal_file: Option<PathBuf>,
    listen: SocketAddr,
    sign_in: SignInSettings,
    api: &'static Api,
}

impl fmt::Debug for FakeOneNoteBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeOneNoteBuilder")
            .field("seed_file", &self.seed_file)
            .field("fault_file", &self.fault_file)
            .field("throttling", &self.throttling)
            .field("pace", &self.pace)
            .field("seed", &self.seed)
            .field("listen", &self.listen)
            .finish_non_exhaustive()
    }
}

impl FakeOneNoteBuilder {
    fn new() -> Self {
        Self {
            tenant: None,
            seed_file: None,
            plan: FaultPlan::default(),
            fault_file: None,
            throttling: None,
            pace: AsyncPace::default(),
            clock: None,
            start_time: None,
            seed: 0x0E0E_0E0E,
            page_size: DEFAULT_PAGE_SIZE,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_entities: DEFAULT_MAX_ENTITIES,
            journal_capacity: DEFAULT_JOURNAL_CAPACITY,
            journal_file: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            sign_in: SignInSettings::default(),
            api: &onenote_api::schema::API,
        }
    }

    /// The API's shapes and rules the fake checks requests against and answers with (default
    /// [`onenote_api::schema::API`], the spec's). Requests are checked with the client's own
    /// check ([`onenote_api::schema`]): a broken rule is answered `400` with the rule's code
    /// and the message the client refuses it with. Answers carry the fields the response type's
    /// table names, a created entity's fields the handler does not read included; a test passes
    /// tables made from an edited spec to see an added field reach the fake with no edit to it.
    pub fn api(mut self, api: &'static Api) -> Self {
        self.api = api;
        self
    }

    /// The tenant to start with (default [`Tenant::demo`]).
    pub fn tenant(mut self, tenant: Tenant) -> Self {
        self.tenant = Some(tenant);
        self
    }

    /// Reads the tenant from a JSON seed file (see [`Tenant`] for the format) when starting.
    pub fn seed_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.seed_file = Some(path.into());
        self
    }

    /// The fault plan (rules, their seed, throttling).
    pub fn faults(mut self, plan: FaultPlan) -> Self {
        self.plan = plan;
        self
    }

    /// Adds one fault rule.
    pub fn fault(mut self, rule: FaultRule) -> Self {
        self.plan.rules.push(rule);
        self
    }

    /// Reads the fault plan from a JSON file when starting (see [`FaultPlan`]); its seed and
    /// throttling replace those of [`faults`](Self::faults), and rules added with
    /// [`fault`](Self::fault) are checked after its own.
    pub fn fault_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.fault_file = Some(path.into());
        self
    }

    /// Turns on throttling (over the fault plan's setting).
    pub fn throttling(mut self, limits: Throttling) -> Self {
        self.throttling = Some(limits);
        self
    }

    /// How fast asynchronous operations move (default: one poll `notStarted`, one `running`).
    pub fn async_pace(mut self, pace: AsyncPace) -> Self {
        self.pace = pace;
        self
    }

    /// The fake's clock, for throttling windows, timed paces and timestamps (default
    /// [`TokioClock`]). A [`ManualClock`] given here also drives the clients from
    /// [`FakeOneNote::client_for`].
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// The wall-clock time the fake starts at (default now); timestamps and `Date` move on
    /// from it with the clock.
    pub fn start_time(mut self, at: SystemTime) -> Self {
        self.start_time = Some(at);
        self
    }

    /// Seeds the ids and correlation ids the fake makes (default a fixed seed, so the same
    /// sequence of requests gets the same ids).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Items per page of a collection (default 20).
    pub fn page_size(mut self, items: usize) -> Self {
        self.page_size = items.max(1);
        self
    }

    /// The largest request body (default 80 MB).
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// The most notebooks, section groups, sections and pages the fake holds together
    /// (default [`DEFAULT_MAX_ENTITIES`]); creating past it answers 507 with code 30101.
    pub fn max_entities(mut self, entities: usize) -> Self {
        self.max_entities = entities;
        self
    }

    /// The most requests the journal keeps (default [`DEFAULT_JOURNAL_CAPACITY`]); older
    /// ones are dropped first, and [`FakeOneNote::journal_dropped`] counts them. Raise it for
    /// a test that checks every request of a long run.
    pub fn journal_capacity(mut self, entries: usize) -> Self {
        self.journal_capacity = entries;
        self
    }

    /// Also writes the journal to `path` (created, or emptied), one JSON line per request as
    /// it is answered: `seq`, `at`, `method`, `path`, `query`, `operation`, `user`, `body_len`,
    /// `body_digest` (`crc32:` and the CRC-32 of the whole body in hex), `status` (`null` when
    /// the connection was dropped), `handled` (the status the handler gave, `null` when the
    /// request never reached one, so a fault after processing still shows the effect),
    /// `fault`, `error_code` and `correlation_id`. Each line is written when its request is
    /// answered, so a test in another process can read what the fake received while it runs,
    /// and after it is killed. The file holds every request (the capacity bounds only
    /// [`FakeOneNote::journal`]).
    pub fn journal_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.journal_file = Some(path.into());
        self
    }

    /// The address to listen on (default `127.0.0.1:0`, a free port).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Reads the files, builds the tenant's state, binds and starts serving (on the current
    /// tokio runtime).
    pub async fn start(self) -> Result<FakeOneNote, Error> {
        let tenant = match (&self.seed_file, self.tenant) {
            (Some(path), _) => Tenant::from_file(path)?,
            (None, Some(tenant)) => tenant,
            (None, None) => Tenant::demo(),
        };
        let plan = match &self.fault_file {
            // The file's plan, then the rules added with `fault` (the binary's `--fail-rate`
            // and the like next to `--faults`).
            Some(path) => {
                let mut file = FaultPlan::from_file(path)?;
                file.rules.extend(self.plan.rules);
                file
            }
            None => self.plan,
        };
        let clock = SharedClock(self.clock.unwrap_or_else(|| Arc::new(TokioClock)));
        let time = FakeTime::new(clock, self.start_time.unwrap_or_else(SystemTime::now));
        let state = seed::state(&tenant, self.seed, self.max_entities, time.timestamp())?;
        let journal_file = match &self.journal_file {
            Some(path) => Some(
                journal::JournalFile::create(path)
                    .map_err(|error| Error::JournalFile(path.clone(), error))?,
            ),
            None => None,
        };
        let listener = tokio::net::TcpListener::bind(self.listen)
            .await
            .map_err(Error::Bind)?;
        let addr = listener.local_addr().map_err(Error::Bind)?;
        let origin = format!("http://{addr}");
        let throttling = self.throttling.or(plan.throttling);
        let shared = Arc::new(Shared {
            world: Mutex::new(World {
                state,
                journal: journal::Journal::new(self.journal_capacity, journal_file),
                throttle: throttle::Throttle::new(throttling),
                faults: faults::Injector::new(plan.rules, plan.seed),
                ids: rng::Rng::new(self.seed ^ 0xC0FF_EE00),
            }),
            time,
            settings: api::Settings {
                origin: origin.clone(),
                page_size: self.page_size,
                pace: self.pace,
                api: self.api,
            },
            max_body: self.max_body_bytes,
            identity: identity::Identity::new(self.sign_in),
        });
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(server::serve(listener, shared.clone(), stopped));
        Ok(FakeOneNote {
            shared,
            clients: Mutex::default(),
            base_url: format!("{origin}/api"),
            addr,
            stop,
            task: Some(task),
        })
    }
}

/// A running fake OneNote service on 127.0.0.1. Dropping it stops the server; prefer
/// [`shutdown`](Self::shutdown), which also waits for open requests.
pub struct FakeOneNote {
    shared: Arc<Shared>,
    /// `client_for`'s clients, by lower-case UPN.
    clients: Mutex<HashMap<String, Client>>,
    base_url: String,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for FakeOneNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeOneNote")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl FakeOneNote {
    /// A builder: the demo tenant, no faults, no throttling, the default pace, a free port.
    pub fn builder() -> FakeOneNoteBuilder {
        FakeOneNoteBuilder::new()
    }

    /// The base URL to give clients in place of `https://www.onenote.com/api`
    /// (`http://127.0.0.1:{port}/api`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The base URL to give clients in place of `https://graph.microsoft.com`
    /// (`http://127.0.0.1:{port}`): Microsoft Graph's OneNote root is served there, over the
    /// same store (`/v1.0/me/onenote/…`).
    pub fn graph_base_url(&self) -> &str {
        self.base_url.strip_suffix("/api").unwrap_or(&self.base_url)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The bearer token that makes a request `upn`'s: `fake:{upn}`.
    pub fn token_for(upn: &str) -> String {
        format!("fake:{upn}")
    }

    /// A client builder for `upn`: this fake's base URLs (onenote.com's and Microsoft
    /// Graph's), the user's token, and the fake's clock, ready for more settings (timeouts,
    /// retry policy).
    pub fn client_builder_for(&self, upn: &str) -> ClientBuilder {
        Client::builder()
            .base_url(&self.base_url)
            .graph_base_url(self.graph_base_url())
            .bearer_token(Self::token_for(upn))
            .clock(self.shared.time.clock().clone())
    }

    /// A client that calls this fake as `upn`, with the client's defaults: retries, and pacing
    /// to OneNote's limits (past 120 requests a minute it waits, on the fake's clock: at once
    /// with a [`ManualClock`]; `client_builder_for(upn).pacing(Pacing::off())` turns that
    /// off). It is made once per user and cloned after (setting up a client's TLS takes tens of
    /// milliseconds). Fails only if the client cannot be built.
    pub fn client_for(&self, upn: &str) -> onenote_api::Result<Client> {
        let key = upn.to_ascii_lowercase();
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(client) = clients.get(&key) {
            return Ok(client.clone());
        }
        let client = self.client_builder_for(upn).build()?;
        clients.insert(key, client.clone());
        Ok(client)
    }

    /// A copy of the state now (operations paced by time moved along first).
    pub fn state(&self) -> State {
        self.shared.with_state(|ctx| ctx.state.clone())
    }

    /// Every request received so far (the last
    /// [`journal_capacity`](FakeOneNoteBuilder::journal_capacity), 10,000 by default), oldest
    /// first.
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.shared.lock().journal.entries()
    }

    /// How many requests the journal dropped for space (0 unless a run outgrew
    /// [`journal_capacity`](FakeOneNoteBuilder::journal_capacity)): a check over every request
    /// should assert this is 0.
    pub fn journal_dropped(&self) -> u64 {
        self.shared.lock().journal.dropped()
    }

    /// Why the [journal file](FakeOneNoteBuilder::journal_file) stopped being written (a full
    /// disk), if it did; then it lacks the requests since.
    pub fn journal_file_error(&self) -> Option<String> {
        self.shared.lock().journal.file_error().map(str::to_owned)
    }

    /// Forgets the journal kept in memory (the journal file keeps its lines).
    pub fn clear_journal(&self) {
        self.shared.lock().journal.clear();
    }

    /// Adds a fault rule now.
    pub fn inject(&self, rule: FaultRule) {
        self.shared.lock().faults.push(rule);
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Turns throttling on with these limits, or off with `None`.
    pub fn set_throttling(&self, limits: Option<Throttling>) {
        self.shared.lock().throttle.set_limits(limits);
    }

    /// Changes a group's owners and members (as Azure AD would), e.g. before
    /// `UpdateMembership`.
    pub fn set_group_membership<S: Into<String>>(
        &self,
        group_id: &str,
        owners: impl IntoIterator<Item = S>,
        members: impl IntoIterator<Item = S>,
    ) -> Result<(), Error> {
        let owners: Vec<String> = owners.into_iter().map(Into::into).collect();
        let members: Vec<String> = members.into_iter().map(Into::into).collect();
        let mut world = self.shared.lock();
        let state = &mut world.state;
        if let Some(unknown) = owners
            .iter()
            .chain(&members)
            .find(|upn| state.user(upn).is_none())
        {
            return Err(Error::NotFound(format!(
                "{unknown:?} is not a user of the tenant"
            )));
        }
        let Some(group) = state.group_mut(group_id) else {
            return Err(Error::NotFound(format!("there is no group {group_id:?}")));
        };
        group.owners = owners;
        group.members = members;
        Ok(())
    }

    /// Puts a page with minimal HTML in a section, without a request (clients create pages with
    /// `createPage`); returns its id.
    pub fn add_page(&self, section_id: &str, title: &str) -> Result<String, Error> {
        self.shared.with_state(|ctx| {
            ctx.state
                .add_page(None, section_id, title, None, ctx.now)
                .map_err(|error| Error::NotFound(error.message))
        })
    }

    /// Stops accepting connections, lets open requests finish (up to a second) and stops.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for FakeOneNote {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
