//! The one error type: what failed, the service's error body, and the support identifiers.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use serde_json::Value;

use crate::OperationModel;
use crate::auth::{Audience, BoxError};

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How many bytes of a response body an error keeps.
const SNIPPET_BYTES: usize = 512;
/// Longest service-supplied text (code, message, URL) an error keeps, in characters.
const TEXT_CHARS: usize = 1024;
/// Most `@api.diagnostics` entries an error keeps.
const DIAGNOSTICS: usize = 16;

/// What kind of failure an [`Error`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The token provider failed or returned an unusable token; nothing was sent.
    Auth,
    /// Connecting, sending or reading the response failed.
    Transport,
    /// The connect or request timeout elapsed.
    Timeout,
    /// The service answered with a status other than success.
    Status,
    /// A write (`POST`, `PATCH` or `DELETE`) failed in a way that leaves its effect unknown:
    /// a 5xx without a code saying the service was throttling or busy, or a timeout or lost
    /// connection after the request went out. It was not sent again, because it may have taken
    /// effect: read the state before repeating it. [`Error::status`] and [`Error::code`] give
    /// the 5xx, when there was one; [`Error::method`], [`Error::url`] and
    /// [`Error::correlation_id`] name the request (see [`RetryPolicy`](crate::RetryPolicy) for
    /// which failures are repeated).
    OutcomeUnknown,
    /// The response body was not what the operation returns (malformed, truncated, wrong shape).
    Decode,
    /// An asynchronous operation reported `failed`.
    OperationFailed,
    /// An asynchronous operation did not finish within the wait timeout.
    OperationTimedOut,
    /// Waiting for an asynchronous operation was cancelled.
    Cancelled,
    /// The client's own pacing ([`Pacing`](crate::Pacing)) would have made the request wait
    /// longer than [`Pacing::max_wait`](crate::Pacing::max_wait) for a slot; nothing was sent.
    PacingLimit,
    /// The client was configured wrongly (base URL, TLS, missing token provider).
    InvalidConfig,
    /// A URL from the service or the caller (`Location`, `@odata.nextLink`) is unusable or not
    /// on the API origin, so it was not followed with the token.
    InvalidLocation,
    /// A paged listing returned an `@odata.nextLink` it had already returned.
    RepeatedLink,
    /// The request could not be built or breaks a rule the documents state, so it was not
    /// sent: the body did not serialize, a path segment (an id of `.` or `..`) would be
    /// rewritten by URL normalisation, or a value breaks its rule (an empty or too long name,
    /// an empty list, an `Unknown(…)` enum value: see [`schema`](crate::schema)). For a broken
    /// rule, [`Error::code`] is the code the service answers with.
    InvalidRequest,
}

/// The error body a service sends, parsed leniently: OneNote's and Microsoft Graph's.
///
/// The documents show no error body, so every part is optional. OneNote sends
/// `{"error":{"code":"…","message":"…","@api.url":"…","isRetriable":…},"@api.diagnostics":[…]}`;
/// Microsoft Graph sends `{"error":{"code":"…","message":"…","innerError":{"date":"…",
/// "request-id":"…","client-request-id":"…"}}}`, with OneNote's codes in `code` (`20166`
/// when it throttles).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ServiceError {
    /// `error.code`, as text (numbers are converted).
    pub code: Option<String>,
    /// `error.message` (or `error.message.value`).
    pub message: Option<String>,
    /// `error.@api.url`: a link to the code's documentation.
    pub api_url: Option<String>,
    /// `@api.diagnostics` entries, as sent (at most 16).
    pub diagnostics: Vec<Value>,
    /// `error.isRetriable`: the service's own word on whether repeating the request can help.
    pub retriable: Option<bool>,
    /// `error.innerError`: Microsoft Graph's ids of the request, when the body had any.
    pub inner_error: Option<InnerError>,
}

/// Microsoft Graph's `error.innerError`: what support needs to find a request.
///
/// Graph's reference pages print `requestId`; Graph itself, its metadata and its SDKs use
/// `request-id`. Both are read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct InnerError {
    /// `request-id`: the id Graph gave the request (its `request-id` response header too).
    pub request_id: Option<String>,
    /// `client-request-id`: the id of the client's `client-request-id` request header, or
    /// one Graph made up when the request had none.
    pub client_request_id: Option<String>,
    /// `date`: when Graph answered, as sent (UTC, without an offset:
    /// `2025-06-23T16:24:20`).
    pub date: Option<String>,
}

impl InnerError {
    /// Reads `innerError` (or OData's `innererror`); `None` when it names none of the three.
    fn from_value(value: &Value) -> Option<InnerError> {
        let inner = value.as_object()?;
        let text = |keys: &[&str]| {
            keys.iter()
                .find_map(|key| inner.get(*key)?.as_str().map(bounded))
        };
        let parsed = InnerError {
            request_id: text(&["request-id", "requestId"]),
            client_request_id: text(&["client-request-id"]),
            date: text(&["date"]),
        };
        (parsed != InnerError::default()).then_some(parsed)
    }
}

impl ServiceError {
    /// Parses an error body. Returns `None` for anything that is not a JSON object with at least
    /// one known field; never panics, whatever the bytes.
    pub fn from_body(body: &[u8]) -> Option<ServiceError> {
        Self::from_body_redacted(body, Redact::NONE)
    }

    /// [`from_body`](Self::from_body), with the token the client sent removed from every text.
    pub(crate) fn from_body_redacted(body: &[u8], redact: Redact<'_>) -> Option<ServiceError> {
        let mut value: Value = serde_json::from_slice(body).ok()?;
        // After parsing, so JSON-escaped spellings of the token are caught too.
        redact.value(&mut value);
        Self::from_value(&value)
    }

    /// Parses an already decoded error document (see [`from_body`](Self::from_body)).
    pub fn from_value(value: &Value) -> Option<ServiceError> {
        let top = value.as_object()?;
        let mut parsed = ServiceError::default();
        match top.get("error") {
            Some(Value::Object(error)) => {
                parsed.code = error.get("code").and_then(scalar_text);
                parsed.message = error.get("message").and_then(message_text);
                parsed.api_url = error.get("@api.url").and_then(scalar_text);
                parsed.retriable = error.get("isRetriable").and_then(Value::as_bool);
                parsed.inner_error = ["innerError", "innererror"]
                    .iter()
                    .find_map(|key| InnerError::from_value(error.get(*key)?));
                if let Some(diagnostics) = error.get("@api.diagnostics") {
                    push_diagnostics(&mut parsed.diagnostics, diagnostics);
                }
            }
            // OAuth-style `{"error":"invalid_token","error_description":"…"}`.
            Some(Value::String(code)) => {
                parsed.code = Some(bounded(code));
                parsed.message = top.get("error_description").and_then(message_text);
            }
            _ => {}
        }
        // A bare `{code, message}` (the operation error shape).
        if parsed.code.is_none() {
            parsed.code = top.get("code").and_then(scalar_text);
        }
        if parsed.message.is_none() {
            parsed.message = top.get("message").and_then(message_text);
        }
        if parsed.api_url.is_none() {
            parsed.api_url = top.get("@api.url").and_then(scalar_text);
        }
        if parsed.retriable.is_none() {
            parsed.retriable = top.get("isRetriable").and_then(Value::as_bool);
        }
        if let Some(diagnostics) = top.get("@api.diagnostics") {
            push_diagnostics(&mut parsed.diagnostics, diagnostics);
        }
        let empty = parsed.code.is_none()
            && parsed.message.is_none()
            && parsed.api_url.is_none()
            && parsed.retriable.is_none()
            && parsed.inner_error.is_none()
            && parsed.diagnostics.is_empty();
        (!empty).then_some(parsed)
    }

    /// The error of a failed operation: its `error` (an object or a string) and
    /// `@api.diagnostics`.
    pub(crate) fn from_operation(model: &OperationModel) -> ServiceError {
        let mut document = serde_json::Map::new();
        match &model.error {
            Some(Value::String(message)) => {
                document.insert("message".into(), Value::String(message.clone()));
            }
            Some(error) => {
                document.insert("error".into(), error.clone());
            }
            None => {}
        }
        if let Some(diagnostics) = &model.api_diagnostics {
            document.insert("@api.diagnostics".into(), diagnostics.clone());
        }
        Self::from_value(&Value::Object(document)).unwrap_or_default()
    }

    /// The code as an [`ErrorCode`].
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.code.as_deref().map(ErrorCode::from)
    }
}

fn push_diagnostics(into: &mut Vec<Value>, diagnostics: &Value) {
    let room = DIAGNOSTICS.saturating_sub(into.len());
    match diagnostics {
        Value::Array(items) => into.extend(items.iter().take(room).cloned()),
        Value::Null => {}
        other if room > 0 => into.push(other.clone()),
        _ => {}
    }
}

/// A string or number as bounded text.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(bounded(text)),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// A message: a string, or OData v3's `{"lang":"en-US","value":"…"}`.
fn message_text(value: &Value) -> Option<String> {
    match value {
        Value::Object(object) => object.get("value").and_then(scalar_text),
        other => scalar_text(other),
    }
}

fn bounded(text: &str) -> String {
    text.chars().take(TEXT_CHARS).collect()
}

/// What replaces the access token in text kept from the service.
const REDACTED: &str = "<redacted>";
/// Shorter secrets are not searched for: they would match ordinary words (and are no real
/// tokens).
const MIN_SECRET_BYTES: usize = 8;

/// Removes the access token the client sent from text the service sent back (some proxies and
/// 401 bodies echo it), before any of it is kept in an [`Error`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Redact<'a>(Option<&'a str>);

impl<'a> Redact<'a> {
    /// Redacts nothing: no token was sent.
    pub(crate) const NONE: Redact<'static> = Redact(None);

    /// Redacts `secret` (when it is long enough to be a token).
    pub(crate) fn secret(secret: &'a str) -> Self {
        Self((secret.len() >= MIN_SECRET_BYTES).then_some(secret))
    }

    /// `text` with every occurrence of the secret replaced.
    pub(crate) fn text<'t>(&self, text: &'t str) -> Cow<'t, str> {
        match self.0 {
            Some(secret) if text.contains(secret) => Cow::Owned(text.replace(secret, REDACTED)),
            _ => Cow::Borrowed(text),
        }
    }

    /// `bytes` with every occurrence of the secret replaced.
    pub(crate) fn bytes<'t>(&self, bytes: &'t [u8]) -> Cow<'t, [u8]> {
        let Some(secret) = self.0.map(str::as_bytes) else {
            return Cow::Borrowed(bytes);
        };
        let Some(first) = find(bytes, secret) else {
            return Cow::Borrowed(bytes);
        };
        let mut out = Vec::with_capacity(bytes.len());
        let mut rest = bytes;
        let mut at = Some(first);
        while let Some(index) = at {
            out.extend_from_slice(&rest[..index]);
            out.extend_from_slice(REDACTED.as_bytes());
            rest = &rest[index + secret.len()..];
            at = find(rest, secret);
        }
        out.extend_from_slice(rest);
        Cow::Owned(out)
    }

    /// Redacts every string (and object key) inside `value`.
    fn value(&self, value: &mut Value) {
        if self.0.is_none() {
            return;
        }
        match value {
            Value::String(text) => {
                if let Cow::Owned(redacted) = self.text(text) {
                    *text = redacted;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.value(item)),
            Value::Object(map) => {
                let entries = std::mem::take(map);
                for (key, mut item) in entries {
                    self.value(&mut item);
                    map.insert(self.text(&key).into_owned(), item);
                }
            }
            _ => {}
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return None;
    }
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The first bytes of a body as text, for errors: at most 512 bytes, invalid UTF-8 replaced,
/// `…` appended when cut.
pub(crate) fn snippet(body: &[u8]) -> String {
    let cut = body.len() > SNIPPET_BYTES;
    let head = &body[..body.len().min(SNIPPET_BYTES)];
    let mut text = String::from_utf8_lossy(head).into_owned();
    if cut {
        text.push('…');
    }
    text
}

/// Well-known OneNote error codes (`error.code`), from Microsoft's published list.
///
/// Codes this crate does not name are kept in [`Other`](Self::Other) exactly as received.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// 10001: an unexpected service error.
    UnexpectedError,
    /// 10002: the service is unavailable.
    ServiceUnavailable,
    /// 10003: the account has too many active requests; repeat the request.
    TooManyActiveRequests,
    /// 10004: the section is password protected.
    SectionPasswordProtected,
    /// 10006: the section is corrupt.
    SectionCorrupt,
    /// 10007: the server is too busy; try again later.
    ServerBusy,
    /// 10008: a document library holds more than 5,000 OneNote items.
    LibraryTooManyOneNoteItems,
    /// 10012: the library requires check-out before editing.
    LibraryRequiresCheckout,
    /// 10013: a document library holds more than 20,000 items.
    LibraryTooManyItems,
    /// 10014: Azure Key Vault is too busy; try again later.
    KeyVaultBusy,
    /// 10015: SharePoint is unavailable; try again later.
    SharePointUnavailable,
    /// 10016: a document library exceeds the unique security scope limit.
    LibraryTooManySecurityScopes,
    /// 10017: bad request.
    BadRequest,
    /// 19999: an undetermined error.
    UndeterminedError,
    /// 20020: the request body is malformed JSON.
    MalformedJson,
    /// 20100: the request has a syntax error.
    SyntaxError,
    /// 20101: the requested property does not exist.
    PropertyNotFound,
    /// 20102: the requested resource does not exist.
    ResourceNotFound,
    /// 20103: `expand` is not supported for this request.
    ExpandNotSupported,
    /// 20106: the query uses an unsupported operator.
    UnsupportedQueryOperator,
    /// 20108: the query uses unsupported OData parameters.
    UnsupportedQueryParameter,
    /// 20109: the PATCH payload is malformed.
    InvalidPatchPayload,
    /// 20111: the request uses an unsupported OData feature.
    UnsupportedODataFeature,
    /// 20112: an invalid notebook, section group, section or page id.
    InvalidEntityId,
    /// 20113: the resource was deleted.
    ResourceDeleted,
    /// 20115: the name contains invalid characters.
    InvalidNameCharacters,
    /// 20117: an item with this name already exists in this location.
    NameAlreadyExists,
    /// 20126: the body is malformed JSON or has unsupported fields.
    InvalidBody,
    /// 20127: an unknown property was named.
    UnknownProperty,
    /// 20128: an OData syntax error.
    ODataSyntaxError,
    /// 20129: `top` is too high.
    TopTooHigh,
    /// 20131: an invalid `Content-Type`.
    InvalidContentType,
    /// 20132: invalid or missing content.
    InvalidContent,
    /// 20143: the OData query is invalid.
    InvalidODataQuery,
    /// 20152: the entity has no name.
    MissingName,
    /// 20153: the entity name contains invalid characters.
    InvalidEntityName,
    /// 20154: the entity name starts with a space.
    NameStartsWithSpace,
    /// 20155: the entity name is too long.
    NameTooLong,
    /// 20156: the destination resource does not exist.
    DestinationNotFound,
    /// 20157: the destination id is invalid.
    InvalidDestinationId,
    /// 20158: no site metadata for the given site URL.
    SiteMetadataUnavailable,
    /// 20160: no unified group has this id.
    GroupNotFound,
    /// 20161: the context has no valid user id.
    InvalidUserId,
    /// 20166: too many requests for this user in a short time (throttled, with HTTP 429).
    Throttled,
    /// 20266: too many sections for this request.
    TooManySections,
    /// 30101: the account exceeded its OneDrive quota.
    QuotaExceeded,
    /// 30102: the section reached its maximum size.
    SectionFull,
    /// 30103: resource consumption too high for the request.
    ResourceConsumptionTooHigh,
    /// 30104: the account is suspended.
    AccountSuspended,
    /// 30105: the personal OneDrive for Business site is not provisioned yet.
    PersonalSiteNotProvisioned,
    /// 30106: OneDrive for Business is being provisioned.
    PersonalSiteProvisioning,
    /// 30108: the personal OneDrive for Business could not be retrieved.
    PersonalSiteUnavailable,
    /// 30109: some users in the request do not exist.
    UsersNotFound,
    /// 30110: Student Information Services is not registered for the tenant.
    StudentInformationServicesNotRegistered,
    /// 30111: a Student Information Services error.
    StudentInformationServicesError,
    /// 30112: several affected users share a user name.
    DuplicateUserNames,
    /// 30113: the notebook does not allow invites.
    InvitesNotAllowed,
    /// 30114: a required parameter is missing.
    MissingParameter,
    /// 40001: the request has no valid OAuth token.
    InvalidToken,
    /// 40002: no permission to write to the location.
    WriteDenied,
    /// 40003: no permission to access the resource.
    AccessDenied,
    /// 40004: the token lacks the required scopes.
    InsufficientScope,
    /// 40006: the token lacks the edit scope.
    InsufficientEditScope,
    /// 40007: no permission to access this resource.
    ResourceAccessDenied,
    /// 40008: access to the resource is forbidden.
    Forbidden,
    /// 40009: the container is used by another resource.
    ContainerInUse,
    /// Any other code, exactly as received.
    Other(String),
}

/// (numeric code, variant) for every named code.
const CODES: &[(&str, ErrorCode)] = &[
    ("10001", ErrorCode::UnexpectedError),
    ("10002", ErrorCode::ServiceUnavailable),
    ("10003", ErrorCode::TooManyActiveRequests),
    ("10004", ErrorCode::SectionPasswordProtected),
    ("10006", ErrorCode::SectionCorrupt),
    ("10007", ErrorCode::ServerBusy),
    ("10008", ErrorCode::LibraryTooManyOneNoteItems),
    ("10012", ErrorCode::LibraryRequiresCheckout),
    ("10013", ErrorCode::LibraryTooManyItems),
    ("10014", ErrorCode::KeyVaultBusy),
    ("10015", ErrorCode::SharePointUnavailable),
    ("10016", ErrorCode::LibraryTooManySecurityScopes),
    ("10017", ErrorCode::BadRequest),
    ("19999", ErrorCode::UndeterminedError),
    ("20020", ErrorCode::MalformedJson),
    ("20100", ErrorCode::SyntaxError),
    ("20101", ErrorCode::PropertyNotFound),
    ("20102", ErrorCode::ResourceNotFound),
    ("20103", ErrorCode::ExpandNotSupported),
    ("20106", ErrorCode::UnsupportedQueryOperator),
    ("20108", ErrorCode::UnsupportedQueryParameter),
    ("20109", ErrorCode::InvalidPatchPayload),
    ("20111", ErrorCode::UnsupportedODataFeature),
    ("20112", ErrorCode::InvalidEntityId),
    ("20113", ErrorCode::ResourceDeleted),
    ("20115", ErrorCode::InvalidNameCharacters),
    ("20117", ErrorCode::NameAlreadyExists),
    ("20126", ErrorCode::InvalidBody),
    ("20127", ErrorCode::UnknownProperty),
    ("20128", ErrorCode::ODataSyntaxError),
    ("20129", ErrorCode::TopTooHigh),
    ("20131", ErrorCode::InvalidContentType),
    ("20132", ErrorCode::InvalidContent),
    ("20143", ErrorCode::InvalidODataQuery),
    ("20152", ErrorCode::MissingName),
    ("20153", ErrorCode::InvalidEntityName),
    ("20154", ErrorCode::NameStartsWithSpace),
    ("20155", ErrorCode::NameTooLong),
    ("20156", ErrorCode::DestinationNotFound),
    ("20157", ErrorCode::InvalidDestinationId),
    ("20158", ErrorCode::SiteMetadataUnavailable),
    ("20160", ErrorCode::GroupNotFound),
    ("20161", ErrorCode::InvalidUserId),
    ("20166", ErrorCode::Throttled),
    ("20266", ErrorCode::TooManySections),
    ("30101", ErrorCode::QuotaExceeded),
    ("30102", ErrorCode::SectionFull),
    ("30103", ErrorCode::ResourceConsumptionTooHigh),
    ("30104", ErrorCode::AccountSuspended),
    ("30105", ErrorCode::PersonalSiteNotProvisioned),
    ("30106", ErrorCode::PersonalSiteProvisioning),
    ("30108", ErrorCode::PersonalSiteUnavailable),
    ("30109", ErrorCode::UsersNotFound),
    ("30110", ErrorCode::StudentInformationServicesNotRegistered),
    ("30111", ErrorCode::StudentInformationServicesError),
    ("30112", ErrorCode::DuplicateUserNames),
    ("30113", ErrorCode::InvitesNotAllowed),
    ("30114", ErrorCode::MissingParameter),
    ("40001", ErrorCode::InvalidToken),
    ("40002", ErrorCode::WriteDenied),
    ("40003", ErrorCode::AccessDenied),
    ("40004", ErrorCode::InsufficientScope),
    ("40006", ErrorCode::InsufficientEditScope),
    ("40007", ErrorCode::ResourceAccessDenied),
    ("40008", ErrorCode::Forbidden),
    ("40009", ErrorCode::ContainerInUse),
];

impl ErrorCode {
    /// The code as the service sends it (`"20102"`).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Other(code) => code,
            known => CODES
                .iter()
                .find(|(_, variant)| variant == known)
                .map_or("", |(code, _)| code),
        }
    }

    /// Whether the code says the service is busy or throttling, so the same request may succeed
    /// later.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::ServiceUnavailable
                | Self::TooManyActiveRequests
                | Self::ServerBusy
                | Self::KeyVaultBusy
                | Self::SharePointUnavailable
                | Self::Throttled
                | Self::ResourceConsumptionTooHigh
                | Self::PersonalSiteProvisioning
        )
    }

    /// Whether the code is an authentication or authorization failure (40001–49999).
    pub fn is_auth(&self) -> bool {
        self.as_str().len() == 5 && self.as_str().starts_with('4')
    }
}

impl From<&str> for ErrorCode {
    fn from(code: &str) -> Self {
        let trimmed = code.trim();
        CODES
            .iter()
            .find(|(known, _)| *known == trimmed)
            .map_or_else(
                || Self::Other(code.to_owned()),
                |(_, variant)| variant.clone(),
            )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why retrying stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GaveUp {
    /// The failure is not worth repeating, or not safe to repeat for the method (the message
    /// says nothing more).
    NotRetryable,
    /// The attempt limit was reached.
    Attempts,
    /// The next wait would have exceeded the wait budget.
    Budget {
        /// The wait that was not taken.
        next: Duration,
        /// The policy's total wait budget.
        budget: Duration,
    },
}

/// Facts about the response an error came from.
#[derive(Clone, Debug, Default)]
pub(crate) struct ResponseInfo {
    /// The service that answered: which header `correlation_id` came from.
    pub(crate) audience: Option<Audience>,
    pub(crate) status: Option<u16>,
    pub(crate) correlation_id: Option<String>,
    pub(crate) date: Option<String>,
    pub(crate) retry_after: Option<Duration>,
}

impl ResponseInfo {
    /// The same facts with the token removed from the header texts (a server or proxy may echo
    /// the `Authorization` value into any header).
    pub(crate) fn redacted(self, redact: Redact<'_>) -> Self {
        let text = |value: Option<String>| value.map(|v| redact.text(&v).into_owned());
        ResponseInfo {
            correlation_id: text(self.correlation_id),
            date: text(self.date),
            ..self
        }
    }
}

/// Everything that goes wrong in this crate.
///
/// `Display` gives one line with the operation, status, service code and message, the
/// correlation id and, after retries, how many attempts were made and how long the client waited.
/// The accessors give the same facts as data. No error ever holds the access token.
pub struct Error(Box<Inner>);

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    operation: Option<&'static str>,
    /// The method and URL of the request that failed, when one was sent.
    request: Option<(&'static str, String)>,
    detail: Option<String>,
    response: ResponseInfo,
    service: Option<ServiceError>,
    body_snippet: Option<String>,
    retryable: bool,
    attempts: u32,
    waited: Duration,
    gave_up: Option<GaveUp>,
    source: Option<BoxError>,
    operation_model: Option<Box<OperationModel>>,
    /// The service's code for the rule a refused request breaks (`InvalidRequest`).
    rule_code: Option<&'static str>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, operation: Option<&'static str>) -> Self {
        Self(Box::new(Inner {
            kind,
            operation,
            request: None,
            detail: None,
            response: ResponseInfo::default(),
            service: None,
            body_snippet: None,
            retryable: false,
            attempts: 0,
            waited: Duration::ZERO,
            gave_up: None,
            source: None,
            operation_model: None,
            rule_code: None,
        }))
    }

    /// An `InvalidConfig` error with `detail`.
    pub(crate) fn config(detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidConfig, None).with_detail(detail)
    }

    /// A non-success response: status, support headers and the parsed error body, with the
    /// token the client sent redacted from all of it.
    pub(crate) fn from_status(
        operation: &'static str,
        response: ResponseInfo,
        body: &[u8],
        redact: Redact<'_>,
    ) -> Self {
        let body = redact.bytes(body);
        let mut error = Self::new(ErrorKind::Status, Some(operation));
        error.0.service = ServiceError::from_body_redacted(&body, redact);
        if !body.is_empty() {
            error.0.body_snippet = Some(snippet(&body));
        }
        error.0.response = response.redacted(redact);
        error
    }

    /// A success response whose body did not decode, with the token the client sent redacted.
    pub(crate) fn decode(
        operation: &'static str,
        response: ResponseInfo,
        body: &[u8],
        reason: &str,
        redact: Redact<'_>,
    ) -> Self {
        // serde quotes offending values, which can be as long as the body: bound the reason.
        let reason: String = redact.text(reason).chars().take(TEXT_CHARS).collect();
        let mut error = Self::new(ErrorKind::Decode, Some(operation)).with_detail(reason);
        error.0.body_snippet = Some(snippet(&redact.bytes(body)));
        error.0.response = response.redacted(redact);
        error
    }

    /// The same error as another kind (a status that leaves a write's outcome unknown).
    pub(crate) fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.0.kind = kind;
        self
    }

    /// The request that failed: its method and URL (the token is in a header, never in it).
    pub(crate) fn with_request(mut self, method: &'static str, url: &reqwest::Url) -> Self {
        self.0.request = Some((method, url.as_str().to_owned()));
        self
    }

    pub(crate) fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.0.detail = Some(detail.into());
        self
    }

    pub(crate) fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.0.source = Some(source.into());
        self
    }

    pub(crate) fn with_response(mut self, response: ResponseInfo) -> Self {
        self.0.response = response;
        self
    }

    pub(crate) fn with_service(mut self, service: ServiceError) -> Self {
        self.0.service = Some(service);
        self
    }

    /// The service's code for the rule a refused request breaks.
    pub(crate) fn with_rule_code(mut self, code: Option<&'static str>) -> Self {
        self.0.rule_code = code;
        self
    }

    pub(crate) fn with_operation_model(mut self, model: OperationModel) -> Self {
        self.0.operation_model = Some(Box::new(model));
        self
    }

    /// Whether sending the same request again later may succeed.
    pub(crate) fn with_retryable(mut self, retryable: bool) -> Self {
        self.0.retryable = retryable;
        self
    }

    /// How many attempts were made, how long was waited between them and why retrying stopped.
    pub(crate) fn with_attempts(
        mut self,
        attempts: u32,
        waited: Duration,
        gave_up: Option<GaveUp>,
    ) -> Self {
        self.0.attempts = attempts;
        self.0.waited = waited;
        self.0.gave_up = gave_up;
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.0.response.status
    }

    /// The service's error code (`error.code`), when the body had one; for a request refused
    /// before sending for breaking a rule ([`ErrorKind::InvalidRequest`]), the code the service
    /// answers with.
    pub fn code(&self) -> Option<ErrorCode> {
        match &self.0.service {
            Some(service) => service.error_code(),
            None => self.0.rule_code.map(ErrorCode::from),
        }
    }

    /// The service's error message (`error.message`), when the body had one.
    pub fn message(&self) -> Option<&str> {
        self.0.service.as_ref()?.message.as_deref()
    }

    /// The service's own word on whether repeating the request can help (`error.isRetriable`
    /// in the error body), when it gave one. The retry policy honours it: `false` stops
    /// retries; `true` allows them for a `GET` (see [`RetryPolicy`](crate::RetryPolicy)).
    pub fn service_retriable(&self) -> Option<bool> {
        self.0.service.as_ref()?.retriable
    }

    /// The parsed error body (code, message, `@api.url`, `@api.diagnostics`), or for a failed
    /// operation its `error` and `@api.diagnostics`.
    pub fn service_error(&self) -> Option<&ServiceError> {
        self.0.service.as_ref()
    }

    /// The service's `@api.diagnostics` entries (at most 16), as sent; empty when there were
    /// none. The same for a failed call, where they stand beside `error` in the body (001
    /// documents them for create, get, adding and removing students and teachers,
    /// `DistributePageToStudent`, the page lock, `UpdateMembership` and `RepairNotebook`), and
    /// for a failed asynchronous operation, where they stand beside its `error`.
    pub fn diagnostics(&self) -> &[Value] {
        self.0
            .service
            .as_ref()
            .map_or(&[], |service| service.diagnostics.as_slice())
    }

    /// The start of the response body (at most 512 bytes), for errors that had one.
    pub fn body_snippet(&self) -> Option<&str> {
        self.0.body_snippet.as_deref()
    }

    /// The id the service gave the request, to quote with [`date`](Self::date) to Microsoft
    /// support: the `X-CorrelationId` response header from OneNote, the `request-id` header
    /// from Microsoft Graph (see [`Audience::correlation_header`]), or, without that header,
    /// the `request-id` of Graph's error body ([`inner_error`](Self::inner_error)).
    pub fn correlation_id(&self) -> Option<&str> {
        self.correlation().map(|(_, id)| id)
    }

    /// The correlation id and the name it has: the header's, or `request-id` from the body.
    fn correlation(&self) -> Option<(&'static str, &str)> {
        let response = &self.0.response;
        if let Some(id) = &response.correlation_id {
            let header = response.audience.unwrap_or(Audience::OneNote);
            return Some((header.correlation_header(), id));
        }
        let id = self.inner_error()?.request_id.as_deref()?;
        Some((Audience::Graph.correlation_header(), id))
    }

    /// Microsoft Graph's `innerError` from the error body (`request-id`, `client-request-id`,
    /// `date`), when it had one.
    pub fn inner_error(&self) -> Option<&InnerError> {
        self.0.service.as_ref()?.inner_error.as_ref()
    }

    /// The `Date` response header, as sent.
    pub fn date(&self) -> Option<&str> {
        self.0.response.date.as_deref()
    }

    /// The wait the service asked for with `Retry-After`, on the last response.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.response.retry_after
    }

    /// Whether sending the same request again later is safe and may succeed, as the retry
    /// policy judges it: throttling, busy codes and lost connections, and for `GET` also 5xx
    /// statuses and timeouts, unless the service said `isRetriable: false` (see
    /// [`service_retriable`](Self::service_retriable)); also an operation wait that timed out.
    /// Never for [`ErrorKind::OutcomeUnknown`]: check the state first.
    pub fn is_retryable(&self) -> bool {
        self.0.retryable
    }

    /// The HTTP method of the request that failed (`POST`), when one was sent.
    pub fn method(&self) -> Option<&str> {
        self.0.request.as_ref().map(|(method, _)| *method)
    }

    /// The URL of the request that failed, when one was sent (with its query; tokens travel in
    /// a header, never in it).
    pub fn url(&self) -> Option<&str> {
        self.0.request.as_ref().map(|(_, url)| url.as_str())
    }

    /// The operation id of the failed call (`createClassNotebook`), when there was a call.
    pub fn operation(&self) -> Option<&str> {
        self.0.operation
    }

    /// How many attempts were sent (0 when the request was refused before sending).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }

    /// The total time spent waiting between attempts.
    pub fn waited(&self) -> Duration {
        self.0.waited
    }

    /// The last operation status seen, for `OperationFailed`, `OperationTimedOut` and
    /// `Cancelled`.
    pub fn operation_model(&self) -> Option<&OperationModel> {
        self.0.operation_model.as_deref()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.0;
        if let Some(operation) = inner.operation {
            write!(f, "{operation}: ")?;
        }
        let detail = inner.detail.as_deref().map(one_line);
        match inner.kind {
            ErrorKind::Status => {
                self.write_answer(f, inner.response.status.unwrap_or(0))?;
                if let Some(detail) = &detail {
                    write!(f, "; {detail}")?;
                }
            }
            ErrorKind::Decode => {
                let status = inner.response.status.unwrap_or(0);
                write!(f, "could not decode the HTTP {status} response body")?;
                if let Some(detail) = &detail {
                    write!(f, ": {detail}")?;
                }
                if let Some(body) = &inner.body_snippet {
                    write!(f, "; body {:?}", short(body))?;
                }
            }
            ErrorKind::OutcomeUnknown => {
                f.write_str("outcome unknown: ")?;
                if let Some((method, url)) = &inner.request {
                    write!(f, "{method} {} ", one_line(url))?;
                }
                match inner.response.status {
                    Some(status) => {
                        f.write_str("answered ")?;
                        self.write_answer(f, status)?;
                    }
                    None => f.write_str(detail.as_deref().unwrap_or("got no answer"))?,
                }
            }
            ErrorKind::OperationFailed => {
                f.write_str("the operation failed")?;
                self.write_service(f)?;
            }
            ErrorKind::InvalidConfig => {
                write!(
                    f,
                    "invalid client configuration: {}",
                    detail.unwrap_or_default()
                )?;
            }
            _ => {
                f.write_str(detail.as_deref().unwrap_or(kind_text(inner.kind)))?;
            }
        }
        if let Some(source) = &inner.source {
            write!(f, ": {}", one_line(&source_chain(source.as_ref())))?;
        }
        if inner.kind == ErrorKind::OutcomeUnknown {
            f.write_str(
                "; it may have taken effect, so it was not sent again: check the state before \
                 repeating it",
            )?;
        }
        match inner.gave_up {
            None | Some(GaveUp::NotRetryable) => {}
            Some(GaveUp::Attempts) => write!(
                f,
                "; gave up after {} attempt{}, waited {:?}",
                inner.attempts,
                plural(inner.attempts),
                inner.waited
            )?,
            Some(GaveUp::Budget { next, budget }) => write!(
                f,
                "; gave up after {} attempt{}, waited {:?}: the next wait of {next:?} would \
                 exceed the retry budget of {budget:?}",
                inner.attempts,
                plural(inner.attempts),
                inner.waited
            )?,
        }
        if let Some((name, id)) = self.correlation() {
            write!(f, " ({name} {})", one_line(id))?;
        }
        Ok(())
    }
}

impl Error {
    /// `HTTP 503 Service Unavailable, code C: message`, or the start of the body when it had no
    /// service error.
    fn write_answer(&self, f: &mut fmt::Formatter<'_>, status: u16) -> fmt::Result {
        write!(f, "HTTP {status}")?;
        if let Some(reason) = reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
        {
            write!(f, " {reason}")?;
        }
        self.write_service(f)?;
        if self.0.service.is_none()
            && let Some(body) = &self.0.body_snippet
        {
            write!(f, "; body {:?}", short(body))?;
        }
        Ok(())
    }

    /// `, code C: message` from the service error, when there is one.
    fn write_service(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(service) = &self.0.service {
            if let Some(code) = &service.code {
                write!(f, ", code {}", one_line(code))?;
            }
            if let Some(message) = &service.message {
                write!(f, ": {}", one_line(message))?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_ref()
            .map(|source| source.as_ref() as &(dyn std::error::Error + 'static))
    }
}

fn kind_text(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Auth => "could not get an access token",
        ErrorKind::Transport => "request failed",
        ErrorKind::Timeout => "request timed out",
        ErrorKind::Status => "unexpected status",
        ErrorKind::OutcomeUnknown => "outcome unknown",
        ErrorKind::Decode => "could not decode the response",
        ErrorKind::OperationFailed => "the operation failed",
        ErrorKind::OperationTimedOut => "the operation did not finish in time",
        ErrorKind::Cancelled => "cancelled",
        ErrorKind::PacingLimit => "the client's pacing limit would have been exceeded",
        ErrorKind::InvalidConfig => "invalid client configuration",
        ErrorKind::InvalidLocation => "refused a URL that is not on the API origin",
        ErrorKind::RepeatedLink => "the service repeated a page link",
        ErrorKind::InvalidRequest => "invalid request",
    }
}

fn plural(count: u32) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// `error: cause: cause`, following `source()`.
fn source_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    // Bounded: a cyclic or very deep chain must not make a huge message.
    for _ in 0..8 {
        let Some(cause) = next else { break };
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        next = cause.source();
    }
    text
}

/// Text from outside (service, transport) made safe for a one-line message: control characters
/// and every other line break (NEL U+0085 is a control character; the Unicode line and
/// paragraph separators U+2028 and U+2029 are not) become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The first 200 characters, for messages (the full snippet stays available).
fn short(text: &str) -> String {
    let mut cut: String = text.chars().take(200).collect();
    if cut.len() < text.len() && !cut.ends_with('…') {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn response(status: u16) -> ResponseInfo {
        ResponseInfo {
            audience: Some(Audience::OneNote),
            status: Some(status),
            correlation_id: Some("8a3d1c55-6c1e-4f2e-9b7a-0d1c2e3f4a5b".into()),
            date: Some("Sun, 25 Feb 2018 23:17:16 GMT".into()),
            retry_after: None,
        }
    }

    #[test]
    fn parses_the_onenote_error_body() {
        let body = br#"{"error":{"code":"20102","message":"The requested resource does not exist.","@api.url":"http://aka.ms/onenote-errors#C20102"},"@api.diagnostics":[{"message":"d1"}]}"#;
        let parsed = ServiceError::from_body(body).unwrap();
        assert_eq!(parsed.code.as_deref(), Some("20102"));
        assert_eq!(
            parsed.message.as_deref(),
            Some("The requested resource does not exist.")
        );
        assert_eq!(
            parsed.api_url.as_deref(),
            Some("http://aka.ms/onenote-errors#C20102")
        );
        assert_eq!(
            parsed.diagnostics,
            vec![serde_json::json!({"message":"d1"})]
        );
        assert_eq!(parsed.error_code(), Some(ErrorCode::ResourceNotFound));
    }

    /// A 429 of Microsoft Graph, as received (obsidianmd/obsidian-importer#120): OneNote's code,
    /// no `@api.url` or `isRetriable`, and the request's ids in `innerError`.
    const GRAPH_THROTTLED: &[u8] = br#"{"error":{"code":"20166","message":"The app has issued too many requests on behalf of this user in a short time period.","innerError":{"date":"2023-09-25T08:41:06","request-id":"e4c1d1b2-0a9f-4f57-9a55-3f6c3c8a1d01","client-request-id":"e4c1d1b2-0a9f-4f57-9a55-3f6c3c8a1d01"}}}"#;

    #[test]
    fn parses_the_graph_error_body_with_its_inner_error() {
        let parsed = ServiceError::from_body(GRAPH_THROTTLED).unwrap();
        assert_eq!(parsed.error_code(), Some(ErrorCode::Throttled));
        assert_eq!(
            parsed.message.as_deref(),
            Some(
                "The app has issued too many requests on behalf of this user in a short time period."
            )
        );
        assert_eq!((parsed.api_url, parsed.retriable), (None, None));
        assert_eq!(
            parsed.inner_error,
            Some(InnerError {
                request_id: Some("e4c1d1b2-0a9f-4f57-9a55-3f6c3c8a1d01".into()),
                client_request_id: Some("e4c1d1b2-0a9f-4f57-9a55-3f6c3c8a1d01".into()),
                date: Some("2023-09-25T08:41:06".into()),
            })
        );
    }

    #[test]
    fn the_documented_request_id_spelling_and_odata_innererror_are_read_too() {
        let documented = ServiceError::from_body(
            br#"{"error":{"code":"20102","message":"m","innerError":{"requestId":"r-1","date":"2024-01-02T03:04:05"}}}"#,
        )
        .unwrap();
        let inner = documented.inner_error.unwrap();
        assert_eq!(inner.request_id.as_deref(), Some("r-1"));
        assert_eq!(inner.client_request_id, None);
        let odata =
            ServiceError::from_body(br#"{"error":{"innererror":{"request-id":"r-2"}}}"#).unwrap();
        assert_eq!(
            odata.inner_error.unwrap().request_id.as_deref(),
            Some("r-2")
        );
        // An inner error with none of its ids is no inner error.
        let empty = ServiceError::from_body(br#"{"error":{"code":"1","innerError":{"x":1}}}"#);
        assert_eq!(empty.unwrap().inner_error, None);
    }

    #[test]
    fn a_graph_error_quotes_its_request_id_header() {
        let info = ResponseInfo {
            audience: Some(Audience::Graph),
            correlation_id: Some("graph-header-id".into()),
            ..response(429)
        };
        let error = Error::from_status("listNotebooks", info, GRAPH_THROTTLED, Redact::NONE);
        assert_eq!(
            error.to_string(),
            "listNotebooks: HTTP 429 Too Many Requests, code 20166: The app has issued too many \
             requests on behalf of this user in a short time period. (request-id graph-header-id)"
        );
        assert_eq!(error.correlation_id(), Some("graph-header-id"));
        let inner = error.inner_error().unwrap();
        assert_eq!(
            inner.client_request_id.as_deref(),
            Some("e4c1d1b2-0a9f-4f57-9a55-3f6c3c8a1d01")
        );
        assert_eq!(inner.date.as_deref(), Some("2023-09-25T08:41:06"));
    }

    #[test]
    fn without_a_correlation_header_the_bodys_request_id_is_quoted() {
        let info = ResponseInfo {
            audience: Some(Audience::Graph),
            correlation_id: None,
            ..response(429)
        };
        let error = Error::from_status("listNotebooks", info, GRAPH_THROTTLED, Redact::NONE);
        assert_eq!(
            error.correlation_id(),
            Some("e4c1d1b2-0a9f-4f57-9a55-3f6c3c8a1d01")
        );
        assert!(
            error
                .to_string()
                .ends_with("(request-id e4c1d1b2-0a9f-4f57-9a55-3f6c3c8a1d01)"),
            "{error}"
        );
        // A OneNote error without the header and without an inner error has none.
        let bare = ResponseInfo {
            correlation_id: None,
            ..response(404)
        };
        let onenote =
            Error::from_status("op", bare, br#"{"error":{"code":"20102"}}"#, Redact::NONE);
        assert_eq!(onenote.correlation_id(), None);
    }

    #[test]
    fn diagnostics_are_exposed_alike_for_calls_and_operations() {
        let body = br#"{"error":{"code":"20102","message":"m"},"@api.diagnostics":[{"code":"20102","message":"m","url":"u"}]}"#;
        let call = Error::from_status("getClassNotebook", response(404), body, Redact::NONE);
        assert_eq!(
            call.diagnostics(),
            [serde_json::json!({"code": "20102", "message": "m", "url": "u"})]
        );
        let model = OperationModel::default()
            .with_error(serde_json::json!({"code": "30109", "message": "x"}))
            .with_api_diagnostics(serde_json::json!([{"message": "student9@contoso.com"}]));
        let operation = Error::new(ErrorKind::OperationFailed, Some("addStudent"))
            .with_service(ServiceError::from_operation(&model));
        assert_eq!(
            operation.diagnostics(),
            [serde_json::json!({"message": "student9@contoso.com"})]
        );
        assert!(
            Error::new(ErrorKind::Timeout, None)
                .diagnostics()
                .is_empty()
        );
    }

    #[test]
    fn parses_other_error_shapes() {
        let numeric = ServiceError::from_body(
            br#"{"error":{"code":40001,"message":{"lang":"en-US","value":"No token"}}}"#,
        )
        .unwrap();
        assert_eq!(numeric.code.as_deref(), Some("40001"));
        assert_eq!(numeric.message.as_deref(), Some("No token"));
        let oauth =
            ServiceError::from_body(br#"{"error":"invalid_token","error_description":"expired"}"#)
                .unwrap();
        assert_eq!(
            oauth.error_code(),
            Some(ErrorCode::Other("invalid_token".into()))
        );
        assert_eq!(oauth.message.as_deref(), Some("expired"));
        let bare =
            ServiceError::from_body(br#"{"code":"30109","message":"Some users do not exist"}"#)
                .unwrap();
        assert_eq!(bare.error_code(), Some(ErrorCode::UsersNotFound));
        let diagnostics_only =
            ServiceError::from_body(br#"{"@api.diagnostics":{"message":"x"}}"#).unwrap();
        assert_eq!(diagnostics_only.diagnostics.len(), 1);
    }

    #[test]
    fn absent_or_garbage_bodies_give_none() {
        for body in [
            &b""[..],
            b"   ",
            b"<html>Unauthorized</html>",
            b"{}",
            b"[]",
            b"null",
            b"{\"error\":null}",
            b"{\"error\":{\"code\":[1],\"message\":{}}}",
            b"{\"error\":{\"code\":\"1\"",
            b"\xff\xfe\x00",
        ] {
            assert_eq!(ServiceError::from_body(body), None, "{body:?}");
        }
    }

    #[test]
    fn bounds_service_text_and_diagnostics() {
        let long = "x".repeat(5000);
        let many: Vec<Value> = (0..100).map(Value::from).collect();
        let body =
            serde_json::json!({"error": {"code": long, "message": long}, "@api.diagnostics": many});
        let parsed = ServiceError::from_value(&body).unwrap();
        assert_eq!(parsed.code.unwrap().chars().count(), TEXT_CHARS);
        assert_eq!(parsed.message.unwrap().chars().count(), TEXT_CHARS);
        assert_eq!(parsed.diagnostics.len(), DIAGNOSTICS);
    }

    #[test]
    fn error_codes_round_trip() {
        for (code, variant) in CODES {
            assert_eq!(ErrorCode::from(*code), *variant);
            assert_eq!(variant.as_str(), *code);
        }
        assert_eq!(ErrorCode::from("20117"), ErrorCode::NameAlreadyExists);
        assert_eq!(ErrorCode::from("20166"), ErrorCode::Throttled);
        assert_eq!(ErrorCode::from("99999").as_str(), "99999");
        assert_eq!(ErrorCode::from(" 20102 "), ErrorCode::ResourceNotFound);
        assert!(ErrorCode::Throttled.is_transient());
        assert!(!ErrorCode::ResourceNotFound.is_transient());
        assert!(ErrorCode::InsufficientScope.is_auth());
        assert!(!ErrorCode::Other("4".into()).is_auth());
    }

    #[test]
    fn status_display_is_one_line_with_status_code_and_message() {
        let body =
            br#"{"error":{"code":"20102","message":"The requested resource\ndoes not exist."}}"#;
        let error = Error::from_status("getClassNotebook", response(404), body, Redact::NONE);
        assert_eq!(
            error.to_string(),
            "getClassNotebook: HTTP 404 Not Found, code 20102: The requested resource does not \
             exist. (X-CorrelationId 8a3d1c55-6c1e-4f2e-9b7a-0d1c2e3f4a5b)"
        );
        assert_eq!(error.kind(), ErrorKind::Status);
        assert_eq!(error.status(), Some(404));
        assert_eq!(error.code(), Some(ErrorCode::ResourceNotFound));
        assert_eq!(
            error.correlation_id(),
            Some("8a3d1c55-6c1e-4f2e-9b7a-0d1c2e3f4a5b")
        );
        assert_eq!(error.date(), Some("Sun, 25 Feb 2018 23:17:16 GMT"));
        assert_eq!(error.operation(), Some("getClassNotebook"));
    }

    #[test]
    fn status_without_error_body_shows_the_body_start() {
        let error = Error::from_status(
            "listPermissions",
            ResponseInfo {
                status: Some(401),
                ..ResponseInfo::default()
            },
            b"Unauthorized\r\n",
            Redact::NONE,
        );
        assert_eq!(
            error.to_string(),
            "listPermissions: HTTP 401 Unauthorized; body \"Unauthorized\\r\\n\""
        );
        assert_eq!(error.code(), None);
        let empty = Error::from_status(
            "x",
            ResponseInfo {
                status: Some(599),
                ..ResponseInfo::default()
            },
            b"",
            Redact::NONE,
        );
        assert_eq!(empty.to_string(), "x: HTTP 599");
        assert_eq!(empty.body_snippet(), None);
    }

    #[test]
    fn retry_outcome_is_in_the_message() {
        let error = Error::from_status(
            "createClassNotebook",
            ResponseInfo {
                status: Some(503),
                ..ResponseInfo::default()
            },
            b"",
            Redact::NONE,
        );
        let error = error.with_attempts(4, Duration::from_millis(7500), Some(GaveUp::Attempts));
        assert_eq!(
            error.to_string(),
            "createClassNotebook: HTTP 503 Service Unavailable; gave up after 4 attempts, waited 7.5s"
        );
        let error = error.with_attempts(
            1,
            Duration::ZERO,
            Some(GaveUp::Budget {
                next: Duration::from_secs(120),
                budget: Duration::from_secs(60),
            }),
        );
        assert_eq!(
            error.to_string(),
            "createClassNotebook: HTTP 503 Service Unavailable; gave up after 1 attempt, waited \
             0ns: the next wait of 120s would exceed the retry budget of 60s"
        );
        assert_eq!(error.attempts(), 1);
    }

    #[test]
    fn decode_display_names_operation_status_and_snippet() {
        let error = Error::decode(
            "listClassNotebooks",
            response(200),
            b"{\"value\":[",
            "EOF while parsing a list at line 1 column 10",
            Redact::NONE,
        );
        assert_eq!(
            error.to_string(),
            "listClassNotebooks: could not decode the HTTP 200 response body: EOF while parsing a \
             list at line 1 column 10; body \"{\\\"value\\\":[\" (X-CorrelationId \
             8a3d1c55-6c1e-4f2e-9b7a-0d1c2e3f4a5b)"
        );
    }

    #[test]
    fn the_sent_token_is_redacted_from_bodies_messages_and_json_escapes() {
        let token = "eyJ0eXAi.secret/token";
        let redact = Redact::secret(token);
        let body = br#"{"error":{"code":"40001","message":"bad eyJ0eXAi.secret\/token here","isRetriable":false},"eyJ0eXAi.secret/token":1}"#;
        let error = Error::from_status("op", response(401), body, redact);
        assert_eq!(error.message(), Some("bad <redacted> here"));
        assert_eq!(error.service_retriable(), Some(false));
        let snippet = error.body_snippet().unwrap();
        assert!(!snippet.contains("secret/token"), "{snippet}");
        assert_eq!(redact.text("a token"), "a token");
        assert_eq!(
            redact
                .bytes(b"xeyJ0eXAi.secret/tokenyeyJ0eXAi.secret/token")
                .as_ref(),
            b"x<redacted>y<redacted>"
        );
        // Too short to be a token: nothing is replaced.
        assert_eq!(Redact::secret("t").text("not a token"), "not a token");
    }

    /// Found by the `error_body` fuzz target: a server echoing the token into
    /// `X-CorrelationId` put it into the error's `Display`.
    #[test]
    fn the_sent_token_is_redacted_from_response_headers_too() {
        let token = "eyJ0eXAi.secret/token";
        let redact = Redact::secret(token);
        let echoed = ResponseInfo {
            correlation_id: Some(format!("id-{token}")),
            date: Some(format!("Sun, {token}")),
            ..response(401)
        };
        for error in [
            Error::from_status("op", echoed.clone(), b"", redact),
            Error::decode("op", echoed.clone(), b"{", "eof", redact),
        ] {
            let text = format!("{error} {error:?}");
            assert!(!text.contains("secret/token"), "{text}");
            assert_eq!(error.correlation_id(), Some("id-<redacted>"));
        }
    }

    #[test]
    fn snippets_are_bounded() {
        let body = vec![b'a'; 10_000];
        let text = snippet(&body);
        assert_eq!(text.len(), SNIPPET_BYTES + '…'.len_utf8());
        assert!(text.ends_with('…'));
        // A multi-byte character cut in half becomes a replacement character, not a panic.
        let mut cut = vec![b'a'; SNIPPET_BYTES - 1];
        cut.extend_from_slice("é".as_bytes());
        assert!(snippet(&cut).ends_with("\u{FFFD}…"));
    }

    #[test]
    fn other_kinds_display() {
        let error = Error::config("base URL has no host");
        assert_eq!(
            error.to_string(),
            "invalid client configuration: base URL has no host"
        );
        let error = Error::new(ErrorKind::Timeout, Some("getPermission"));
        assert_eq!(error.to_string(), "getPermission: request timed out");
        let error = Error::new(ErrorKind::Auth, Some("getPermission")).with_source("vault locked");
        assert_eq!(
            error.to_string(),
            "getPermission: could not get an access token: vault locked"
        );
    }

    /// A small deterministic generator (xorshift64*) for the garbage tests.
    struct Prng(u64);

    impl Prng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Byte strings shaped like error bodies and pages: random bytes, JSON token soup, and
    /// valid documents that are truncated or have bytes flipped.
    pub(crate) fn garbage(seed: u64, count: usize) -> Vec<Vec<u8>> {
        const TOKENS: &[&str] = &[
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"error\"",
            "\"code\"",
            "\"message\"",
            "\"@api.url\"",
            "\"@api.diagnostics\"",
            "\"innerError\"",
            "\"request-id\"",
            "\"value\"",
            "\"@odata.nextLink\"",
            "\"@odata.count\"",
            "\"@odata.context\"",
            "null",
            "true",
            "false",
            "0",
            "-1",
            "1e999",
            "18446744073709551616",
            "\"20102\"",
            "\"\\u0000\"",
            "\"\\ud800\"",
            "\"é\"",
            "\"\\\"\"",
            " ",
            "\n",
            "{\"value\":[",
            "\"lang\"",
            "\"https://www.onenote.com/api/v1.0/me/notes/classNotebooks?$skip=1\"",
        ];
        const VALID: &[&str] = &[
            r#"{"error":{"code":"20166","message":"Too many requests","@api.url":"u"},"@api.diagnostics":[{"message":"m"}]}"#,
            r#"{"error":{"code":"20166","message":"Too many requests","innerError":{"date":"2023-09-25T08:41:06","request-id":"r","client-request-id":"c"}}}"#,
            r#"{"@odata.context":"c","@odata.count":3,"value":[{"id":"1"},{"id":"2"}],"@odata.nextLink":"https://www.onenote.com/api/v1.0/me/notes/x?$skip=2"}"#,
        ];
        let mut rng = Prng(seed);
        let mut out = Vec::with_capacity(count);
        for _ in 0..count {
            let len = rng.below(200);
            let bytes = match rng.below(4) {
                0 => (0..len).map(|_| rng.next() as u8).collect(),
                1 => {
                    let mut text = String::new();
                    for _ in 0..len {
                        text.push_str(TOKENS[rng.below(TOKENS.len())]);
                    }
                    text.into_bytes()
                }
                2 => {
                    let valid = VALID[rng.below(VALID.len())].as_bytes();
                    valid[..rng.below(valid.len() + 1)].to_vec()
                }
                _ => {
                    let mut valid = VALID[rng.below(VALID.len())].as_bytes().to_vec();
                    for _ in 0..1 + rng.below(4) {
                        let at = rng.below(valid.len());
                        valid[at] = rng.next() as u8;
                    }
                    valid
                }
            };
            out.push(bytes);
        }
        // Deep nesting, past serde_json's recursion limit.
        out.push("[".repeat(100_000).into_bytes());
        out.push(format!("{{\"error\":{}}}", "{\"error\":".repeat(5000)).into_bytes());
        out
    }

    #[test]
    fn garbage_never_panics_the_error_decoder() {
        for body in garbage(0x0DDB_1A5E_5BAD_5EED, 20_000) {
            let parsed = ServiceError::from_body(&body);
            if let Some(parsed) = &parsed {
                assert!(parsed.diagnostics.len() <= DIAGNOSTICS);
            }
            let error = Error::from_status("op", response(500), &body, Redact::NONE);
            let text = error.to_string();
            assert!(!text.contains('\n') && !text.contains('\r'), "{text:?}");
            assert!(
                error
                    .body_snippet()
                    .is_none_or(|s| s.chars().count() <= SNIPPET_BYTES + 1)
            );
            let decode = Error::decode("op", response(200), &body, "bad", Redact::NONE);
            assert!(!decode.to_string().contains('\n'));
        }
    }
}
