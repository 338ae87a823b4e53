//! `multipart/form-data` bodies (RFC 7578 over RFC 2046 framing), read as the page-creation
//! endpoints read them: the boundary from the `Content-Type`, CRLF line ends, and every part
//! with `Content-Disposition: form-data; name="…"` and a `Content-Type`. Anything else is the
//! service's 400 with code 20011 (a malformed payload) and a message saying where.

use crate::error::ApiError;

/// The type of a part sent without a `Content-Type`.
const UNTYPED: &str = "application/octet-stream";

/// One part of a multipart body; `data` borrows the request body.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Part<'a> {
    pub(crate) name: String,
    pub(crate) content_type: String,
    pub(crate) data: &'a [u8],
}

/// Most parts one body may have: past it the payload is refused rather than walked.
const MAX_PARTS: usize = 1000;

fn malformed(message: impl Into<String>) -> ApiError {
    ApiError::new(
        400,
        "20011",
        format!(
            "The multipart payload is malformed: {}. Each part starts with --{{boundary}} and \
             CRLF, has Content-Disposition: form-data; name=\"…\" and Content-Type headers ending \
             in CRLF CRLF, and the body ends with --{{boundary}}--.",
            message.into()
        ),
    )
}

/// The `boundary` parameter of a `multipart/form-data` content type (quoted or not).
pub(crate) fn boundary(content_type: &str) -> Result<String, ApiError> {
    let boundary = content_type
        .split(';')
        .skip(1)
        .filter_map(|param| param.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, value)| value.trim().trim_matches('"').to_owned());
    match boundary {
        Some(b) if !b.is_empty() && b.len() <= 70 => Ok(b),
        Some(_) => Err(malformed("the boundary must have 1 to 70 characters")),
        None => Err(malformed(
            "the Content-Type multipart/form-data has no boundary parameter",
        )),
    }
}

/// The parts of `body`, in order.
pub(crate) fn parse<'a>(boundary: &str, body: &'a [u8]) -> Result<Vec<Part<'a>>, ApiError> {
    let dash = format!("--{boundary}");
    let delimiter = format!("\r\n--{boundary}");
    // The first boundary opens the body, or follows a preamble and a CRLF.
    let mut at = if body.starts_with(dash.as_bytes()) {
        dash.len()
    } else {
        find(body, delimiter.as_bytes(), 0)
            .map(|i| i + delimiter.len())
            .ok_or_else(|| malformed(format!("the boundary {dash} does not occur in the body")))?
    };
    let mut parts = Vec::new();
    loop {
        let rest = body.get(at..).unwrap_or_default();
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        // Transport padding (spaces and tabs) may follow a boundary before its CRLF.
        let padding = rest
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
        if !rest
            .get(padding..)
            .is_some_and(|after| after.starts_with(b"\r\n"))
        {
            return Err(malformed(format!(
                "part {} does not start with CRLF after its boundary",
                parts.len() + 1
            )));
        }
        let start = at + padding + 2;
        let end = find(body, delimiter.as_bytes(), start).ok_or_else(|| {
            malformed(format!(
                "part {} is not closed by a boundary (the body must end with {dash}--)",
                parts.len() + 1
            ))
        })?;
        if parts.len() >= MAX_PARTS {
            return Err(malformed(format!("more than {MAX_PARTS} parts")));
        }
        let bytes = body.get(start..end).unwrap_or_default();
        parts.push(part(bytes, parts.len() + 1)?);
        at = end + delimiter.len();
    }
}

/// One part: its headers, a blank line, its bytes.
fn part(bytes: &[u8], number: usize) -> Result<Part<'_>, ApiError> {
    let (head, data) = if let Some(data) = bytes.strip_prefix(b"\r\n") {
        (&b""[..], data)
    } else {
        let split = find(bytes, b"\r\n\r\n", 0).ok_or_else(|| {
            malformed(format!("part {number}'s headers do not end with CRLF CRLF"))
        })?;
        let (head, rest) = bytes.split_at(split);
        (head, rest.get(4..).unwrap_or_default())
    };
    let head = std::str::from_utf8(head)
        .map_err(|_| malformed(format!("part {number}'s headers are not UTF-8")))?;
    let mut name = None;
    let mut content_type = None;
    for line in head.split("\r\n") {
        if line.contains('\n') || line.contains('\r') {
            return Err(malformed(format!(
                "part {number}'s header lines must end in CRLF, not a bare LF or CR"
            )));
        }
        let Some((header, value)) = line.split_once(':') else {
            return Err(malformed(format!(
                "part {number} has a header line without a colon: {line:?}"
            )));
        };
        if header.trim().eq_ignore_ascii_case("content-disposition") {
            name = disposition_name(value);
        } else if header.trim().eq_ignore_ascii_case("content-type") {
            content_type = Some(value.trim().to_owned());
        }
    }
    let name = name.ok_or_else(|| {
        malformed(format!(
            "part {number} has no Content-Disposition: form-data; name=\"…\""
        ))
    })?;
    // RFC 7578 §4.4 makes a part's Content-Type optional; a part sent without one holds bytes
    // (a Presentation part must still say it is HTML: its caller checks).
    let content_type = content_type
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| UNTYPED.to_owned());
    Ok(Part {
        name,
        content_type,
        data,
    })
}

/// The `name` of `form-data; name="…"`: a quoted string, read to its next `"` (so it may hold
/// `;`), or a token. A backslash is a character of the name, not an escape: HTML's form
/// encoding, which browsers and HTTP libraries (urllib3 among them) follow, writes a name's `"`
/// as `%22` and its line breaks as `%0D`/`%0A` and leaves `\` as it is, so `name="a\"` is the
/// name `a\`. An empty name is a name: RFC 7578 §4.2 asks for the parameter, not for a
/// non-empty value, and the documents are silent; such a part cannot be referred to as
/// `name:…`, so it is kept and unused, like any unreferenced part.
fn disposition_name(value: &str) -> Option<String> {
    let (kind, mut rest) = value.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("form-data") {
        return None;
    }
    loop {
        let (key, after) = rest.split_once('=')?;
        let after = after.trim_start();
        let (value, next) = match after.strip_prefix('"') {
            Some(quoted) => {
                let (value, rest) = quoted.split_once('"')?;
                (value, rest.split_once(';').map_or("", |(_, next)| next))
            }
            None => {
                let (token, next) = after.split_once(';').unwrap_or((after, ""));
                (token.trim(), next)
            }
        };
        if key.trim().eq_ignore_ascii_case("name") {
            return Some(value.to_owned());
        }
        if next.is_empty() {
            return None;
        }
        rest = next;
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|i| i + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = b"--b1\r\nContent-Disposition: form-data; name=\"Presentation\"\r\n\
        Content-Type: text/html\r\n\r\n<html></html>\r\n--b1\r\nContent-Disposition: form-data; \
        name=\"part1\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x00\r\n--b1--\r\n";

    #[test]
    fn parts_are_read_with_their_names_types_and_exact_bytes() {
        let parts = parse("b1", BODY).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "Presentation");
        assert_eq!(parts[0].content_type, "text/html");
        assert_eq!(parts[0].data, b"<html></html>");
        assert_eq!(parts[1].name, "part1");
        assert_eq!(parts[1].data, b"\x89PNG\r\n\x00");
    }

    #[test]
    fn the_boundary_comes_from_the_content_type() {
        assert_eq!(
            boundary("multipart/form-data; boundary=\"a b\"").unwrap(),
            "a b"
        );
        assert_eq!(boundary("multipart/form-data").unwrap_err().code, "20011");
    }

    #[test]
    fn bad_framing_is_a_malformed_payload_that_says_where() {
        let lf =
            b"--b1\nContent-Disposition: form-data; name=\"x\"\nContent-Type: a/b\n\nx\n--b1--";
        assert_eq!(parse("b1", lf).unwrap_err().code, "20011");
        let unclosed =
            b"--b1\r\nContent-Disposition: form-data; name=\"x\"\r\nContent-Type: a/b\r\n\r\nx";
        let error = parse("b1", unclosed).unwrap_err();
        assert!(
            error.message.contains("part 1 is not closed"),
            "{}",
            error.message
        );
        let nameless = b"--b1\r\nContent-Type: a/b\r\n\r\nx\r\n--b1--";
        let error = parse("b1", nameless).unwrap_err();
        assert!(
            error.message.contains("no Content-Disposition"),
            "{}",
            error.message
        );
        assert!(parse("zz", BODY).is_err());
    }

    #[test]
    fn a_backslash_in_a_quoted_name_is_a_character_not_an_escape() {
        // As urllib3 and browsers write a name ending in a backslash.
        assert_eq!(
            disposition_name("form-data; name=\"Lp]:k\\\"; filename=\"f\"").as_deref(),
            Some("Lp]:k\\")
        );
    }

    #[test]
    fn a_quoted_name_is_read_to_its_closing_quote_and_may_be_empty() {
        assert_eq!(
            disposition_name(" form-data; name=\"a;b %22c%22\"; filename=\"f\"").as_deref(),
            Some("a;b %22c%22")
        );
        assert_eq!(
            disposition_name("form-data; filename=x; name=part1").as_deref(),
            Some("part1")
        );
        assert_eq!(
            disposition_name("form-data; name=\"\"").as_deref(),
            Some("")
        );
        assert_eq!(disposition_name("form-data; name=\"open"), None);
        assert_eq!(disposition_name("attachment; name=\"x\""), None);
        assert_eq!(disposition_name("form-data"), None);
    }

    #[test]
    fn every_cut_of_a_body_is_an_answer_not_a_panic() {
        for end in 0..BODY.len() {
            let cut = &BODY[..end];
            // Parts or a 20011, whatever is left of the framing.
            if let Err(error) = parse("b1", cut) {
                assert_eq!(error.code, "20011");
            }
            let _ = parse("b1", &BODY[end..]);
        }
    }
}
