//! Request bodies: the encoded bytes with their content type (JSON, text, multipart), made
//! once and resent unchanged on every retry, and [`Multipart`], the public builder of
//! `multipart/form-data` bodies (RFC 7578).

use std::borrow::Cow;
use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};

use crate::request::Refusal;
use crate::schema::MultipartSchema;

/// The media type of JSON bodies, and what JSON calls accept.
pub(crate) const JSON: &str = "application/json";

/// An encoded request body and its content type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Body {
    /// `application/json`.
    Json(Bytes),
    /// Text of a `text/…` media type.
    Text {
        media_type: &'static str,
        bytes: Bytes,
    },
    /// `multipart/form-data; boundary=…`.
    Multipart { boundary: String, bytes: Bytes },
}

impl Body {
    /// The `Content-Type` header value; only a multipart body's (its boundary) is built per call.
    pub(crate) fn content_type(&self) -> Cow<'static, str> {
        match self {
            Body::Json(_) => Cow::Borrowed(JSON),
            Body::Text { media_type, .. } => Cow::Borrowed(media_type),
            Body::Multipart { boundary, .. } => {
                Cow::Owned(format!("multipart/form-data; boundary={boundary}"))
            }
        }
    }

    /// The bytes sent. Cloning them is a reference count, not a copy.
    pub(crate) fn bytes(&self) -> &Bytes {
        match self {
            Body::Json(bytes) | Body::Text { bytes, .. } | Body::Multipart { bytes, .. } => bytes,
        }
    }
}

/// A `multipart/form-data` request body: named parts, each with its media type.
///
/// Build it with [`html`](Self::html), [`text`](Self::text), [`json`](Self::json) and
/// [`binary`](Self::binary); nothing is checked or encoded until the request is sent. Then the
/// request refuses it, with an [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest)
/// error and without sending anything, when:
///
/// - a part name is empty, is not printable ASCII, or holds `"` or `\` (it goes into the part's
///   `Content-Disposition` header), or two names differ only in case;
/// - a media type is not `type/subtype` (with optional parameters);
/// - a part the operation requires is missing, or a part it names has another media type;
/// - a text part breaks a rule the documents state (the page's HTML is empty: see
///   [`schema`](crate::schema));
/// - a part the operation does not name is added where it takes no binary parts, or a binary
///   part is larger than the operation's limit per part;
/// - a [`json`](Self::json) value could not be serialized.
///
/// The encoding is RFC 7578: CRLF line ends, `Content-Disposition: form-data; name="…"` and
/// `Content-Type` per part, and a boundary derived from the content that occurs in no part, so
/// the same parts always encode to the same bytes (and a retry resends exactly them).
///
/// ```
/// use onenote_api::Multipart;
///
/// let body = Multipart::new()
///     .html("Presentation", "<html><body><img src=\"name:photo\"/></body></html>")
///     .binary("photo", vec![0x89, b'P', b'N', b'G'], "image/png");
/// assert_eq!(body.part_names().collect::<Vec<_>>(), ["Presentation", "photo"]);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Multipart {
    parts: Vec<Part>,
    /// The first problem found while building (a JSON part that did not serialize).
    error: Option<String>,
}

#[derive(Clone, PartialEq, Eq)]
struct Part {
    name: String,
    media_type: String,
    data: Bytes,
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Parts are user data and can be large: show their names, types and sizes only.
        let mut list = f.debug_list();
        for part in &self.parts {
            list.entry(&format_args!(
                "{:?} ({}, {} bytes)",
                part.name,
                part.media_type,
                part.data.len()
            ));
        }
        list.finish()
    }
}

impl Multipart {
    /// An empty body; add parts to it.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a `text/html` part.
    pub fn html(self, name: impl Into<String>, html: impl Into<String>) -> Self {
        self.text(name, "text/html", html)
    }

    /// Adds a text part of `media_type` (`text/html`, `text/plain`, …).
    pub fn text(
        self,
        name: impl Into<String>,
        media_type: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        self.part(name.into(), media_type.into(), Bytes::from(text.into()))
    }

    /// Adds an `application/json` part holding `value`. A value that does not serialize makes
    /// the request fail when sent, with the serializer's message.
    pub fn json<T: serde::Serialize>(mut self, name: impl Into<String>, value: &T) -> Self {
        let name = name.into();
        match serde_json::to_vec(value) {
            Ok(json) => self.part(name, JSON.to_owned(), Bytes::from(json)),
            Err(error) => {
                self.error.get_or_insert_with(|| {
                    format!("part {name:?} could not be serialized: {error}")
                });
                self
            }
        }
    }

    /// Adds a binary part (an image, a file) of `media_type` (`image/png`,
    /// `application/pdf`, …). `data` is shared, not copied, when it is already [`Bytes`].
    pub fn binary(
        self,
        name: impl Into<String>,
        data: impl Into<Bytes>,
        media_type: impl Into<String>,
    ) -> Self {
        self.part(name.into(), media_type.into(), data.into())
    }

    /// The part names, in the order they are sent.
    pub fn part_names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().map(|part| part.name.as_str())
    }

    fn part(mut self, name: String, media_type: String, data: Bytes) -> Self {
        self.parts.push(Part {
            name,
            media_type,
            data,
        });
        self
    }

    /// Checks the parts against what the operation declares, then encodes them.
    pub(crate) fn encode(&self, rules: &MultipartSchema) -> Result<Body, Refusal> {
        if let Some(error) = &self.error {
            return Err(format!("invalid multipart body: {error}").into());
        }
        self.check(rules)
            .map_err(|why| Refusal::from(format!("invalid multipart body: {why}")))?;
        self.check_text_parts(rules)?;
        if let Some(body) = self.alone(rules) {
            return Ok(body);
        }
        let boundary = self
            .boundary()
            .map_err(|why| Refusal::from(format!("invalid multipart body: {why}")))?;
        let size: usize = self
            .parts
            .iter()
            .map(|p| p.name.len() + p.media_type.len() + p.data.len() + boundary.len() + 80)
            .sum();
        let mut out = BytesMut::with_capacity(size + boundary.len() + 8);
        for part in &self.parts {
            out.put_slice(b"--");
            out.put_slice(boundary.as_bytes());
            out.put_slice(b"\r\nContent-Disposition: form-data; name=\"");
            out.put_slice(part.name.as_bytes());
            out.put_slice(b"\"\r\nContent-Type: ");
            out.put_slice(part.media_type.as_bytes());
            out.put_slice(b"\r\n\r\n");
            out.put_slice(&part.data);
            out.put_slice(b"\r\n");
        }
        out.put_slice(b"--");
        out.put_slice(boundary.as_bytes());
        out.put_slice(b"--\r\n");
        Ok(Body::Multipart {
            boundary,
            bytes: out.freeze(),
        })
    }

    /// The one part, sent as the whole body, when it is the part the operation lets stand alone.
    fn alone(&self, rules: &MultipartSchema) -> Option<Body> {
        let [part] = self.parts.as_slice() else {
            return None;
        };
        let name = rules.alone.filter(|name| *name == part.name)?;
        let declared = rules.parts.iter().find(|d| d.name == name)?;
        Some(Body::Text {
            media_type: declared.media_type,
            bytes: part.data.clone(),
        })
    }

    /// The rules of the declared text parts (an empty page), as the service states them.
    fn check_text_parts(&self, rules: &MultipartSchema) -> Result<(), Refusal> {
        for declared in rules.parts {
            if let Some(part) = self.parts.iter().find(|p| p.name == declared.name)
                && declared.media_type.starts_with("text/")
            {
                let text = String::from_utf8_lossy(&part.data);
                crate::schema::check_text(declared.name, &declared.rules, &text)?;
            }
        }
        Ok(())
    }

    /// Every rule of the type's docs, in that order; the first broken one is the error.
    fn check(&self, rules: &MultipartSchema) -> Result<(), String> {
        if self.parts.is_empty() {
            return Err("the multipart body has no parts: add them".to_owned());
        }
        for (index, part) in self.parts.iter().enumerate() {
            check_name(&part.name)?;
            if let Some(first) = self.parts[..index]
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(&part.name))
            {
                return Err(format!(
                    "parts {:?} and {:?} have the same name (ignoring case): rename one",
                    first.name, part.name
                ));
            }
            check_media_type(&part.name, &part.media_type)?;
        }
        for declared in rules.parts.iter().filter(|d| d.required) {
            if !self.parts.iter().any(|p| p.name == declared.name) {
                return Err(format!(
                    "the request needs a part named {:?} ({}): add it",
                    declared.name, declared.media_type
                ));
            }
        }
        for part in &self.parts {
            match rules.parts.iter().find(|d| d.name == part.name) {
                Some(declared) if !same_media_type(&part.media_type, declared.media_type) => {
                    return Err(format!(
                        "part {:?} must be {}, not {}",
                        part.name, declared.media_type, part.media_type
                    ));
                }
                Some(_) => {}
                None => match rules.binary_max_bytes {
                    None => {
                        let names: Vec<&str> = rules.parts.iter().map(|d| d.name).collect();
                        return Err(format!(
                            "part {:?} is not one of this request's parts ({}): remove it",
                            part.name,
                            names.join(", ")
                        ));
                    }
                    Some(max) if part.data.len() as u64 > max => {
                        return Err(format!(
                            "part {:?} is {} bytes; the service takes at most {max} bytes per part",
                            part.name,
                            part.data.len()
                        ));
                    }
                    Some(_) => {}
                },
            }
        }
        Ok(())
    }

    /// `onenote-{16 hex digits}`: a hash of the parts, with a counter added until it occurs in
    /// no part (RFC 2046 §5.1.1).
    fn boundary(&self) -> Result<String, String> {
        let mut hash = Fnv::new();
        for part in &self.parts {
            hash.write(part.name.as_bytes());
            hash.write(&[0]);
            hash.write(part.media_type.as_bytes());
            hash.write(&[0]);
            hash.write(&part.data);
        }
        for attempt in 0u32..64 {
            let mut candidate = hash.clone();
            candidate.write(&attempt.to_le_bytes());
            let boundary = format!("onenote-{:016x}", candidate.finish());
            let inside = |haystack: &[u8]| {
                haystack
                    .windows(boundary.len())
                    .any(|window| window == boundary.as_bytes())
            };
            let clash = self.parts.iter().any(|part| {
                inside(&part.data)
                    || inside(part.name.as_bytes())
                    || inside(part.media_type.as_bytes())
            });
            if !clash {
                return Ok(boundary);
            }
        }
        Err("could not choose a multipart boundary that occurs in no part".to_owned())
    }
}

/// A part name goes into `Content-Disposition: form-data; name="…"`.
fn check_name(name: &str) -> Result<(), String> {
    let fine = |c: char| (c == ' ' || c.is_ascii_graphic()) && c != '"' && c != '\\';
    if name.trim().is_empty() || !name.chars().all(fine) {
        return Err(format!(
            "part name {name:?} cannot go into a Content-Disposition header: use printable ASCII \
             without `\"` and `\\`"
        ));
    }
    Ok(())
}

/// A part's media type goes into its `Content-Type` header: `type/subtype`, optional
/// parameters, no line breaks.
fn check_media_type(name: &str, media_type: &str) -> Result<(), String> {
    let token = |text: &str| {
        !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
    };
    let mut pieces = media_type.split(';');
    let essence = pieces.next().unwrap_or_default().trim();
    let valid = essence
        .split_once('/')
        .is_some_and(|(kind, subtype)| token(kind) && token(subtype))
        && pieces.all(|parameter| {
            parameter
                .trim()
                .split_once('=')
                .is_some_and(|(key, value)| {
                    token(key) && value.chars().all(|c| c == ' ' || c.is_ascii_graphic())
                })
        });
    if valid {
        Ok(())
    } else {
        Err(format!(
            "part {name:?} has the media type {media_type:?}: write type/subtype, e.g. \"image/png\""
        ))
    }
}

/// Media types compare by type and subtype, ignoring case and parameters.
fn same_media_type(a: &str, b: &str) -> bool {
    let essence = |t: &str| {
        t.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    };
    essence(a) == essence(b)
}

/// FNV-1a, 64 bits: a small, fixed hash, so the boundary does not depend on the process.
#[derive(Clone)]
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::schema::{PartSchema, Rule, Rules};

    const PAGE: MultipartSchema = MultipartSchema {
        parts: &[PartSchema {
            name: "Presentation",
            media_type: "text/html",
            required: true,
            rules: Rules {
                min_length: Some(Rule {
                    value: 1,
                    code: None,
                }),
                ..Rules::NONE
            },
        }],
        binary_max_bytes: Some(8),
        alone: None,
    };

    fn encoded(body: &Multipart) -> (String, String) {
        match body.encode(&PAGE) {
            Ok(Body::Multipart { boundary, bytes }) => {
                (boundary, String::from_utf8_lossy(&bytes).into_owned())
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parts_are_framed_with_crlf_per_rfc_7578() {
        let body = Multipart::new().html("Presentation", "<p>Hi</p>").binary(
            "img",
            &b"\x89PNG"[..],
            "image/png",
        );
        let (boundary, text) = encoded(&body);
        assert_eq!(
            text,
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"Presentation\"\r\n\
                 Content-Type: text/html\r\n\r\n<p>Hi</p>\r\n--{boundary}\r\n\
                 Content-Disposition: form-data; name=\"img\"\r\nContent-Type: image/png\r\n\r\n\
                 \u{fffd}PNG\r\n--{boundary}--\r\n"
            )
        );
    }

    #[test]
    fn the_same_parts_encode_to_the_same_bytes() {
        let body = || Multipart::new().html("Presentation", "<p>Hi</p>");
        assert_eq!(body().encode(&PAGE), body().encode(&PAGE));
        let other = Multipart::new().html("Presentation", "<p>Ho</p>");
        assert_ne!(encoded(&body()).0, encoded(&other).0);
    }

    #[test]
    fn the_boundary_occurs_in_no_part() {
        let first = encoded(&Multipart::new().html("Presentation", "x")).0;
        // A part that holds the boundary it would have had gets another one.
        let sneaky = Multipart::new().html("Presentation", format!("x{first}"));
        let (boundary, text) = encoded(&sneaky);
        assert!(!format!("x{first}").contains(&boundary));
        assert_eq!(text.matches(&format!("--{boundary}")).count(), 2);
    }

    #[test]
    fn every_rule_is_an_error_not_a_panic() {
        let cases = [
            (
                Multipart::new(),
                "the multipart body has no parts: add them",
            ),
            (
                Multipart::new().html("a\"b", "x"),
                "part name \"a\\\"b\" cannot go into a Content-Disposition header: use printable \
                 ASCII without `\"` and `\\`",
            ),
            (
                Multipart::new()
                    .html("Presentation", "x")
                    .binary("img", &b"1"[..], "image/png")
                    .binary("IMG", &b"2"[..], "image/png"),
                "parts \"img\" and \"IMG\" have the same name (ignoring case): rename one",
            ),
            (
                Multipart::new()
                    .html("Presentation", "x")
                    .binary("img", &b"1"[..], "image png"),
                "part \"img\" has the media type \"image png\": write type/subtype, e.g. \"image/png\"",
            ),
            (
                Multipart::new().binary("img", &b"1"[..], "image/png"),
                "the request needs a part named \"Presentation\" (text/html): add it",
            ),
            (
                Multipart::new().text("Presentation", "text/plain", "x"),
                "part \"Presentation\" must be text/html, not text/plain",
            ),
            (
                Multipart::new().html("Presentation", "x").binary(
                    "img",
                    &b"123456789"[..],
                    "image/png",
                ),
                "part \"img\" is 9 bytes; the service takes at most 8 bytes per part",
            ),
        ];
        for (body, message) in cases {
            assert_eq!(
                body.encode(&PAGE),
                Err(format!("invalid multipart body: {message}").into()),
                "{body:?}"
            );
        }
        let closed = MultipartSchema {
            parts: PAGE.parts,
            binary_max_bytes: None,
            alone: None,
        };
        assert_eq!(
            Multipart::new()
                .html("Presentation", "x")
                .binary("img", &b"1"[..], "image/png")
                .encode(&closed),
            Err(
                "invalid multipart body: part \"img\" is not one of this request's parts \
                 (Presentation): remove it"
                    .to_owned()
                    .into()
            )
        );
    }

    #[test]
    fn a_text_part_breaking_its_rule_is_refused_with_the_rules_message() {
        assert_eq!(
            Multipart::new().html("Presentation", "").encode(&PAGE),
            Err(Refusal {
                reason: "`Presentation` is empty; it takes at least 1 character".to_owned(),
                code: Some("20126"),
            })
        );
    }

    #[test]
    fn a_json_part_that_does_not_serialize_fails_the_request() {
        let mut map = std::collections::BTreeMap::new();
        map.insert(vec![1u8], 1);
        let body = Multipart::new()
            .html("Presentation", "x")
            .json("data", &map);
        assert_eq!(
            body.encode(&PAGE),
            Err(
                "invalid multipart body: part \"data\" could not be serialized: key must be a \
                 string"
                    .to_owned()
                    .into()
            )
        );
    }

    #[test]
    fn a_part_allowed_alone_is_the_whole_body_when_it_is_the_only_one() {
        let rules = MultipartSchema {
            alone: Some("Presentation"),
            ..PAGE
        };
        assert_eq!(
            Multipart::new()
                .html("Presentation", "<p>Hi</p>")
                .encode(&rules),
            Ok(Body::Text {
                media_type: "text/html",
                bytes: Bytes::from_static(b"<p>Hi</p>"),
            })
        );
        // With another part, it is framed as usual.
        let framed = Multipart::new()
            .html("Presentation", "<p>Hi</p>")
            .binary("img", &b"1"[..], "image/png")
            .encode(&rules);
        assert!(matches!(framed, Ok(Body::Multipart { .. })), "{framed:?}");
        // Without `alone`, a lone part is framed too.
        let lone = Multipart::new().html("Presentation", "x").encode(&PAGE);
        assert!(matches!(lone, Ok(Body::Multipart { .. })), "{lone:?}");
    }

    #[test]
    fn debug_shows_no_content() {
        let body = Multipart::new().html("Presentation", "secret");
        assert_eq!(
            format!("{body:?}"),
            "[\"Presentation\" (text/html, 6 bytes)]"
        );
    }
}
