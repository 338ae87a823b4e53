//! One request as the handlers see it: the routed call with its body, the reply, and the
//! state and settings it runs against (with the URLs every answer is built from).

use std::time::{Duration, Instant};

use onenote_api::DateTime;
use onenote_api::schema::{Api, BodySchema, JsonBody, OperationSchema};
use serde_json::{Map, Value};

use super::urls::location_path;
use crate::error::ApiError;
use crate::odata::{self, Query};
use crate::route::{Location, Target};
use crate::store::State;

/// How fast asynchronous operations move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsyncPace {
    /// By polls: the first `not_started` polls see `notStarted`, the next `running` see
    /// `running`, and the one after that finishes the operation. `Polls { not_started: 0,
    /// running: 0 }` finishes on the first poll. An operation nobody polls never finishes.
    Polls {
        /// Polls that see `notStarted`.
        not_started: u32,
        /// Polls after those that see `running`.
        running: u32,
    },
    /// By the fake's clock: `notStarted` for `not_started` after acceptance, `running` for
    /// `running` more, then finished at the next request the fake receives (or the next
    /// state snapshot).
    Time {
        /// How long it stays `notStarted`.
        not_started: Duration,
        /// How long it then stays `running`.
        running: Duration,
    },
}

impl Default for AsyncPace {
    /// One poll sees `notStarted`, the next `running`, the third the result.
    fn default() -> Self {
        AsyncPace::Polls {
            not_started: 1,
            running: 1,
        }
    }
}

/// Server settings the handlers need.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    /// `http://127.0.0.1:{port}`.
    pub(crate) origin: String,
    /// Items per page before `@odata.nextLink`.
    pub(crate) page_size: usize,
    pub(crate) pace: AsyncPace,
    /// The shapes and rules requests are checked against and answers are made with.
    pub(crate) api: &'static Api,
}

/// One request, routed and authenticated.
pub(crate) struct Call<'a> {
    /// The path as sent (for next links).
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) body: &'a [u8],
    pub(crate) content_type: Option<&'a str>,
    /// `Prefer: respond-async` was sent.
    pub(crate) respond_async: bool,
    /// The caller's UPN, as the tenant spells it.
    pub(crate) user: &'a str,
    pub(crate) target: &'a Target,
    /// The shapes and rules of the API (the spec's, or a test's).
    pub(crate) api: &'a Api,
    /// The routed operation's table in `api`.
    pub(crate) operation: &'a OperationSchema,
}

impl Call<'_> {
    /// Checks the request against its operation's table, as the client does before sending:
    /// the query, then a JSON body (a body that is not JSON is left to the handler, which says
    /// so). A broken rule is a 400 with the rule's code and the client's message.
    pub(crate) fn check(&self) -> Result<(), ApiError> {
        let refused = |violation: onenote_api::schema::Violation| {
            ApiError::new(400, violation.code(), violation.to_string())
        };
        let pairs = odata::decoded_pairs(self.query)?;
        self.api
            .check_query(
                self.operation,
                pairs
                    .iter()
                    .map(|(name, value)| (name.as_str(), value.as_str())),
            )
            .map_err(refused)?;
        if let Some(BodySchema::Json { .. }) = &self.operation.body
            && self.is_json()
            && let Ok(body) = JsonBody::parse(self.body)
        {
            self.api
                .check_json_body(self.operation, &body)
                .map_err(refused)?;
        }
        Ok(())
    }

    /// Whether the body is declared JSON, or undeclared (read as JSON).
    fn is_json(&self) -> bool {
        self.content_type.is_none_or(|content_type| {
            content_type
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("application/json")
        })
    }

    /// The OData options of the query, as the operation's table allows them.
    pub(crate) fn odata(&self) -> Result<Query, ApiError> {
        let (supported, properties) = odata::from_table(self.api, self.operation);
        odata::parse(self.query, &supported, &properties)
    }

    pub(crate) fn version(&self) -> &'static str {
        self.target.version
    }

    /// The notes location (every endpoint but the version-root `FromUrl` has one).
    pub(crate) fn location(&self) -> Result<&Location, ApiError> {
        self.target
            .location
            .as_ref()
            .ok_or_else(|| ApiError::not_found("This endpoint has no location."))
    }

    /// The body as a JSON object; a clear 400 otherwise.
    pub(crate) fn json_object(&self) -> Result<Map<String, Value>, ApiError> {
        if let Some(content_type) = self.content_type {
            let essence = content_type
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if essence != "application/json" {
                return Err(ApiError::new(
                    415,
                    "20131",
                    format!(
                        "The Content-Type '{content_type}' is not supported here: send \
                         application/json."
                    ),
                ));
            }
        }
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::missing(
                "The request needs a JSON body, and it has none.",
            ));
        }
        match serde_json::from_slice::<Value>(self.body) {
            Ok(Value::Object(object)) => Ok(object),
            Ok(other) => Err(ApiError::invalid_body(format!(
                "The body must be a JSON object, not {}.",
                json_kind(&other)
            ))),
            Err(error) => Err(ApiError::invalid_body(format!(
                "The body is not valid JSON: {error}."
            ))),
        }
    }

    /// The body as a JSON array of `T` (content change commands); 400 with code 20109 when it
    /// is not an array.
    pub(crate) fn json_array_as<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
    ) -> Result<Vec<T>, ApiError> {
        let value: Value = serde_json::from_slice(self.body).map_err(|error| {
            ApiError::new(
                400,
                "20109",
                format!("The PATCH body is not valid JSON: {error}."),
            )
        })?;
        if !value.is_array() {
            return Err(ApiError::new(
                400,
                "20109",
                format!(
                    "The PATCH body must be a JSON array of {what}, not {}.",
                    json_kind(&value)
                ),
            ));
        }
        serde_json::from_value(value).map_err(|error| {
            ApiError::new(
                400,
                "20109",
                format!("The PATCH body is not a list of {what}: {error}."),
            )
        })
    }

    /// The body decoded as one of the client's (spec-generated) request types.
    pub(crate) fn json_as<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
    ) -> Result<T, ApiError> {
        let object = self.json_object()?;
        serde_json::from_value(Value::Object(object)).map_err(|error| {
            ApiError::invalid_body(format!("The body is not a valid {what}: {error}."))
        })
    }
}

pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A reply's body: JSON (most answers), or bytes of a given type (page HTML, page files).
#[derive(Debug)]
pub(crate) enum Content {
    Json(Value),
    Bytes {
        content_type: String,
        bytes: bytes::Bytes,
    },
}

/// What a handler answers.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    /// Headers beyond the ones every answer has: `Location` or `Operation-Location` of a
    /// 202 Accepted (absolute URLs).
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Option<Content>,
}

impl Reply {
    pub(crate) fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Some(Content::Json(body)),
        }
    }

    pub(crate) fn bytes(status: u16, content_type: &str, bytes: bytes::Bytes) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Some(Content::Bytes {
                content_type: content_type.to_owned(),
                bytes,
            }),
        }
    }

    pub(crate) fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: None,
        }
    }
}

/// The state and settings one request runs against.
pub(crate) struct Ctx<'a> {
    pub(crate) state: &'a mut State,
    pub(crate) settings: &'a Settings,
    pub(crate) now: DateTime,
    pub(crate) instant: Instant,
}

impl Ctx<'_> {
    /// `{origin}/api/{version}`: the version root URLs are built from.
    pub(crate) fn version_root(&self, version: &str) -> String {
        format!("{}/api/{version}", self.settings.origin)
    }

    /// `{version root}/{location}/notes`.
    pub(crate) fn notes_root(&self, version: &str, location: &Location) -> String {
        format!(
            "{}/{}/notes",
            self.version_root(version),
            location_path(location)
        )
    }

    /// `{notes root}/{set}/{id}`, the id encoded as one segment.
    pub(crate) fn entity_url(
        &self,
        version: &str,
        location: &Location,
        set: &str,
        id: &str,
    ) -> String {
        let mut url = format!("{}/{set}/", self.notes_root(version, location));
        onenote_api::path::push_segment(&mut url, id);
        url
    }

    /// An OData context URL: `{version root}/$metadata#{fragment}`.
    pub(crate) fn context(&self, version: &str, fragment: &str) -> String {
        format!("{}/$metadata#{fragment}", self.version_root(version))
    }

    /// The absolute URL of the request's own path with another query (for next links).
    pub(crate) fn same_path(&self, call: &Call<'_>, query: &str) -> String {
        if query.is_empty() {
            format!("{}{}", self.settings.origin, call.path)
        } else {
            format!("{}{}?{query}", self.settings.origin, call.path)
        }
    }
}
