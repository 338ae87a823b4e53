//! `PathTemplate`: a path of the spec (`classNotebooks/{notebookId}/pages('{pageId}')`) parsed
//! once, and the ways it is written out as text: spec text, OpenAPI path, route listing (the
//! statements that build it at run time are emit's, `emit/paths.rs`).

use std::fmt;

/// A path template split into segments.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PathTemplate {
    /// The segments between `/`.
    pub segments: Vec<Segment>,
}

/// One path segment: literal text and parameters.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Segment {
    /// The parts in order.
    pub parts: Vec<Part>,
}

/// A piece of a path segment.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// Text sent as written.
    Literal(String),
    /// A parameter, percent-encoded as one segment.
    Param(String),
    /// A parameter inside `'…'`: an OData string literal (quotes doubled, then percent-encoded).
    QuotedParam(String),
}

impl PathTemplate {
    /// Parses `a/{b}/c('{d}')`. The error says what is wrong and how to write it instead.
    pub fn parse(text: &str) -> Result<PathTemplate, String> {
        if text.is_empty() {
            return Ok(PathTemplate::default());
        }
        if text.starts_with('/') || text.ends_with('/') {
            return Err("write it without a leading or trailing `/`".to_owned());
        }
        let mut segments = Vec::new();
        for raw in text.split('/') {
            if raw.is_empty() {
                return Err("has an empty segment (`//`): remove the extra `/`".to_owned());
            }
            segments.push(parse_segment(raw)?);
        }
        Ok(PathTemplate { segments })
    }

    /// True when the template has no segments (the host itself).
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// The parameter names in path order.
    pub fn params(&self) -> Vec<&str> {
        self.segments
            .iter()
            .flat_map(|segment| &segment.parts)
            .filter_map(|part| match part {
                Part::Literal(_) => None,
                Part::Param(name) | Part::QuotedParam(name) => Some(name.as_str()),
            })
            .collect()
    }

    /// True when `name` is written as an OData string literal (`'{name}'`).
    pub fn is_quoted(&self, name: &str) -> bool {
        self.segments
            .iter()
            .flat_map(|segment| &segment.parts)
            .any(|part| matches!(part, Part::QuotedParam(quoted) if quoted == name))
    }

    /// This template followed by `rest`.
    pub fn join(&self, rest: &PathTemplate) -> PathTemplate {
        let mut segments = self.segments.clone();
        segments.extend(rest.segments.iter().cloned());
        PathTemplate { segments }
    }

    /// The first `n` segments.
    pub fn prefix(&self, n: usize) -> PathTemplate {
        PathTemplate {
            segments: self.segments.iter().take(n).cloned().collect(),
        }
    }

    /// The segments after the first `n`.
    pub fn tail(&self, n: usize) -> PathTemplate {
        PathTemplate {
            segments: self.segments.iter().skip(n).cloned().collect(),
        }
    }

    /// True when `prefix`'s segments start this template.
    pub fn starts_with(&self, prefix: &PathTemplate) -> bool {
        self.segments.starts_with(&prefix.segments)
    }

    /// True when the last segment is nothing but parameters (`…/{id}`): an item of a collection.
    pub fn ends_in_param(&self) -> bool {
        self.segments
            .last()
            .is_some_and(|s| s.parts.iter().all(|p| !matches!(p, Part::Literal(_))))
    }

    /// The template as written in the spec (`classNotebooks/{notebookId}`), which is also how
    /// the route listing shows it.
    pub fn to_template(&self) -> String {
        self.to_string()
    }

    /// The OpenAPI path key: `/` and the template (`/me/notes/classNotebooks/{notebookId}`).
    /// OpenAPI's `{name}` templating is the spec's, and an OData literal keeps its quotes.
    pub fn openapi_path(&self) -> String {
        format!("/{self}")
    }
}

impl fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, segment) in self.segments.iter().enumerate() {
            if index > 0 {
                f.write_str("/")?;
            }
            for part in &segment.parts {
                match part {
                    Part::Literal(text) => f.write_str(text)?,
                    Part::Param(name) => write!(f, "{{{name}}}")?,
                    Part::QuotedParam(name) => write!(f, "'{{{name}}}'")?,
                }
            }
        }
        Ok(())
    }
}

/// Characters a literal path part may hold: sent as written, so nothing that needs encoding.
pub fn is_literal_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '(' | ')' | '=' | ',' | '$')
}

/// True for one non-empty segment of literal characters only (a version, the notes root).
pub fn is_literal_segment(text: &str) -> bool {
    !text.is_empty() && text.chars().all(is_literal_char)
}

fn parse_segment(raw: &str) -> Result<Segment, String> {
    let mut parts = Vec::new();
    let mut rest = raw;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("'{") {
            let Some(end) = after.find("}'") else {
                return Err("`'{` without a matching `}'`".to_owned());
            };
            parts.push(Part::QuotedParam(param_name(&after[..end])?));
            rest = &after[end + 2..];
        } else if let Some(after) = rest.strip_prefix('{') {
            let Some(end) = after.find('}') else {
                return Err("`{` without a matching `}`".to_owned());
            };
            parts.push(Part::Param(param_name(&after[..end])?));
            rest = &after[end + 1..];
        } else {
            // Literal text runs to the next parameter or quote; a quote must open `'{`.
            let end = rest.find(['{', '\'']).unwrap_or(rest.len());
            if end == 0 {
                return Err(format!(
                    "a `'` must open an OData literal `'{{name}}'` (found in \"{raw}\")"
                ));
            }
            let literal = &rest[..end];
            if let Some(bad) = literal.chars().find(|c| !is_literal_char(*c)) {
                return Err(format!(
                    "character `{bad}` in \"{raw}\" would need encoding: use letters, digits and -._~()=,$"
                ));
            }
            parts.push(Part::Literal(literal.to_owned()));
            rest = &rest[end..];
        }
    }
    if parts
        .windows(2)
        .any(|w| !matches!(w[0], Part::Literal(_)) && !matches!(w[1], Part::Literal(_)))
    {
        return Err(format!(
            "two parameters touch in \"{raw}\": separate them with literal text"
        ));
    }
    Ok(Segment { parts })
}

fn param_name(name: &str) -> Result<String, String> {
    if name.is_empty()
        || !name.starts_with(|c: char| c.is_ascii_alphabetic())
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(format!(
            "parameter name \"{name}\" must be letters, digits and `_`, starting with a letter"
        ));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> PathTemplate {
        PathTemplate::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn parses_odata_key_syntax() {
        let path = parse("classNotebooks/{notebookId}/pages('{pageId}')/X.Y");
        assert_eq!(
            path.segments[2].parts,
            vec![
                Part::Literal("pages(".into()),
                Part::QuotedParam("pageId".into()),
                Part::Literal(")".into())
            ]
        );
        assert_eq!(
            path.to_template(),
            "classNotebooks/{notebookId}/pages('{pageId}')/X.Y"
        );
        assert_eq!(path.params(), ["notebookId", "pageId"]);
        assert!(path.is_quoted("pageId") && !path.is_quoted("notebookId"));
    }

    #[test]
    fn refuses_characters_that_need_encoding() {
        assert_eq!(
            PathTemplate::parse("class notebooks").unwrap_err(),
            "character ` ` in \"class notebooks\" would need encoding: use letters, digits and -._~()=,$"
        );
    }

    #[test]
    fn refuses_slashes_at_the_ends_and_empty_segments() {
        assert!(PathTemplate::parse("/a").is_err());
        assert!(PathTemplate::parse("a/").is_err());
        assert_eq!(
            PathTemplate::parse("a//b").unwrap_err(),
            "has an empty segment (`//`): remove the extra `/`"
        );
        assert!(PathTemplate::parse("").is_ok_and(|p| p.is_empty()));
    }

    #[test]
    fn refuses_touching_parameters_and_stray_quotes() {
        assert!(PathTemplate::parse("{a}{b}").is_err());
        assert!(PathTemplate::parse("a'b").is_err());
        assert!(PathTemplate::parse("{a").is_err());
        assert!(PathTemplate::parse("{1a}").is_err());
    }

    #[test]
    fn joins_and_splits_by_segment() {
        let mount = parse("notebooks/{notebookId}");
        let full = mount.join(&parse("permissions/{permissionId}"));
        assert_eq!(
            full.to_template(),
            "notebooks/{notebookId}/permissions/{permissionId}"
        );
        assert!(full.starts_with(&mount));
        assert_eq!(full.tail(2).to_template(), "permissions/{permissionId}");
        assert_eq!(full.prefix(1).to_template(), "notebooks");
        assert!(full.ends_in_param() && !full.prefix(3).ends_in_param());
    }

    #[test]
    fn openapi_path_is_rooted() {
        assert_eq!(
            parse("me/notes/classNotebooks/{notebookId}").openapi_path(),
            "/me/notes/classNotebooks/{notebookId}"
        );
        assert_eq!(PathTemplate::default().openapi_path(), "/");
    }
}
