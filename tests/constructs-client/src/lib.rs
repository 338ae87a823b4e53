//! The every-construct fixture (`tests/fixtures/constructs/`) generated into a client over
//! onenote-api's hand-written runtime, so every construct the spec format has is compiled, not
//! only snapshotted.
//!
//! The runtime modules are onenote-api's own files, included by path, with the same module
//! list and re-exports as `onenote-api/src/lib.rs` (`tests/tests/runtime_seam.rs` keeps the two
//! the same); `src/generated/` is written by `cargo xtask codegen` from the fixture.
//!
//! The runtime's unit tests and doc examples run in onenote-api, against the real spec's client
//! (the examples name `onenote_api`); compiled here as a test (`cargo clippy --all-targets`
//! does) or collected for doctests (`cargo test --doc` overrides `doctest = false`) the crate is
//! empty, so they are not built against the fixture.
#![cfg(not(any(test, doctest)))]

#[path = "../../../onenote-api/src/auth.rs"]
mod auth;
#[cfg(feature = "azure")]
#[path = "../../../onenote-api/src/azure.rs"]
mod azure;
#[path = "../../../onenote-api/src/body.rs"]
mod body;
#[path = "../../../onenote-api/src/builder.rs"]
mod builder;
#[path = "../../../onenote-api/src/byte_stream.rs"]
mod byte_stream;
#[path = "../../../onenote-api/src/client.rs"]
mod client;
#[path = "../../../onenote-api/src/clock.rs"]
mod clock;
#[path = "../../../onenote-api/src/datetime.rs"]
mod datetime;
#[path = "../../../onenote-api/src/enum_value.rs"]
mod enum_value;
#[path = "../../../onenote-api/src/error.rs"]
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
#[path = "../../../onenote-api/src/fuzzing.rs"]
pub mod fuzzing;
#[rustfmt::skip]
mod generated;
#[path = "../../../onenote-api/src/handle.rs"]
mod handle;
#[path = "../../../onenote-api/src/notes.rs"]
mod notes;
#[path = "../../../onenote-api/src/nullable.rs"]
mod nullable;
#[path = "../../../onenote-api/src/odata.rs"]
pub mod odata;
#[path = "../../../onenote-api/src/operation.rs"]
mod operation;
#[path = "../../../onenote-api/src/origin.rs"]
mod origin;
#[path = "../../../onenote-api/src/pacing.rs"]
mod pacing;
#[path = "../../../onenote-api/src/page_content.rs"]
mod page_content;
#[path = "../../../onenote-api/src/paging.rs"]
mod paging;
#[path = "../../../onenote-api/src/path.rs"]
pub mod path;
#[path = "../../../onenote-api/src/request.rs"]
mod request;
#[path = "../../../onenote-api/src/response.rs"]
mod response;
#[path = "../../../onenote-api/src/retry.rs"]
mod retry;
#[path = "../../../onenote-api/src/schema/mod.rs"]
pub mod schema;
#[path = "../../../onenote-api/src/service.rs"]
mod service;
#[path = "../../../onenote-api/src/tls.rs"]
mod tls;
#[path = "../../../onenote-api/src/transport.rs"]
mod transport;

pub use auth::{
    AccessToken, Audience, BoxError, REFRESH_BEFORE_EXPIRY, StaticToken, TokenFuture, TokenProvider,
};
#[cfg(feature = "azure")]
pub use azure::{AzureCredential, ONENOTE_SCOPE};
pub use body::Multipart;
pub use builder::{HasAsyncForm, Json, Operation, Receive, Request};
pub use byte_stream::ByteStream;
pub use bytes::Bytes;
pub use client::{Client, ClientBuilder};
pub use clock::{Clock, TokioClock};
pub use datetime::{DateTime, ParseDateTimeError};
pub use error::{Error, ErrorCode, ErrorKind, InnerError, Result, ServiceError};
pub use generated::*;
pub use handle::Handle;
pub use notes::{Location, Notes, NotesRoot};
pub use nullable::Nullable;
pub use operation::{AsyncRequest, OperationHandle, OperationUpdates, WaitOptions};
pub use pacing::{Limit, Pacer, Pacing, PacingWait, WaitCause, WaitObserver};
pub use page_content::PageContent;
pub use paging::{ItemStream, Page};
pub use response::Response;
pub use retry::RetryPolicy;
pub use service::{GRAPH_BASE_URL, Graph, GraphService};
