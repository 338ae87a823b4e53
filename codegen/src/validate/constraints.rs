//! The rules a spec states on an input (a field, a query parameter, a body or a text part):
//! each checked against the input's type and the others, and resolved into the model's
//! [`Constraints`]. The phases that read inputs (`types`, `content`, `operations`) call it.

use crate::json::Pos;
use crate::model::{Constraints, Pattern, Rule, TypeRef};
use crate::spec::{self, Spanned};

use super::checker::Checker;

/// The rules written on one input, as the spec holds them.
#[derive(Default)]
pub(super) struct Written<'a> {
    pub(super) min_length: Option<&'a Spanned<spec::Rule<u32>>>,
    pub(super) max_length: Option<&'a Spanned<spec::Rule<u32>>>,
    pub(super) forbidden_characters: Option<&'a Spanned<spec::Rule<String>>>,
    pub(super) pattern: Option<&'a Spanned<spec::Rule<String>>>,
    pub(super) min_items: Option<&'a Spanned<spec::Rule<u32>>>,
    pub(super) source: Option<&'a Spanned<String>>,
}

impl<'a> Written<'a> {
    /// A field's rules.
    pub(super) fn field(field: &'a spec::Field) -> Self {
        Written {
            min_length: field.min_length.as_ref(),
            max_length: field.max_length.as_ref(),
            forbidden_characters: field.forbidden_characters.as_ref(),
            pattern: field.pattern.as_ref(),
            min_items: field.min_items.as_ref(),
            source: field.source.as_ref(),
        }
    }

    /// A query parameter's rules.
    pub(super) fn query(param: &'a spec::QueryParam) -> Self {
        Written {
            min_length: param.min_length.as_ref(),
            max_length: param.max_length.as_ref(),
            forbidden_characters: param.forbidden_characters.as_ref(),
            pattern: param.pattern.as_ref(),
            min_items: param.min_items.as_ref(),
            source: param.source.as_ref(),
        }
    }

    /// The position of the first rule written, for what concerns them all.
    pub(super) fn first(&self) -> Option<Pos> {
        [
            self.min_length.map(|r| r.pos),
            self.max_length.map(|r| r.pos),
            self.forbidden_characters.map(|r| r.pos),
            self.pattern.map(|r| r.pos),
            self.min_items.map(|r| r.pos),
        ]
        .into_iter()
        .flatten()
        .min_by_key(|pos| (pos.line, pos.column))
    }
}

/// What the rules apply to.
#[derive(Clone, Copy)]
pub(super) enum Target<'t> {
    /// A value of this type (a field, a query parameter, a JSON body).
    Value(&'t TypeRef),
    /// Text (a text body or part).
    Text,
}

impl Target<'_> {
    /// Strings, lists of strings (item by item), and text take string rules.
    fn takes_string_rules(self) -> bool {
        match self {
            Target::Text => true,
            Target::Value(ty) => {
                let mut ty = ty;
                while let TypeRef::Array(inner) = ty {
                    ty = inner;
                }
                *ty == TypeRef::String
            }
        }
    }

    fn is_list(self) -> bool {
        matches!(self, Target::Value(TypeRef::Array(_)))
    }

    fn describe(self) -> String {
        match self {
            Target::Text => "text".to_owned(),
            Target::Value(ty) => format!("\"{}\"", ty.spec_text()),
        }
    }
}

impl Checker {
    /// Resolves the rules `written` on `what` (`field "name"`), reporting each mistake where it
    /// is written; `None` when there was one.
    pub(super) fn constraints(
        &mut self,
        file: &str,
        what: &str,
        target: Target<'_>,
        written: &Written<'_>,
    ) -> Option<Constraints> {
        let mut ok = true;
        let mut out = Constraints::default();
        let string_rules = [
            ("minLength", written.min_length.map(|r| r.pos)),
            ("maxLength", written.max_length.map(|r| r.pos)),
            (
                "forbiddenCharacters",
                written.forbidden_characters.map(|r| r.pos),
            ),
            ("pattern", written.pattern.map(|r| r.pos)),
        ];
        if !target.takes_string_rules() {
            for (key, pos) in string_rules {
                if let Some(pos) = pos {
                    self.error(
                        file,
                        pos,
                        format!(
                            "\"{key}\" applies to strings (and lists of strings, item by item), and {what} is {}: remove it",
                            target.describe()
                        ),
                    );
                    ok = false;
                }
            }
        }
        if let (Some(rule), false) = (written.min_items, target.is_list()) {
            self.error(
                file,
                rule.pos,
                format!(
                    "\"minItems\" applies to lists (`T[]`), and {what} is {}: remove it",
                    target.describe()
                ),
            );
            ok = false;
        }
        out.min_length = written
            .min_length
            .and_then(|r| self.limit(file, r, &mut ok));
        out.max_length = written
            .max_length
            .and_then(|r| self.limit(file, r, &mut ok));
        out.min_items = written.min_items.and_then(|r| self.limit(file, r, &mut ok));
        if let (Some(min), Some(max), Some(written_max)) =
            (&out.min_length, &out.max_length, written.max_length)
            && min.value > max.value
        {
            self.error(
                file,
                written_max.pos,
                format!(
                    "\"maxLength\" {} is less than \"minLength\" {}: no value could be sent; fix one",
                    max.value, min.value
                ),
            );
            ok = false;
        }
        if let Some(rule) = written.forbidden_characters {
            out.forbidden_characters = self.forbidden(file, rule, &mut ok);
        }
        if let Some(rule) = written.pattern {
            out.pattern = self.pattern(file, rule, &mut ok);
        }
        match (written.first(), written.source) {
            (Some(pos), None) => {
                self.error(
                    file,
                    pos,
                    format!(
                        "the rules of {what} need a \"source\": name the document or page that states them (e.g. \"Graph 'Create section'\")"
                    ),
                );
                ok = false;
            }
            (None, Some(source)) => {
                self.error(
                    file,
                    source.pos,
                    format!(
                        "\"source\" names the document that states the rules of {what}, and there are none: add the rules or remove it"
                    ),
                );
                ok = false;
            }
            (Some(_), Some(source)) if source.value.trim().is_empty() => {
                self.error(
                    file,
                    source.pos,
                    "\"source\" is empty: name the document or page that states the rules",
                );
                ok = false;
            }
            (Some(_), Some(source)) => out.source = source.value.clone(),
            (None, None) => {}
        }
        ok.then_some(out)
    }

    /// A length or count, with its code.
    fn limit(
        &mut self,
        file: &str,
        rule: &Spanned<spec::Rule<u32>>,
        ok: &mut bool,
    ) -> Option<Rule<u32>> {
        let code = self.code(file, &rule.value, ok);
        self.no_meaning(file, &rule.value, ok);
        Some(Rule {
            value: rule.value.value,
            code,
        })
    }

    fn forbidden(
        &mut self,
        file: &str,
        rule: &Spanned<spec::Rule<String>>,
        ok: &mut bool,
    ) -> Option<Rule<String>> {
        let code = self.code(file, &rule.value, ok);
        self.no_meaning(file, &rule.value, ok);
        let characters = &rule.value.value;
        if characters.is_empty() {
            self.error(
                file,
                rule.pos,
                "\"forbiddenCharacters\" is empty: list the characters the service refuses, or remove it",
            );
            *ok = false;
            return None;
        }
        let mut seen = String::new();
        for c in characters.chars() {
            if seen.contains(c) {
                self.error(
                    file,
                    rule.pos,
                    format!("\"forbiddenCharacters\" lists {c:?} twice: remove one"),
                );
                *ok = false;
                return None;
            }
            seen.push(c);
        }
        Some(Rule {
            value: characters.clone(),
            code,
        })
    }

    fn pattern(
        &mut self,
        file: &str,
        rule: &Spanned<spec::Rule<String>>,
        ok: &mut bool,
    ) -> Option<Rule<Pattern>> {
        let code = self.code(file, &rule.value, ok);
        let regex = &rule.value.value;
        if let Err(why) = portable_pattern(regex) {
            self.error(file, rule.pos, format!("\"pattern\" {regex:?} {why}"));
            *ok = false;
            return None;
        }
        let meaning = rule
            .value
            .meaning
            .as_ref()
            .map(|m| m.value.trim().to_owned())
            .unwrap_or_default();
        Some(Rule {
            value: Pattern {
                regex: regex.clone(),
                meaning,
            },
            code,
        })
    }

    /// A OneNote error code: five digits.
    fn code<T>(&mut self, file: &str, rule: &spec::Rule<T>, ok: &mut bool) -> Option<String> {
        let code = rule.code.as_ref()?;
        if code.value.len() == 5 && code.value.bytes().all(|b| b.is_ascii_digit()) {
            Some(code.value.clone())
        } else {
            self.error(
                file,
                code.pos,
                format!(
                    "\"code\" {:?} is not a OneNote error code: write its five digits (e.g. \"20153\")",
                    code.value
                ),
            );
            *ok = false;
            None
        }
    }

    fn no_meaning<T>(&mut self, file: &str, rule: &spec::Rule<T>, ok: &mut bool) {
        if let Some(meaning) = &rule.meaning {
            self.error(
                file,
                meaning.pos,
                "\"meaning\" describes what matches a \"pattern\": remove it here",
            );
            *ok = false;
        }
    }
}

/// Checks that `regex` is a regular expression the client and the fake (Rust's `regex-lite`)
/// and JSON Schema readers (ECMA-262) read alike: it compiles, and uses no construct only one
/// of them has.
fn portable_pattern(regex: &str) -> Result<(), String> {
    if let Err(error) = regex_lite::Regex::new(regex) {
        let first = error.to_string();
        let first = first.lines().last().unwrap_or_default().trim().to_owned();
        return Err(format!("is not a regular expression: {first}"));
    }
    let mut chars = regex.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next()
                    && matches!(next, 'A' | 'z' | 'Z' | 'p' | 'P' | 'Q' | 'E' | 'h' | 'H')
                {
                    return Err(format!(
                        "uses `\\{next}`, which ECMA-262 (JSON Schema's regular expressions) reads otherwise: use `^`, `$` and plain classes"
                    ));
                }
            }
            '(' if chars.peek() == Some(&'?') => {
                chars.next();
                if chars.peek() != Some(&':') {
                    return Err(
                        "uses a `(?…)` flag or named group, which ECMA-262 (JSON Schema's regular expressions) reads otherwise: use `(?:…)` or plain groups"
                            .to_owned(),
                    );
                }
            }
            '[' if chars.peek() == Some(&'[') || chars.peek() == Some(&':') => {
                return Err(
                    "uses a nested or POSIX class (`[[:alpha:]]`), which ECMA-262 reads as literal characters: list the characters"
                        .to_owned(),
                );
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::portable_pattern;

    #[test]
    fn portable_patterns_compile_and_avoid_what_only_one_dialect_has() {
        assert!(portable_pattern("^[^ ]").is_ok());
        assert!(portable_pattern("^(?:a|b)( +(?:asc|desc))?$").is_ok());
        assert!(
            portable_pattern("(")
                .unwrap_err()
                .contains("not a regular expression")
        );
        assert!(portable_pattern("(?i)abc").unwrap_err().contains("(?…)"));
        assert!(portable_pattern("\\Aabc\\z").unwrap_err().contains("`\\A`"));
        assert!(
            portable_pattern("[[:alpha:]]")
                .unwrap_err()
                .contains("POSIX")
        );
    }
}
