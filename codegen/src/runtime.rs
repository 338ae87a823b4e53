//! The seam with the hand-written runtime (`onenote-api/src/`): every name it reserves, and what
//! it requires of the spec.
//!
//! Validation reads only this module to know what generated code must not collide with and what
//! the spec must provide. `tests/tests/runtime_seam.rs` parses the runtime with syn and fails,
//! naming the file to edit, when the runtime defines a name that is missing here (or a listed
//! name it no longer defines), so the two cannot drift apart.

/// One name the runtime defines, and the file that defines it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reserved {
    /// The Rust name (`execute`, `Client`).
    pub name: &'static str,
    /// Where it is defined, from the workspace root (`onenote-api/src/client.rs`).
    pub file: &'static str,
}

const fn at(file: &'static str, name: &'static str) -> Reserved {
    Reserved { name, file }
}

const CLIENT: &str = "onenote-api/src/client.rs";
const NOTES: &str = "onenote-api/src/notes.rs";
const LIB: &str = "onenote-api/src/lib.rs";
const BODY: &str = "onenote-api/src/body.rs";
const BUILDER: &str = "onenote-api/src/builder.rs";
const BYTE_STREAM: &str = "onenote-api/src/byte_stream.rs";
const HANDLE: &str = "onenote-api/src/handle.rs";
const AUTH: &str = "onenote-api/src/auth.rs";
const CLOCK: &str = "onenote-api/src/clock.rs";
const DATETIME: &str = "onenote-api/src/datetime.rs";
const ERROR: &str = "onenote-api/src/error.rs";
const NULLABLE: &str = "onenote-api/src/nullable.rs";
const OPERATION: &str = "onenote-api/src/operation.rs";
const PAGE_CONTENT: &str = "onenote-api/src/page_content.rs";
const PAGING: &str = "onenote-api/src/paging.rs";
const RETRY: &str = "onenote-api/src/retry.rs";
const PACING: &str = "onenote-api/src/pacing.rs";
const RESPONSE: &str = "onenote-api/src/response.rs";
const AZURE: &str = "onenote-api/src/azure.rs";
const SERVICE: &str = "onenote-api/src/service.rs";

/// Every method of `Client`, crate-private ones included (generated methods on the client, the
/// location accessors and version-root operations, must not take these names).
pub const CLIENT_METHODS: &[Reserved] = &[
    at(CLIENT, "audience"),
    at(CLIENT, "back_off"),
    at(CLIENT, "base_url"),
    at(CLIENT, "builder"),
    at(CLIENT, "check_origin"),
    at(CLIENT, "clock_arc"),
    at(CLIENT, "clone"),
    at(CLIENT, "execute"),
    at(CLIENT, "fmt"),
    at(CLIENT, "for_audience"),
    at(SERVICE, "graph"),
    at(CLIENT, "new"),
    at(CLIENT, "pacer"),
    at(CLIENT, "pacing_slot"),
    at(CLIENT, "retry_policy"),
    at(CLIENT, "root"),
    at(OPERATION, "send_accepted"),
    at(OPERATION, "send_accepted_with_meta"),
    at(CLIENT, "url_for"),
    at(CLIENT, "version"),
];

/// Every method of a navigation handle (`Handle<R, L>`: `Notes<L>` and every generated
/// resource handle).
pub const HANDLE_METHODS: &[Reserved] = &[
    at(HANDLE, "client"),
    at(HANDLE, "clone"),
    at(HANDLE, "fmt"),
    at(HANDLE, "new"),
    at(HANDLE, "path"),
];

/// Every method of a request builder (`Request<O>`) but the OData setters (query setters must
/// not take these names).
pub const BUILDER_METHODS: &[Reserved] = &[
    at(BUILDER, "fmt"),
    at(BUILDER, "into_call"),
    at(BUILDER, "max_bytes"),
    at(BUILDER, "new"),
    at(BUILDER, "respond_async"),
    at(BUILDER, "send"),
    at(BUILDER, "send_stream"),
    at(BUILDER, "send_with_meta"),
    at(BUILDER, "stream"),
];

/// The OData setters of request builders (`$filter` → `filter`, …): every option's name is
/// reserved on every builder.
pub const ODATA_SETTERS: &[Reserved] = &[
    at(BUILDER, "count"),
    at(BUILDER, "expand"),
    at(BUILDER, "filter"),
    at(BUILDER, "orderby"),
    at(BUILDER, "select"),
    at(BUILDER, "skip"),
    at(BUILDER, "top"),
];

/// Every name the runtime puts at the crate root: its types, traits and re-exports, and its
/// modules (a generated module of the same name would be hidden by it).
pub const ROOT_NAMES: &[Reserved] = &[
    at(AUTH, "AccessToken"),
    at(OPERATION, "AsyncRequest"),
    at(AUTH, "Audience"),
    at(AZURE, "AzureCredential"),
    at(AUTH, "BoxError"),
    at(BYTE_STREAM, "ByteStream"),
    at(LIB, "Bytes"),
    at(CLIENT, "Client"),
    at(CLIENT, "ClientBuilder"),
    at(CLOCK, "Clock"),
    at(DATETIME, "DateTime"),
    at(ERROR, "Error"),
    at(ERROR, "ErrorCode"),
    at(ERROR, "ErrorKind"),
    at(SERVICE, "GRAPH_BASE_URL"),
    at(SERVICE, "Graph"),
    at(SERVICE, "GraphService"),
    at(HANDLE, "Handle"),
    at(BUILDER, "HasAsyncForm"),
    at(ERROR, "InnerError"),
    at(PAGING, "ItemStream"),
    at(BUILDER, "Json"),
    at(PACING, "Limit"),
    at(NOTES, "Location"),
    at(BODY, "Multipart"),
    at(NOTES, "Notes"),
    at(NOTES, "NotesRoot"),
    at(NULLABLE, "Nullable"),
    at(AZURE, "ONENOTE_SCOPE"),
    at(BUILDER, "Operation"),
    at(OPERATION, "OperationHandle"),
    at(OPERATION, "OperationUpdates"),
    at(PACING, "Pacer"),
    at(PACING, "Pacing"),
    at(PACING, "PacingWait"),
    at(PAGING, "Page"),
    at(PAGE_CONTENT, "PageContent"),
    at(DATETIME, "ParseDateTimeError"),
    at(AUTH, "REFRESH_BEFORE_EXPIRY"),
    at(LIB, "ReadmeDoctests"),
    at(BUILDER, "Receive"),
    at(BUILDER, "Request"),
    at(RESPONSE, "Response"),
    at(ERROR, "Result"),
    at(RETRY, "RetryPolicy"),
    at(ERROR, "ServiceError"),
    at(AUTH, "StaticToken"),
    at(AUTH, "TokenFuture"),
    at(AUTH, "TokenProvider"),
    at(CLOCK, "TokioClock"),
    at(PACING, "WaitCause"),
    at(PACING, "WaitObserver"),
    at(OPERATION, "WaitOptions"),
];

/// The modules of the runtime crate's root (`onenote-api/src/lib.rs`).
pub const MODULES: &[Reserved] = &[
    at(LIB, "auth"),
    at(LIB, "azure"),
    at(LIB, "body"),
    at(LIB, "builder"),
    at(LIB, "byte_stream"),
    at(LIB, "client"),
    at(LIB, "clock"),
    at(LIB, "datetime"),
    at(LIB, "enum_value"),
    at(LIB, "error"),
    at(LIB, "fuzzing"),
    at(LIB, "generated"),
    at(LIB, "handle"),
    at(LIB, "notes"),
    at(LIB, "nullable"),
    at(LIB, "odata"),
    at(LIB, "operation"),
    at(LIB, "origin"),
    at(LIB, "pacing"),
    at(LIB, "page_content"),
    at(LIB, "paging"),
    at(LIB, "path"),
    at(LIB, "request"),
    at(LIB, "response"),
    at(LIB, "retry"),
    at(LIB, "schema"),
    at(LIB, "service"),
    at(LIB, "tls"),
    at(LIB, "transport"),
];

/// The modules the generator adds beside one per spec file: `op` (one type per operation),
/// `resource` (one marker per resource) and `tables` (the types' and operations' tables).
pub const GENERATED_MODULES: &[&str] = &["op", "resource", "tables"];

/// Names from Rust's prelude that generated code uses unqualified (`Option`, `String`, …):
/// a spec type with one of these names would shadow it.
pub const PRELUDE_NAMES: &[&str] = &[
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Drop",
    "Eq",
    "Err",
    "Fn",
    "From",
    "Hash",
    "Into",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "PartialEq",
    "Send",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "Vec",
];

/// Suffix of the generated request builders (`TransferClassNotebookRequest`); spec types may not
/// end in it, so a body type can never be confused with a builder.
pub const BUILDER_SUFFIX: &str = "Request";

/// The operation id the runtime gives its polls of an asynchronous operation's `Location`
/// (`onenote-api/src/operation.rs`, in errors and tracing). A spec operation with this id must
/// be that poll: a GET answered with the operation-status type.
pub const POLL_OPERATION: Reserved = at(OPERATION, "getOperation");

/// What the runtime requires of the spec: the types it names in hand-written code.
pub mod requires {
    use super::{ERROR, OPERATION, Reserved, at};

    /// What the "api" section generates that the runtime names (`Client` defaults to them).
    pub const FROM_API_SECTION: &[Reserved] = &[
        at(super::CLIENT, "DEFAULT_BASE_URL"),
        at(super::CLIENT, "Version"),
    ];

    /// Microsoft Graph's base URL, which `GraphService` defaults to (`GRAPH_BASE_URL` in
    /// `onenote-api/src/service.rs`): a spec's `api.graph.baseUrl` must be it.
    pub const GRAPH_BASE_URL: &str = "https://graph.microsoft.com";

    /// The object polls decode into (`OperationHandle::poll`, `ServiceError::from_operation`).
    pub const OPERATION_MODEL: Reserved = at(OPERATION, "OperationModel");

    /// One field the runtime reads from the operation-status object.
    #[derive(Clone, Copy, Debug)]
    pub struct FieldNeed {
        /// The JSON name.
        pub wire: &'static str,
        /// The Rust field name the runtime uses.
        pub rust: &'static str,
        /// The spec type it must have (`string`, `json`, or a type name).
        pub ty: &'static str,
        /// Where the runtime reads it.
        pub file: &'static str,
    }

    /// The fields of [`OPERATION_MODEL`] the runtime reads; each must be optional and not
    /// nullable (the runtime reads an `Option<T>`).
    pub const OPERATION_MODEL_FIELDS: &[FieldNeed] = &[
        FieldNeed {
            wire: "id",
            rust: "id",
            ty: "string",
            file: OPERATION,
        },
        FieldNeed {
            wire: "status",
            rust: "status",
            ty: OPERATION_STATUS.name,
            file: OPERATION,
        },
        FieldNeed {
            wire: "percentComplete",
            rust: "percent_complete",
            ty: "string",
            file: OPERATION,
        },
        FieldNeed {
            wire: "error",
            rust: "error",
            ty: "json",
            file: ERROR,
        },
        FieldNeed {
            wire: "@api.diagnostics",
            rust: "api_diagnostics",
            ty: "json",
            file: ERROR,
        },
    ];

    /// The enum of an operation's status.
    pub const OPERATION_STATUS: Reserved = at(OPERATION, "OperationStatus");

    /// The variants of [`OPERATION_STATUS`] the runtime matches to stop polling.
    pub const OPERATION_STATUS_VARIANTS: &[&str] = &["Completed", "Failed"];
}
