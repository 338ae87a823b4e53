//! Creating pages: `POST sections/{id}/pages`, and `POST pages` (`sectionName`) in the default
//! notebook. The body is `text/html` alone or `multipart/form-data` with one `Presentation`
//! HTML part and binary parts the HTML names as `name:{part}`; the parts become the page's
//! resources, the `<title>` its title.
//!
//! The default notebook at a location is the oldest one there the caller can write to; without
//! `sectionName` the page goes to its first top-level section (`Quick Notes` is made when it
//! has none), with it to the top-level section of that name, made when there is none.

use bytes::Bytes;
use onenote_api::DateTime;
use onenote_api::schema::{self, BodySchema};
use serde_json::{Value, json};

use super::lookup::{container, require, visible};
use super::multipart;
use super::representation::metadata_json;
use super::request::{Call, Ctx, Reply};
use super::urls::location_context;
use crate::error::ApiError;
use crate::route::Holder;
use crate::store::{RESOURCE_REF, Role, State};

/// Largest binary part the service takes (error 20014).
const MAX_PART: usize = 25 * 1024 * 1024;
/// The section a page goes to in a default notebook without one.
const DEFAULT_SECTION: &str = "Quick Notes";

/// A page body, read and checked: the HTML and the binary parts by name.
struct PageBody {
    html: String,
    /// Sent as multipart (binary parts may be referenced).
    multipart: bool,
    parts: Vec<(String, String, Bytes)>,
}

/// `POST sections/{id}/pages` (`section`) or `POST pages` (none: the default notebook).
pub(crate) fn create(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    section: Option<&str>,
) -> Result<Reply, ApiError> {
    let query = call.odata()?;
    // The body's form first, as the rules of the query were: before what it names is looked up.
    let body = read_body(call)?;
    if let Some(section) = section {
        visible(ctx.state, call, Holder::Section, section)?;
        require(
            ctx.state,
            call.user,
            section,
            Role::Contributor,
            "creating a page",
        )?;
    }
    let section_id = match section {
        Some(section) => section.to_owned(),
        None => default_section(ctx, call, query.param("sectionName"))?,
    };
    let id = store_page(ctx.state, &section_id, body, ctx.now)?;
    if let Some(notebook) = ctx.state.notebook_of(&id).map(|n| n.id.clone()) {
        ctx.state.touch(&notebook, call.user, ctx.now);
    }
    let location = call.location()?;
    let page = ctx
        .state
        .page(&id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("The page went away."))?;
    let mut body = metadata_json(ctx, call.version(), location, &page);
    body.insert(
        "@odata.context".into(),
        json!(ctx.context(
            call.version(),
            &format!("{}/notes/pages/$entity", location_context(location))
        )),
    );
    Ok(Reply::json(201, Value::Object(body)))
}

/// The section of the default notebook a `POST pages` goes to, made when missing.
fn default_section(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    name: Option<&str>,
) -> Result<String, ApiError> {
    let container = container(ctx.state, call.user, call.location()?)?;
    let state = &*ctx.state;
    let mut notebooks: Vec<_> = state
        .notebooks()
        .filter(|n| n.container == container)
        .filter(|n| state.role(call.user, &n.id) >= Some(Role::Contributor))
        .collect();
    notebooks.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
    let Some(notebook) = notebooks.first().map(|n| n.id.clone()) else {
        return Err(ApiError::not_found(format!(
            "There is no notebook at this location that {} can write to, so no default notebook: \
             create a notebook first, or create the page in a section (sections/{{id}}/pages).",
            call.user
        )));
    };
    let mut top: Vec<_> = state.sections_in(&notebook);
    top.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
    let (existing, wanted) = match name {
        Some(name) => (top.iter().find(|s| s.name.eq_ignore_ascii_case(name)), name),
        None => (top.first(), DEFAULT_SECTION),
    };
    if let Some(section) = existing {
        return Ok(section.id.clone());
    }
    // The section and the page must both fit, or neither is made.
    ctx.state.ensure_room(2)?;
    ctx.state
        .add_section(None, &notebook, wanted, call.user, ctx.now)
}

/// The body as HTML and binary parts, every rule of the page-creation pages checked.
fn read_body(call: &Call<'_>) -> Result<PageBody, ApiError> {
    let content_type = call.content_type.unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let body = match essence.as_str() {
        "text/html" | "application/xhtml+xml" => PageBody {
            html: html_text(call.body)?,
            multipart: false,
            parts: Vec::new(),
        },
        "multipart/form-data" => multipart_body(content_type, call.body)?,
        _ => {
            return Err(ApiError::new(
                415,
                "20131",
                format!(
                    "The Content-Type '{content_type}' is not supported here: send the page as \
                     text/html, or as multipart/form-data with a Presentation part."
                ),
            ));
        }
    };
    // The page part's rules (its HTML not empty), checked as the client checks them.
    if let Some(BodySchema::Multipart(multipart)) = &call.operation.body
        && let Some(part) = multipart.parts.iter().find(|p| p.name == "Presentation")
    {
        schema::check_text(part.name, &part.rules, &body.html)
            .map_err(|violation| ApiError::new(400, violation.code(), violation.to_string()))?;
    }
    for name in references(&body.html) {
        if !body.multipart {
            return Err(ApiError::new(
                400,
                "20110",
                format!(
                    "The HTML refers to the part 'name:{name}', but the request is not multipart: \
                     send binary data as multipart/form-data with a Presentation part."
                ),
            ));
        }
        if !body.parts.iter().any(|(part, _, _)| *part == name) {
            return Err(ApiError::new(
                400,
                "20011",
                format!(
                    "The HTML refers to the part 'name:{name}', which the request does not have."
                ),
            ));
        }
    }
    Ok(body)
}

fn html_text(bytes: &[u8]) -> Result<String, ApiError> {
    String::from_utf8(bytes.to_vec())
        .map_err(|e| ApiError::invalid_body(format!("The page's HTML is not UTF-8: {e}.")))
}

fn multipart_body(content_type: &str, body: &[u8]) -> Result<PageBody, ApiError> {
    let boundary = multipart::boundary(content_type)?;
    let parts = multipart::parse(&boundary, body)?;
    let mut presentation = None;
    let mut binary: Vec<(String, String, Bytes)> = Vec::new();
    for part in parts {
        if part.name.eq_ignore_ascii_case("Presentation") {
            if presentation.is_some() {
                return Err(ApiError::new(
                    400,
                    "20002",
                    "The request has more than one Presentation part.",
                ));
            }
            let essence = part.content_type.split(';').next().unwrap_or("").trim();
            if !essence.eq_ignore_ascii_case("text/html")
                && !essence.eq_ignore_ascii_case("application/xhtml+xml")
            {
                return Err(ApiError::new(
                    400,
                    "20003",
                    format!(
                        "The Presentation part is {}; it must be text/html or \
                         application/xhtml+xml.",
                        part.content_type
                    ),
                ));
            }
            presentation = Some(html_text(part.data)?);
            continue;
        }
        if binary
            .iter()
            .any(|(n, _, _)| n.eq_ignore_ascii_case(&part.name))
        {
            return Err(ApiError::new(
                400,
                "20009",
                format!(
                    "The part name '{}' is used twice (names are compared ignoring case).",
                    part.name
                ),
            ));
        }
        if part.data.len() > MAX_PART {
            return Err(ApiError::new(
                400,
                "20014",
                format!(
                    "The part '{}' has {} bytes; a part may have at most {MAX_PART}.",
                    part.name,
                    part.data.len()
                ),
            ));
        }
        binary.push((
            part.name,
            part.content_type,
            Bytes::copy_from_slice(part.data),
        ));
    }
    let html = presentation.ok_or_else(|| {
        ApiError::new(
            400,
            "20001",
            "The multipart request has no part named Presentation with the page's HTML.",
        )
    })?;
    Ok(PageBody {
        html,
        multipart: true,
        parts: binary,
    })
}

/// The part names the HTML refers to (`="name:part1"`), in order.
fn references(html: &str) -> Vec<String> {
    let mut names = Vec::new();
    for quote in ['"', '\''] {
        let opening = format!("={quote}name:");
        let mut rest = html;
        while let Some(at) = rest.find(&opening) {
            let value = &rest[at + opening.len()..];
            let end = value.find(quote).unwrap_or(value.len());
            names.push(value[..end].to_owned());
            rest = &value[end..];
        }
    }
    names
}

/// Stores the page and its referenced parts; returns the page id. Images name their resource
/// in `src` and `data-fullres-src` (`data-render-src` becomes both: the fake renders no PDF),
/// files in `data`.
fn store_page(
    state: &mut State,
    section: &str,
    body: PageBody,
    now: DateTime,
) -> Result<String, ApiError> {
    let title = title_of(&body.html);
    let created = created_of(&body.html).unwrap_or(now);
    let id = state.add_page(None, section, &title, Some(&body.html), created)?;
    let mut html = body.html;
    for (name, content_type, bytes) in body.parts {
        if !references(&html).contains(&name) {
            continue;
        }
        let resource = state.add_resource(&id, &content_type, bytes);
        let target = format!("{RESOURCE_REF}{resource}");
        for quote in ['"', '\''] {
            let value = format!("{quote}name:{name}{quote}");
            let image = format!("{quote}{target}{quote} data-fullres-src={quote}{target}{quote}");
            html = html
                .replace(&format!("data-render-src={value}"), &format!("src={image}"))
                .replace(&format!(" src={value}"), &format!(" src={image}"))
                .replace(&format!("={value}"), &format!("={quote}{target}{quote}"));
        }
    }
    if let Some(page) = state.page_mut(&id) {
        page.content = html;
        page.last_modified = now;
    }
    Ok(id)
}

/// The text of the HTML's `<title>`, entities undone; empty without one.
fn title_of(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let Some(open) = lower.find("<title") else {
        return String::new();
    };
    let Some(start) = lower[open..].find('>').map(|i| open + i + 1) else {
        return String::new();
    };
    let end = lower[start..]
        .find("</title>")
        .map_or(lower.len(), |i| start + i);
    html[start..end]
        .trim()
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The `<meta name="created" content="…">` date, when it is RFC 3339.
fn created_of(html: &str) -> Option<DateTime> {
    let at = html.find("name=\"created\"")?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let content = tag.find("content=\"")? + "content=\"".len();
    let value = &tag[content..];
    value[..value.find('"')?].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_and_created_date_come_from_the_head() {
        let html = "<html><head><title> A &amp; B </title>\
            <meta name=\"created\" content=\"2026-01-02T03:04:05Z\" /></head></html>";
        assert_eq!(title_of(html), "A & B");
        assert_eq!(
            created_of(html).map(|d| d.to_string()).as_deref(),
            Some("2026-01-02T03:04:05Z")
        );
        assert_eq!(title_of("<p>no title</p>"), "");
    }

    #[test]
    fn references_are_the_name_values_of_attributes() {
        let html = "<img src=\"name:part1\"/><object data='name:doc' /><p>name:not</p>";
        assert_eq!(references(html), ["part1", "doc"]);
    }
}
