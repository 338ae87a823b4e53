//! What an operation sends and gets back: the request body (JSON, text or multipart), the
//! success status and the response (empty, JSON, a page, text or bytes), with their media
//! types.

use std::collections::BTreeMap;

use crate::json::Pos;
use crate::model::{
    BinaryPartsModel, BodyModel, Constraints, Method, MultipartModel, PartContent, PartModel,
    ResponseModel, TypeRef,
};
use crate::spec::{self, BodySpec, ResponseSpec, Spanned};

use super::checker::Checker;
use super::constraints::{Target, Written};

/// The success status and what a success returns, with the response's doc.
pub(super) fn outcome(
    cx: &mut Checker,
    file: &str,
    op: &spec::Operation,
) -> Option<(u16, ResponseModel, String)> {
    let (response, doc) = match &op.response {
        None => (Some(ResponseModel::Empty), String::new()),
        Some(spec) => response(cx, file, spec),
    };
    let mut ok = response.is_some();
    let status = op.status.value;
    // 202 without "async": the service always accepts the call and names an operation to
    // poll (copies), without being asked with `Prefer: respond-async`.
    let allowed: &[u16] = match op.async_form {
        spec::AsyncForm::Only => &[202],
        spec::AsyncForm::Optional => &[200, 201, 204],
        spec::AsyncForm::None => &[200, 201, 202, 204],
    };
    if !allowed.contains(&status) {
        let hint = match op.async_form {
            spec::AsyncForm::Only => "an async-only operation succeeds with 202",
            spec::AsyncForm::Optional => {
                "use 200, 201 or 204 for the synchronous form (202 is implied by \"async\")"
            }
            spec::AsyncForm::None => {
                "use 200, 201, 204, or 202 for a call that always answers with an operation to poll"
            }
        };
        cx.error(
            file,
            op.status.pos,
            format!("unsupported status {status}: {hint}"),
        );
        ok = false;
    } else if status == 204 && op.response.is_some() {
        cx.error(
            file,
            op.status.pos,
            "status 204 means no body, but the operation has a \"response\": remove one",
        );
        ok = false;
    } else if status == 202 && op.response.is_some() {
        cx.error(
            file,
            op.status.pos,
            "status 202 answers with an operation to poll (`Location` or `Operation-Location`), not a \"response\": remove it",
        );
        ok = false;
    }
    let response = response?;
    ok.then_some((status, response, doc))
}

/// The response: `"T"` (JSON), `"T[]"` (an OData page), or `{ json | text | bytes }`.
fn response(
    cx: &mut Checker,
    file: &str,
    spec: &Spanned<ResponseSpec>,
) -> (Option<ResponseModel>, String) {
    let object = match &spec.value {
        ResponseSpec::Json(name) => {
            let response = match cx.type_ref(file, &at(spec.pos, name)) {
                Some(TypeRef::Array(inner)) => Some(ResponseModel::Page(*inner)),
                Some(ty) => Some(ResponseModel::Json(ty)),
                None => None,
            };
            return (response, String::new());
        }
        ResponseSpec::Typed(object) => object,
    };
    let doc = object.doc.clone().unwrap_or_default();
    let given = [&object.json, &object.text, &object.bytes];
    if given.iter().filter(|v| v.is_some()).count() != 1 {
        cx.error(
            file,
            spec.pos,
            "a \"response\" object needs exactly one of \"json\", \"text\" or \"bytes\"",
        );
        return (None, doc);
    }
    let response = if let Some(ty) = &object.json {
        cx.type_ref(file, ty).map(ResponseModel::Json)
    } else if let Some(media) = &object.text {
        text_media_type(cx, file, media, "response")
            .map(|media_type| ResponseModel::Text { media_type })
    } else if let Some(accept) = &object.bytes {
        match check_media_type(&accept.value, true) {
            Ok(()) => Some(ResponseModel::Bytes {
                accept: accept.value.clone(),
            }),
            Err(why) => {
                cx.error(file, accept.pos, why);
                None
            }
        }
    } else {
        None
    };
    (response, doc)
}

/// What an operation sends: its body, the body's doc, its rules as a whole, and whether the
/// service needs it.
pub(super) struct Body {
    pub(super) model: Option<BodyModel>,
    pub(super) doc: String,
    pub(super) constraints: Constraints,
    pub(super) required: bool,
}

/// The request body, if any (GET and DELETE have none).
pub(super) fn body(cx: &mut Checker, file: &str, op: &spec::Operation) -> Option<Body> {
    let Some(spec) = &op.body else {
        return Some(Body {
            model: None,
            doc: String::new(),
            constraints: Constraints::default(),
            required: true,
        });
    };
    let method = op.method.value;
    let mut ok = true;
    if matches!(method, Method::Get | Method::Delete) {
        cx.error(
            file,
            spec.pos,
            format!("a {} request has no body: remove \"body\"", method.as_str()),
        );
        ok = false;
    }
    let (body, doc, constraints, required) = match &spec.value {
        BodySpec::Json(name) => (
            cx.type_ref(file, &at(spec.pos, name)).map(BodyModel::Json),
            String::new(),
            Some(Constraints::default()),
            true,
        ),
        BodySpec::Typed(object) => {
            let body = body_object(cx, file, spec.pos, object);
            let constraints = body
                .as_ref()
                .and_then(|body| body_constraints(cx, file, body, object));
            let required = match (&object.required, &body) {
                (None, _) => true,
                (Some(flag), Some(BodyModel::Json(_))) if !flag.value => {
                    if object.source.is_none() {
                        cx.error(
                            file,
                            flag.pos,
                            "\"required\": false needs a \"source\": name the document that says the service takes the request without a body",
                        );
                        ok = false;
                    }
                    false
                }
                (Some(flag), _) if flag.value => true,
                (Some(flag), _) => {
                    cx.error(
                        file,
                        flag.pos,
                        "\"required\": false applies to JSON bodies: remove it",
                    );
                    ok = false;
                    true
                }
            };
            (
                body,
                object.doc.clone().unwrap_or_default(),
                constraints,
                required,
            )
        }
    };
    ok &= body.is_some() && constraints.is_some();
    ok.then(|| Body {
        model: body,
        doc,
        constraints: constraints.unwrap_or_default(),
        required,
    })
}

/// The rules on a body as a whole: `minItems` of a JSON list, `minLength` of text.
fn body_constraints(
    cx: &mut Checker,
    file: &str,
    body: &BodyModel,
    object: &spec::BodyObject,
) -> Option<Constraints> {
    // A source may also say the body is optional (`"required": false`), with no rule.
    let optional = object.required.as_ref().is_some_and(|flag| !flag.value);
    let has_rules = object.min_length.is_some() || object.min_items.is_some();
    let written = Written {
        min_length: object.min_length.as_ref(),
        min_items: object.min_items.as_ref(),
        source: object.source.as_ref().filter(|_| has_rules || !optional),
        ..Written::default()
    };
    match body {
        BodyModel::Json(ty) => cx.constraints(file, "the body", Target::Value(ty), &written),
        BodyModel::Text { .. } => cx.constraints(file, "the body", Target::Text, &written),
        BodyModel::Multipart(_) => match written.first().or(written.source.map(|s| s.pos)) {
            Some(pos) => {
                cx.error(
                    file,
                    pos,
                    "a multipart body's rules go on its parts (`\"parts\": { \"Name\": { …, \"minLength\": 1 } }`): move them there",
                );
                None
            }
            None => Some(Constraints::default()),
        },
    }
}

fn body_object(
    cx: &mut Checker,
    file: &str,
    pos: Pos,
    object: &spec::BodyObject,
) -> Option<BodyModel> {
    let given = [
        object.json.is_some(),
        object.text.is_some(),
        object.multipart.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        cx.error(
            file,
            pos,
            "a \"body\" object needs exactly one of \"json\", \"text\" or \"multipart\"",
        );
        return None;
    }
    if let Some(ty) = &object.json {
        return cx.type_ref(file, ty).map(BodyModel::Json);
    }
    if let Some(media) = &object.text {
        return text_media_type(cx, file, media, "body")
            .map(|media_type| BodyModel::Text { media_type });
    }
    let multipart = object.multipart.as_ref()?;
    self::multipart(cx, file, multipart).map(BodyModel::Multipart)
}

/// A multipart body: each part's content and name, unique ignoring case, and the binary
/// parts' limit.
fn multipart(
    cx: &mut Checker,
    file: &str,
    spec: &Spanned<spec::MultipartSpec>,
) -> Option<MultipartModel> {
    let mut ok = spec.value.parts.broken.is_empty();
    let mut parts = Vec::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (name, part) in spec.value.parts.iter() {
        if let Err(why) = check_part_name(&name.value) {
            cx.error(file, name.pos, why);
            ok = false;
            continue;
        }
        if let Some(first) = names.insert(name.value.to_lowercase(), name.value.clone()) {
            cx.error(
                file,
                name.pos,
                format!(
                    "part names \"{first}\" and \"{}\" differ only in case, and servers may match part names ignoring case: rename one",
                    name.value
                ),
            );
            ok = false;
            continue;
        }
        let Some(content) = part_content(cx, file, name, &part.value) else {
            ok = false;
            continue;
        };
        let written = Written {
            min_length: part.value.min_length.as_ref(),
            max_length: part.value.max_length.as_ref(),
            source: part.value.source.as_ref(),
            ..Written::default()
        };
        let target = match &content {
            PartContent::Text { .. } => Target::Text,
            PartContent::Json(ty) => Target::Value(ty),
        };
        let what = format!("part \"{}\"", name.value);
        match cx.constraints(file, &what, target, &written) {
            Some(constraints) => parts.push(PartModel {
                name: name.value.clone(),
                doc: part.value.doc.clone(),
                content,
                required: part.value.required,
                constraints,
            }),
            None => ok = false,
        }
    }
    let binary_parts = match &spec.value.binary_parts {
        None => None,
        Some(binary) if binary.value.max_bytes.value == 0 => {
            cx.error(
                file,
                binary.value.max_bytes.pos,
                "\"maxBytes\" is 0, so no binary part could ever be sent: give the service's limit per part (e.g. 26214400 for 25 MB)",
            );
            ok = false;
            None
        }
        Some(binary) => Some(BinaryPartsModel {
            doc: binary.value.doc.clone(),
            max_bytes: binary.value.max_bytes.value,
        }),
    };
    let alone = spec.value.alone.as_ref().and_then(|alone| {
        let declared = parts.iter().find(|part| part.name == alone.value);
        match declared.map(|part| &part.content) {
            Some(PartContent::Text { .. }) => Some(alone.value.clone()),
            Some(PartContent::Json(_)) => {
                cx.error(
                    file,
                    alone.pos,
                    format!(
                        "\"alone\" names the JSON part \"{}\", but only a text part can be the whole body: name a part with \"text\"",
                        alone.value
                    ),
                );
                ok = false;
                None
            }
            // A declared part that failed its own checks is already reported.
            None if spec.value.parts.iter().any(|(name, _)| name.value == alone.value) => None,
            None => {
                let names: Vec<String> = parts.iter().map(|p| format!("\"{}\"", p.name)).collect();
                cx.error(
                    file,
                    alone.pos,
                    format!(
                        "\"alone\" names \"{}\", which is not a declared part: name one of {}",
                        alone.value,
                        if names.is_empty() { "the \"parts\" (there are none)".to_owned() } else { names.join(", ") }
                    ),
                );
                ok = false;
                None
            }
        }
    });
    if spec.value.parts.entries.is_empty() && spec.value.binary_parts.is_none() && ok {
        cx.error(
            file,
            spec.pos,
            "a multipart body with no \"parts\" and no \"binaryParts\" could hold nothing: declare its parts",
        );
        ok = false;
    }
    ok.then(|| MultipartModel {
        doc: spec.value.doc.clone(),
        parts,
        binary_parts,
        alone,
    })
}

/// One declared part: exactly one of `text` or `json`.
fn part_content(
    cx: &mut Checker,
    file: &str,
    name: &Spanned<String>,
    part: &spec::PartSpec,
) -> Option<PartContent> {
    match (&part.text, &part.json) {
        (Some(media), None) => text_media_type(cx, file, media, "part")
            .map(|media_type| PartContent::Text { media_type }),
        (None, Some(ty)) => cx.type_ref(file, ty).map(PartContent::Json),
        _ => {
            cx.error(
                file,
                name.pos,
                format!(
                    "part \"{}\" needs exactly one of \"text\" (a media type) or \"json\" (a type)",
                    name.value
                ),
            );
            None
        }
    }
}

/// A `text/…` media type for a text body, part or response.
fn text_media_type(
    cx: &mut Checker,
    file: &str,
    media: &Spanned<String>,
    what: &str,
) -> Option<String> {
    let text = &media.value;
    let looks_like_a_type = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '[' | ']' | '-'));
    if looks_like_a_type {
        let hint = if what == "response" {
            "a text response is one `String`; for JSON use \"json\""
        } else {
            "for JSON use \"json\""
        };
        cx.error(
            file,
            media.pos,
            format!(
                "\"text\" takes a media type (e.g. \"text/html\"), not the type \"{text}\": {hint}"
            ),
        );
        return None;
    }
    if let Err(why) = check_media_type(text, false) {
        cx.error(file, media.pos, why);
        return None;
    }
    let essence = text.split(';').next().unwrap_or_default().trim();
    if !essence.to_ascii_lowercase().starts_with("text/") {
        let instead = match what {
            "response" => "use \"json\" for JSON or \"bytes\" for anything else",
            "part" => {
                "use \"json\" for a JSON part; binary parts are the caller's (\"binaryParts\")"
            }
            _ => "use \"json\" for JSON or \"multipart\" for form data",
        };
        cx.error(
            file,
            media.pos,
            format!("a text {what} must have a text/… media type, not \"{text}\": {instead}"),
        );
        return None;
    }
    Some(text.clone())
}

/// Checks `type/subtype` with optional `; name=value` parameters (RFC 9110 §8.3.1); with
/// `ranges`, `*/*` and `type/*` are allowed too (an `Accept`).
pub(crate) fn check_media_type(text: &str, ranges: bool) -> Result<(), String> {
    let bad = || {
        format!(
            "\"{text}\" is not a media type: write type/subtype, e.g. \"text/html\"{}",
            if ranges { " or \"*/*\"" } else { "" }
        )
    };
    let mut pieces = text.split(';');
    let essence = pieces.next().unwrap_or_default().trim();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return Err(bad());
    };
    let valid = match (kind, subtype) {
        ("*", "*") => ranges,
        ("*", _) => false,
        (_, "*") => ranges && is_token(kind),
        _ => is_token(kind) && is_token(subtype),
    };
    if !valid {
        return Err(bad());
    }
    for parameter in pieces {
        let Some((name, value)) = parameter.trim().split_once('=') else {
            return Err(bad());
        };
        let quoted = value.len() >= 2
            && value.starts_with('"')
            && value.ends_with('"')
            && value[1..value.len() - 1]
                .chars()
                .all(|c| (c == ' ' || c.is_ascii_graphic()) && c != '"' && c != '\\');
        if !is_token(name) || !(is_token(value) || quoted) {
            return Err(bad());
        }
    }
    Ok(())
}

/// RFC 9110 `token`: one or more `tchar`.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    '!' | '#'
                        | '$'
                        | '%'
                        | '&'
                        | '\''
                        | '*'
                        | '+'
                        | '-'
                        | '.'
                        | '^'
                        | '_'
                        | '`'
                        | '|'
                        | '~'
                )
        })
}

/// A part name goes into `Content-Disposition: form-data; name="…"`: printable ASCII without
/// `"` and `\`, not empty.
fn check_part_name(name: &str) -> Result<(), String> {
    let fine = |c: char| (c == ' ' || c.is_ascii_graphic()) && c != '"' && c != '\\';
    if name.trim().is_empty() || !name.chars().all(fine) {
        return Err(format!(
            "part name \"{}\" cannot go into a Content-Disposition header: use printable ASCII without `\"` and `\\`",
            name.escape_debug()
        ));
    }
    Ok(())
}

fn at(pos: Pos, value: &str) -> Spanned<String> {
    Spanned {
        pos,
        value: value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_and_ranges() {
        assert!(check_media_type("text/html", false).is_ok());
        assert!(check_media_type("text/html; charset=utf-8", false).is_ok());
        assert!(check_media_type("application/vnd.ms+json", false).is_ok());
        assert!(check_media_type("*/*", true).is_ok());
        assert!(check_media_type("image/*", true).is_ok());
        assert!(check_media_type("*/*", false).is_err());
        assert!(check_media_type("text html", false).is_err());
        assert!(check_media_type("text/html\r\nX: y", false).is_err());
        assert!(check_media_type("text/", false).is_err());
        assert!(check_media_type("text/html; charset", false).is_err());
        assert!(check_media_type("text/html; q=\"a b\"", false).is_ok());
    }

    #[test]
    fn part_names_fit_a_header() {
        assert!(check_part_name("Presentation").is_ok());
        assert!(check_part_name("image block 1").is_ok());
        assert!(check_part_name("a\"b").is_err());
        assert!(check_part_name("a\rb").is_err());
        assert!(check_part_name("é").is_err());
        assert!(check_part_name(" ").is_err());
    }
}
