//! `Call`: one operation's method, path, query and body, built by generated code and sent by
//! the client.

use std::fmt;

use reqwest::Url;

use crate::auth::Audience;
use crate::body::{Body, JSON, Multipart};
use crate::odata::{QueryOptions, encode_query};
use crate::schema::{API, BodySchema, JsonBody, OperationSchema, Violation};

/// Largest success body read unless the call sets a limit; OneNote JSON is far smaller.
pub(crate) const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// The HTTP methods the API uses (the documents use no PUT).
///
/// `pub` only so [`Operation`](crate::Operation) can name it; this module is private.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method name on the wire.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }

    /// Whether the request only reads (RFC 9110's "safe"), so sending it again after a 5xx or a
    /// lost connection cannot change anything. Every other method is a write, repeated only on
    /// proof that it was not processed (see [`RetryPolicy`](crate::RetryPolicy) for why that
    /// includes `DELETE`).
    pub(crate) fn is_safe(self) -> bool {
        matches!(self, Self::Get)
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Self::Get => reqwest::Method::GET,
            Self::Post => reqwest::Method::POST,
            Self::Patch => reqwest::Method::PATCH,
            Self::Delete => reqwest::Method::DELETE,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a call goes.
#[derive(Clone, Debug)]
pub(crate) enum Target {
    /// An encoded path relative to the version root (`me/notes/classNotebooks`).
    Path(String),
    /// An absolute URL the service handed back (`Location`, `@odata.nextLink`), used verbatim.
    Absolute(Url),
}

/// One request as generated code describes it.
///
/// `pub` only so [`Operation`](crate::Operation) can name it; this module is private.
pub struct Call {
    pub(crate) operation: &'static str,
    /// The service the call goes to: the audience of the token it sends and the header its
    /// correlation id comes in. Every operation of the spec is OneNote's today.
    pub(crate) audience: Audience,
    pub(crate) method: Method,
    pub(crate) target: Target,
    /// The `Accept` header.
    pub(crate) accept: &'static str,
    pub(crate) query: Vec<(&'static str, String)>,
    /// The body as the operation gave it, until [`finish`](Self::finish) checks and encodes it.
    pending: Option<Pending>,
    /// The encoded body.
    pub(crate) body: Option<Body>,
    pub(crate) respond_async: bool,
    /// The success status of the synchronous form (202 once `respond_async` is set).
    pub(crate) status: u16,
    /// The most bytes of a success body read; `None` is the client's limit.
    pub(crate) max_body_bytes: Option<usize>,
    /// Leaves a success body unread, for the caller to stream (`Request::send_stream`).
    pub(crate) stream_body: bool,
    /// Why the call must not be sent (a broken rule, a body that does not encode), reported
    /// before anything goes out.
    pub(crate) refused: Option<Refusal>,
}

/// A body not yet checked and encoded.
enum Pending {
    /// The encoded JSON, checked as the receiver reads it.
    Json(Result<bytes::Bytes, String>),
    Text {
        media_type: &'static str,
        text: String,
    },
    Multipart(Multipart),
}

/// Why a call is not sent: what is wrong, and the service's code for it when it breaks a
/// rule that has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) reason: String,
    pub(crate) code: Option<&'static str>,
}

impl From<String> for Refusal {
    fn from(reason: String) -> Self {
        Refusal { reason, code: None }
    }
}

impl From<Violation> for Refusal {
    fn from(violation: Violation) -> Self {
        Refusal {
            reason: violation.to_string(),
            code: Some(violation.code()),
        }
    }
}

impl Call {
    /// A call of `operation` (the spec's operation id) to `path`, relative to the version root
    /// and already encoded, expecting `status` on success.
    pub(crate) fn new(operation: &'static str, method: Method, path: String, status: u16) -> Call {
        Call {
            operation,
            audience: Audience::OneNote,
            method,
            target: Target::Path(path),
            accept: JSON,
            query: Vec::new(),
            pending: None,
            body: None,
            respond_async: false,
            status,
            max_body_bytes: None,
            stream_body: false,
            refused: None,
        }
    }

    /// A call to an absolute URL from the service, sent as given (no query added).
    pub(crate) fn absolute(operation: &'static str, method: Method, url: Url, status: u16) -> Call {
        Call {
            operation,
            audience: Audience::OneNote,
            method,
            target: Target::Absolute(url),
            accept: JSON,
            query: Vec::new(),
            pending: None,
            body: None,
            respond_async: false,
            status,
            max_body_bytes: None,
            stream_body: false,
            refused: None,
        }
    }

    /// Adds a query parameter; values are percent-encoded when the URL is built.
    pub(crate) fn query(&mut self, name: &'static str, value: impl Into<String>) {
        self.query.push((name, value.into()));
    }

    /// Adds the OData options that are set (`$filter`, `$top`, …).
    pub(crate) fn odata(&mut self, options: &QueryOptions) {
        self.query.extend(options.pairs());
    }

    /// Serializes `body` as the JSON request body, checked by [`finish`](Self::finish); a
    /// serialization failure refuses the call there.
    pub(crate) fn json_body<T: serde::Serialize>(&mut self, body: &T) {
        let json = serde_json::to_vec(body)
            .map(bytes::Bytes::from)
            .map_err(|error| format!("could not serialize the request body: {error}"));
        self.pending = Some(Pending::Json(json));
    }

    /// Takes `text` as a body of `media_type` (`text/html`), checked by [`finish`](Self::finish).
    #[allow(dead_code, reason = "used where the spec declares a text body")]
    pub(crate) fn text_body(&mut self, media_type: &'static str, text: String) {
        self.pending = Some(Pending::Text { media_type, text });
    }

    /// Takes `body` as a `multipart/form-data` body, checked against the parts the operation
    /// declares and encoded by [`finish`](Self::finish).
    #[allow(dead_code, reason = "used where the spec declares a multipart body")]
    pub(crate) fn multipart_body(&mut self, body: Multipart) {
        self.pending = Some(Pending::Multipart(body));
    }

    /// Checks the query and the body against `operation`'s table ([`crate::schema`]: the same
    /// check the service's rules get in the fake), then encodes the body. The first broken
    /// rule (query first, then body) refuses the call, before anything is sent.
    pub(crate) fn finish(&mut self, operation: &OperationSchema) {
        let pairs = self
            .query
            .iter()
            .map(|(name, value)| (*name, value.as_str()));
        if let Err(violation) = API.check_query(operation, pairs) {
            self.refuse(violation.into());
        }
        let encoded = match self.pending.take() {
            None => return,
            Some(Pending::Json(Err(reason))) => Err(Refusal::from(reason)),
            // The bytes that will be sent, read back as the service (and the fake) will read
            // them, so the check judges exactly what goes out.
            Some(Pending::Json(Ok(json))) => match JsonBody::parse(&json) {
                Ok(value) => API
                    .check_json_body(operation, &value)
                    .map_err(Refusal::from)
                    .map(|()| Body::Json(json)),
                Err(error) => Err(format!("the request body is not JSON: {error}").into()),
            },
            Some(Pending::Text { media_type, text }) => {
                let checked = match &operation.body {
                    Some(BodySchema::Text { rules, .. }) => {
                        crate::schema::check_text("body", rules, &text)
                    }
                    _ => Ok(()),
                };
                checked.map_err(Refusal::from).map(|()| Body::Text {
                    media_type,
                    bytes: bytes::Bytes::from(text),
                })
            }
            Some(Pending::Multipart(multipart)) => match &operation.body {
                Some(BodySchema::Multipart(schema)) => multipart.encode(schema),
                _ => Err("the operation declares no multipart body".to_owned().into()),
            },
        };
        match encoded {
            Ok(body) => self.body = Some(body),
            Err(refusal) => self.refuse(refusal),
        }
    }

    /// Records why the call must not be sent; the first reason is the one reported.
    fn refuse(&mut self, refusal: Refusal) {
        self.refused.get_or_insert(refusal);
    }

    /// The most bytes of a success body read: the call's own limit or the client's.
    pub(crate) fn body_limit(&self) -> usize {
        self.max_body_bytes.unwrap_or(MAX_BODY_BYTES)
    }

    /// Switches to the asynchronous form: `Prefer: respond-async`, success is `202 Accepted`.
    pub(crate) fn respond_async(mut self) -> Call {
        self.respond_async = true;
        self.status = 202;
        self
    }

    /// The full URL text: version root + path + encoded query, or the absolute URL as given.
    pub(crate) fn url_text(&self, version_root: &str) -> String {
        match &self.target {
            Target::Absolute(url) => url.as_str().to_owned(),
            Target::Path(path) => {
                let mut text = format!("{version_root}{path}");
                if !self.query.is_empty() {
                    text.push('?');
                    text.push_str(&encode_query(
                        self.query
                            .iter()
                            .map(|(name, value)| (*name, value.as_str())),
                    ));
                }
                text
            }
        }
    }
}

impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body is user data and can be large: show its size only.
        let body = match (&self.body, &self.refused) {
            (_, Some(refusal)) => format!("not sendable: {}", refusal.reason),
            (None, None) => "none".to_owned(),
            (Some(body), None) => {
                format!("{} bytes of {}", body.bytes().len(), body.content_type())
            }
        };
        f.debug_struct("Call")
            .field("operation", &self.operation)
            .field("audience", &self.audience)
            .field("method", &self.method)
            .field("target", &self.target)
            .field("accept", &self.accept)
            .field("query", &self.query)
            .field("body", &body)
            .field("respond_async", &self.respond_async)
            .field("status", &self.status)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    const ROOT: &str = "https://www.onenote.com/api/v1.0/";

    #[test]
    fn url_joins_root_path_and_query() {
        let mut call = Call::new(
            "createClassNotebook",
            Method::Post,
            "users/teacher%40contoso.com/notes/classNotebooks".into(),
            201,
        );
        call.query("sendemail", "true");
        call.query("omkt", "de-de");
        assert_eq!(
            call.url_text(ROOT),
            "https://www.onenote.com/api/v1.0/users/teacher%40contoso.com/notes/classNotebooks\
             ?sendemail=true&omkt=de-de"
        );
    }

    #[test]
    fn odata_options_follow_other_parameters() {
        let mut call = Call::new(
            "listClassNotebooks",
            Method::Get,
            "me/notes/classNotebooks".into(),
            200,
        );
        call.query("x", "1");
        call.odata(&QueryOptions {
            filter: Some("createdTime ge 2016-01-01".into()),
            top: Some(2),
            ..QueryOptions::default()
        });
        assert_eq!(
            call.url_text(ROOT),
            "https://www.onenote.com/api/v1.0/me/notes/classNotebooks\
             ?x=1&$filter=createdTime%20ge%202016-01-01&$top=2"
        );
    }

    #[test]
    fn a_body_that_does_not_serialize_refuses_the_call_without_a_panic() {
        let create = API.operation("createNotebook").unwrap();
        let mut call = Call::new("createNotebook", Method::Post, "p".into(), 201);
        let mut map = BTreeMap::new();
        map.insert(vec![1u8], 1);
        call.json_body(&map);
        call.finish(create);
        assert_eq!(
            call.refused,
            Some(Refusal {
                reason: "could not serialize the request body: key must be a string".to_owned(),
                code: None,
            })
        );
        let mut call = Call::new("createNotebook", Method::Post, "p".into(), 201);
        call.json_body(&serde_json::json!({"name": "Math 101"}));
        call.finish(create);
        assert_eq!(call.refused, None);
        assert_eq!(
            call.body,
            Some(Body::Json(bytes::Bytes::from_static(
                br#"{"name":"Math 101"}"#
            )))
        );
    }

    #[test]
    fn the_first_broken_rule_refuses_the_call_with_its_code_query_before_body() {
        let list = API.operation("listPages").unwrap();
        let mut call = Call::new("listPages", Method::Get, "p".into(), 200);
        call.odata(&QueryOptions {
            top: Some(101),
            ..QueryOptions::default()
        });
        call.finish(list);
        assert_eq!(
            call.refused,
            Some(Refusal {
                reason: "`$top` is 101; it takes at most 100".to_owned(),
                code: Some("20129"),
            })
        );
    }

    #[test]
    fn respond_async_expects_202() {
        let call = Call::new("op", Method::Delete, "p".into(), 204).respond_async();
        assert!(call.respond_async);
        assert_eq!(call.status, 202);
    }

    #[test]
    fn only_get_is_safe() {
        assert!(Method::Get.is_safe());
        assert!(!Method::Delete.is_safe());
        assert!(!Method::Post.is_safe());
        assert!(!Method::Patch.is_safe());
    }
}
