//! Strongly typed async client for the Microsoft OneNote class-notebook and permissions API.
//!
//! Start with a [`Client`], pick a location (`client.me()`, `client.user(id)`, `client.site(..)`,
//! `client.group(id)`), navigate to a resource and send a request:
//!
//! ```no_run
//! # async fn run() -> onenote_api::Result<()> {
//! use onenote_api::{Client, StaticToken};
//!
//! let client = Client::new(StaticToken::new("access-token"))?;
//! let notebooks = client.me().class_notebooks().list().top(10).send().await?;
//! for notebook in notebooks.value {
//!     println!("{:?}", notebook.name);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Each area of the API is a module whose page holds what the documents say about it:
//! [`class_notebooks`], [`permissions`] (which notebooks they apply to, how they are inherited
//! and which role wins), [`notebooks`], [`section_groups`], [`sections`], [`pages`], [`sites`],
//! [`operations`] and [`api`] (the locations). Everything in them is also at the crate root.
//!
//! The request builders, models and location roots are generated from the spec; this crate's
//! hand-written runtime sends them: authentication through a [`TokenProvider`] (cached and
//! refreshed before expiry), [`Pacing`] under OneNote's published limits, retries under a
//! [`RetryPolicy`], one [`Error`] type, [`Response`] metadata, paging with [`ItemStream`] and
//! asynchronous operations with [`OperationHandle`].
//!
//! Optional features: `azure` (`AzureCredential`: an `azure_identity` credential as the token
//! provider). The default `rustls-ring` sets up TLS; without it, pass your own `reqwest::Client`.

// docs.rs (`--cfg docsrs`) marks the items of optional features with the feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
#[cfg(feature = "azure")]
mod azure;
#[allow(
    dead_code,
    reason = "text and multipart bodies are used by generated code only where the spec declares \
              them (the constructs fixture does, in tests/constructs-client)"
)]
mod body;
mod builder;
mod byte_stream;
mod client;
mod clock;
mod datetime;
mod enum_value;
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
#[rustfmt::skip]
mod generated;
mod handle;
mod notes;
mod nullable;
pub mod odata;
mod operation;
mod origin;
mod pacing;
mod page_content;
mod paging;
pub mod path;
mod request;
mod response;
mod retry;
pub mod schema;
mod service;
mod tls;
mod transport;

pub use auth::{
    AccessToken, Audience, BoxError, REFRESH_BEFORE_EXPIRY, StaticToken, TokenFuture, TokenProvider,
};
#[cfg(feature = "azure")]
#[cfg_attr(docsrs, doc(cfg(feature = "azure")))]
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

/// The README's examples, compiled as doctests so they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
