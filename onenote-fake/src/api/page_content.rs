//! `PATCH pages/{id}/content`: change commands applied to a page's HTML, in order, all or
//! nothing. Elements are found by `data-id` (`#id`), by `id` (the generated ids), or by the
//! `body` and `title` keywords. The HTML is handled as text with tags matched by name: enough
//! for the pages the fake holds, not an HTML parser.

use onenote_api::{PatchAction, PatchContentCommand, PatchInsertPosition};

use crate::error::ApiError;

/// Most commands in one request.
const MAX_COMMANDS: usize = 500;
/// Largest page HTML the fake keeps.
const MAX_HTML: usize = 8 * 1024 * 1024;

/// Elements that have no closing tag.
const VOID: &[&str] = &[
    "area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "object", "source", "wbr",
];

/// Where an element is in the HTML: `[start, open_end)` is its start tag, `[close, end)` its
/// end tag (empty for void elements).
struct Element {
    start: usize,
    open_end: usize,
    close: usize,
    end: usize,
}

/// The title and HTML after the commands, or the first command's error.
pub(crate) fn apply(
    title: &str,
    html: &str,
    commands: &[PatchContentCommand],
) -> Result<(String, String), ApiError> {
    if commands.is_empty() {
        return Err(ApiError::missing("The PATCH body has no change commands."));
    }
    if commands.len() > MAX_COMMANDS {
        return Err(ApiError::new(
            400,
            "20109",
            format!("At most {MAX_COMMANDS} change commands fit in one request."),
        ));
    }
    let mut title = title.to_owned();
    let mut html = html.to_owned();
    for (i, command) in commands.iter().enumerate() {
        let bad =
            |message: String| ApiError::new(400, "20109", format!("commands[{i}]: {message}"));
        let content = command.content.as_deref().unwrap_or("");
        let after = match &command.position {
            None | Some(PatchInsertPosition::After) => true,
            Some(PatchInsertPosition::Before) => false,
            Some(other) => {
                return Err(bad(format!(
                    "position '{}' is not after or before",
                    other.as_str()
                )));
            }
        };
        match (command.target.as_str(), &command.action) {
            ("title", PatchAction::Replace) => {
                title = content.to_owned();
                html = with_title(&html, content);
            }
            ("title", action) => {
                return Err(bad(format!(
                    "the title takes only replace, not {}",
                    action.as_str()
                )));
            }
            ("body", PatchAction::Append | PatchAction::Prepend) => {
                let (at_start, at_end) = body_bounds(&html);
                // `append` adds the last child, or with `before` the first; `prepend` the first.
                let last = command.action == PatchAction::Append && after;
                let at = if last { at_end } else { at_start };
                html.insert_str(at, content);
            }
            ("body", action) => {
                return Err(bad(format!(
                    "the body takes append or prepend, not {}",
                    action.as_str()
                )));
            }
            (target, action) => {
                // What the command names does not exist: 404, as for any resource a request
                // names (the request itself is well formed).
                let element = find(&html, target).ok_or_else(|| {
                    ApiError::not_found(format!(
                        "commands[{i}]: the page has no element {target} (data-id for #ids, id \
                         otherwise)"
                    ))
                })?;
                let (range, text) = match action {
                    PatchAction::Append | PatchAction::Prepend if element.close == element.end => {
                        return Err(bad(format!("{target} cannot hold children")));
                    }
                    PatchAction::Append if after => (element.close..element.close, content),
                    PatchAction::Append => (element.open_end..element.open_end, content),
                    PatchAction::Prepend => (element.open_end..element.open_end, content),
                    PatchAction::Insert if after => (element.end..element.end, content),
                    PatchAction::Insert => (element.start..element.start, content),
                    PatchAction::Replace => (element.start..element.end, content),
                    PatchAction::Delete => (element.start..element.end, ""),
                    other => return Err(bad(format!("action '{}' is not known", other.as_str()))),
                };
                html.replace_range(range, text);
            }
        }
        if html.len() > MAX_HTML {
            return Err(bad(format!(
                "the page would be larger than {MAX_HTML} bytes"
            )));
        }
    }
    Ok((title, html))
}

/// Where content goes at the start and at the end of the body.
fn body_bounds(html: &str) -> (usize, usize) {
    let lower = html.to_ascii_lowercase();
    let start = lower
        .find("<body")
        .and_then(|at| {
            lower
                .get(at..)
                .and_then(|rest| rest.find('>'))
                .map(|end| at + end + 1)
        })
        .unwrap_or(0);
    let end = lower
        .rfind("</body>")
        .filter(|end| *end >= start)
        .unwrap_or(html.len());
    (start, end)
}

/// The HTML with its `<title>` text replaced (escaped).
fn with_title(html: &str, title: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let escaped = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    match (lower.find("<title>"), lower.find("</title>")) {
        (Some(open), Some(close)) if close >= open + 7 => {
            let mut out = String::with_capacity(html.len() + escaped.len());
            out.push_str(html.get(..open + 7).unwrap_or(""));
            out.push_str(&escaped);
            out.push_str(html.get(close..).unwrap_or(""));
            out
        }
        _ => html.to_owned(),
    }
}

/// The element a target names: `#x` by `data-id="x"`, anything else by `id="…"`.
fn find(html: &str, target: &str) -> Option<Element> {
    let (attribute, value) = match target.strip_prefix('#') {
        Some(id) => ("data-id", id),
        None => ("id", target),
    };
    if value.is_empty() {
        return None;
    }
    let lower = html.to_ascii_lowercase();
    let at = [
        format!(" {attribute}=\"{value}\""),
        format!(" {attribute}='{value}'"),
    ]
    .iter()
    .filter_map(|needle| lower.find(&needle.to_ascii_lowercase()))
    .min()?;
    let start = lower.get(..at)?.rfind('<')?;
    let open_end = at + lower.get(at..)?.find('>')? + 1;
    let name: String = lower
        .get(start + 1..)?
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    if name.is_empty() {
        return None;
    }
    let self_closing = lower.get(..open_end)?.ends_with("/>");
    if self_closing || VOID.contains(&name.as_str()) {
        return Some(Element {
            start,
            open_end,
            close: open_end,
            end: open_end,
        });
    }
    let (close, end) = closing_tag(&lower, &name, open_end)?;
    Some(Element {
        start,
        open_end,
        close,
        end,
    })
}

/// The `</name>` that closes an element whose start tag ends at `from`: `(start, end)`.
fn closing_tag(lower: &str, name: &str, from: usize) -> Option<(usize, usize)> {
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let mut depth = 1usize;
    let mut at = from;
    // Each turn moves past one tag, so the loop ends within the string's length.
    while at < lower.len() {
        let rest = lower.get(at..)?;
        let next_close = rest.find(&close)?;
        let next_open = rest.find(&open).filter(|o| {
            *o < next_close
                && rest
                    .get(o + open.len()..)
                    .and_then(|r| r.chars().next())
                    .is_some_and(|c| c == '>' || c == '/' || c.is_whitespace())
        });
        match next_open {
            Some(o) => {
                depth += 1;
                at += o + open.len();
            }
            None => {
                depth -= 1;
                if depth == 0 {
                    return Some((at + next_close, at + next_close + close.len()));
                }
                at += next_close + close.len();
            }
        }
    }
    None
}

/// Elements that get a generated id (what content changes can target).
const TARGETABLE: &[&str] = &[
    "div", "p", "img", "object", "ul", "ol", "li", "table", "h1", "h2", "h3", "h4", "h5", "h6",
];

/// The HTML with a generated `id="{tag}:{{guid}}{n}"` on every targetable element that has no
/// `id`, the service's form.
pub(crate) fn with_generated_ids(html: &str, mut guid: impl FnMut() -> String) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    let mut n = 0u32;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let name: String = rest[1..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        let end = rest.find('>').map_or(rest.len(), |i| i + 1);
        let tag = &rest[..end];
        out.push_str(&tag[..1 + name.len().min(tag.len() - 1)]);
        if TARGETABLE.contains(&name.as_str()) && !has_id(tag) {
            n += 1;
            out.push_str(&format!(" id=\"{name}:{{{}}}{{{n}}}\"", guid()));
        }
        out.push_str(&tag[1 + name.len().min(tag.len() - 1)..]);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The HTML without the ids [`with_generated_ids`] adds (ids the page was given stay).
pub(crate) fn without_generated_ids(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(" id=\"") {
        let value_start = at + " id=\"".len();
        let Some(length) = rest[value_start..].find('"') else {
            break;
        };
        let value = &rest[value_start..value_start + length];
        out.push_str(&rest[..at]);
        if !is_generated_id(value) {
            out.push_str(&rest[at..value_start + length + 1]);
        }
        rest = &rest[value_start + length + 1..];
    }
    out.push_str(rest);
    out
}

/// Whether a start tag has an `id` attribute (not `data-id`).
fn has_id(tag: &str) -> bool {
    let lower = tag.to_ascii_lowercase();
    lower
        .match_indices("id=")
        .any(|(at, _)| lower[..at].ends_with(|c: char| c.is_ascii_whitespace()))
}

/// `{tag}:{{guid}}{n}`.
fn is_generated_id(value: &str) -> bool {
    let Some((tag, rest)) = value.split_once(":{") else {
        return false;
    };
    let Some((guid, n)) = rest.split_once("}{") else {
        return false;
    };
    TARGETABLE.contains(&tag)
        && guid.len() == 36
        && guid.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        && n.strip_suffix('}')
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<html><head><title>Quiz</title></head><body>\
        <div data-id=\"q1\"><p id=\"p:{1}\">Question 1</p></div><img data-id=\"pic\" src=\"x\"/>\
        </body></html>";

    fn command(target: &str, action: PatchAction, content: &str) -> PatchContentCommand {
        PatchContentCommand::new(target, action).with_content(content)
    }

    fn run(commands: &[PatchContentCommand]) -> Result<(String, String), ApiError> {
        apply("Quiz", PAGE, commands)
    }

    #[test]
    fn generated_ids_are_added_once_and_left_out_again() {
        let html = "<body><div data-id=\"q1\"><p>x</p></div><p id=\"mine\">y</p></body>";
        let mut n = 0;
        let with = with_generated_ids(html, || {
            n += 1;
            format!("00000000-0000-0000-0000-00000000000{n}")
        });
        assert_eq!(
            with,
            "<body><div id=\"div:{00000000-0000-0000-0000-000000000001}{1}\" data-id=\"q1\"><p \
             id=\"p:{00000000-0000-0000-0000-000000000002}{2}\">x</p></div><p id=\"mine\">y</p></body>"
        );
        assert_eq!(with_generated_ids(&with, || unreachable!()), with);
        assert_eq!(without_generated_ids(&with), html);
        let (_, changed) = apply(
            "t",
            &with,
            &[command(
                "p:{00000000-0000-0000-0000-000000000002}{2}",
                PatchAction::Replace,
                "<p>z</p>",
            )],
        )
        .unwrap();
        assert!(changed.contains("<p>z</p></div>"), "{changed}");
    }

    #[test]
    fn body_and_title_take_their_commands() {
        let (title, html) = run(&[
            command("title", PatchAction::Replace, "Quiz <2>"),
            command("body", PatchAction::Append, "<p>end</p>"),
            command("body", PatchAction::Prepend, "<p>start</p>"),
        ])
        .unwrap();
        assert_eq!(title, "Quiz <2>");
        assert!(html.contains("<title>Quiz &lt;2&gt;</title>"), "{html}");
        assert!(html.contains("<body><p>start</p><div"), "{html}");
        assert!(html.ends_with("<p>end</p></body></html>"), "{html}");
    }

    #[test]
    fn elements_are_found_by_data_id_and_generated_id() {
        let (_, html) = run(&[
            command("#q1", PatchAction::Append, "<p>Question 2</p>"),
            command("p:{1}", PatchAction::Replace, "<p id=\"p:{1}\">Q1</p>"),
            PatchContentCommand::new("#q1", PatchAction::Insert)
                .with_position(PatchInsertPosition::Before)
                .with_content("<h1>Quiz</h1>"),
            PatchContentCommand::new("#pic", PatchAction::Delete),
        ])
        .unwrap();
        assert_eq!(
            html,
            "<html><head><title>Quiz</title></head><body><h1>Quiz</h1><div data-id=\"q1\"><p \
             id=\"p:{1}\">Q1</p><p>Question 2</p></div></body></html>"
        );
    }

    #[test]
    fn nested_elements_of_the_same_name_close_right() {
        let html = "<body><div data-id=\"outer\"><div>inner</div></div><div>after</div></body>";
        let (_, changed) = apply(
            "t",
            html,
            &[command("#outer", PatchAction::Append, "<p>x</p>")],
        )
        .unwrap();
        assert_eq!(
            changed,
            "<body><div data-id=\"outer\"><div>inner</div><p>x</p></div><div>after</div></body>"
        );
    }

    #[test]
    fn commands_that_cannot_apply_change_nothing_and_say_why() {
        let error = run(&[
            command("body", PatchAction::Append, "<p>kept?</p>"),
            command("#nope", PatchAction::Append, "x"),
        ])
        .unwrap_err();
        assert_eq!((error.status, error.code), (404, "20102"));
        assert_eq!(
            error.message,
            "commands[1]: the page has no element #nope (data-id for #ids, id otherwise)"
        );
        assert_eq!(
            run(&[command("#pic", PatchAction::Append, "x")])
                .unwrap_err()
                .message,
            "commands[0]: #pic cannot hold children"
        );
        assert!(run(&[command("title", PatchAction::Append, "x")]).is_err());
        assert!(run(&[]).is_err());
        assert!(
            apply(
                "t",
                "<div data-id=\"x\">unclosed",
                &[command("#x", PatchAction::Append, "y")]
            )
            .is_err()
        );
    }
}
