//! `Upn`: a checked user principal name, compared without regard to case.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest UPN Microsoft Entra accepts, in characters.
const MAX_LEN: usize = 113;
/// Longest part before the `@`.
const MAX_ALIAS: usize = 64;
/// Longest part after the `@`.
const MAX_DOMAIN: usize = 48;
/// The prefix of the claims form the service uses in some responses
/// (`i:0#.f|membership|user@contoso.com`).
const CLAIMS_PREFIX: &str = "i:0#.f|membership|";

/// A user principal name (`alias@domain`), checked against Microsoft Entra's rules: the alias
/// uses only `A–Z a–z 0–9 ' . - _ ! # ^ ~`, does not end in `.`, and is at most 64 characters;
/// the domain is dot-separated labels of letters, digits and `-`, at most 48 characters; the
/// whole at most 113.
///
/// Two UPNs are equal when they differ only in letter case (sign-in names are not
/// case-sensitive); [`as_str`](Self::as_str) keeps the spelling it was given.
#[derive(Clone)]
pub struct Upn {
    text: String,
    key: String,
}

impl Upn {
    /// Checks `text` and keeps it. The error says what is wrong, in a sentence that can follow
    /// "`text` is not a user principal name: ".
    pub fn parse(text: &str) -> Result<Upn, String> {
        check(text)?;
        Ok(Upn {
            text: text.to_owned(),
            key: text.to_ascii_lowercase(),
        })
    }

    /// The UPN as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The UPN in lower case: what comparisons use.
    pub fn key(&self) -> &str {
        &self.key
    }
}

/// The comparison key of a principal id as the service returns it: the claims prefix
/// (`i:0#.f|membership|`) removed, in lower case.
pub fn principal_key(id: &str) -> String {
    let trimmed = id.trim();
    let bare = match trimmed.get(..CLAIMS_PREFIX.len()) {
        Some(prefix) if prefix.eq_ignore_ascii_case(CLAIMS_PREFIX) => {
            &trimmed[CLAIMS_PREFIX.len()..]
        }
        _ => trimmed,
    };
    bare.to_lowercase()
}

fn check(text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Err("it is empty".into());
    }
    let Some((alias, domain)) = text.split_once('@') else {
        return Err("it has no `@`; write it as alias@domain, e.g. jcraig@contoso.edu".into());
    };
    if domain.contains('@') {
        return Err("it has more than one `@`".into());
    }
    if let Some(bad) = alias.chars().find(|c| !is_alias_char(*c)) {
        return Err(format!(
            "the part before `@` contains {bad:?}; only letters A–Z, digits and ' . - _ ! # ^ ~ are allowed"
        ));
    }
    if alias.is_empty() {
        return Err("nothing comes before the `@`".into());
    }
    if alias.ends_with('.') {
        return Err("the part before `@` ends with `.`".into());
    }
    if alias.chars().count() > MAX_ALIAS {
        return Err(format!(
            "the part before `@` is longer than {MAX_ALIAS} characters"
        ));
    }
    check_domain(domain)?;
    if text.chars().count() > MAX_LEN {
        return Err(format!("it is longer than {MAX_LEN} characters"));
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), String> {
    if domain.is_empty() {
        return Err("nothing comes after the `@`".into());
    }
    if domain.chars().count() > MAX_DOMAIN {
        return Err(format!("the domain is longer than {MAX_DOMAIN} characters"));
    }
    if !domain.contains('.') {
        return Err(format!(
            "the domain `{domain}` has no `.`; use the tenant's verified domain, e.g. contoso.edu"
        ));
    }
    for label in domain.split('.') {
        if label.is_empty() {
            return Err(format!(
                "the domain `{domain}` has an empty part between dots"
            ));
        }
        if let Some(bad) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(format!(
                "the domain contains {bad:?}; only letters, digits, `-` and `.` are allowed"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("the domain part `{label}` starts or ends with `-`"));
        }
    }
    Ok(())
}

fn is_alias_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '\'' | '.' | '-' | '_' | '!' | '#' | '^' | '~')
}

impl PartialEq for Upn {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Upn {}

impl Hash for Upn {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

impl PartialOrd for Upn {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Upn {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

impl fmt::Display for Upn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Upn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text, f)
    }
}

impl Serialize for Upn {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Upn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Upn::parse(&text).map_err(|why| {
            serde::de::Error::custom(format!("{text:?} is not a user principal name: {why}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(text: &str) -> String {
        Upn::parse(text).unwrap_err()
    }

    #[test]
    fn accepts_the_sds_sample_usernames_and_entra_special_characters() {
        for ok in [
            "jcraig@classrmtest31.org",
            "o'brien.k@contoso.edu",
            "a-b_c!d#e^f~g@sub.contoso-school.edu",
        ] {
            assert_eq!(Upn::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn compares_without_case_and_keeps_the_spelling() {
        let a = Upn::parse("JCraig@Contoso.edu").unwrap();
        let b = Upn::parse("jcraig@contoso.EDU").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "JCraig@Contoso.edu");
        assert_eq!(a.key(), "jcraig@contoso.edu");
    }

    #[test]
    fn says_what_is_wrong() {
        assert_eq!(why(""), "it is empty");
        assert!(why("jcraig").contains("has no `@`"));
        assert!(why("a@b@contoso.edu").contains("more than one `@`"));
        assert!(why("j craig@contoso.edu").contains("contains ' '"));
        assert!(why("jcraig.@contoso.edu").contains("ends with `.`"));
        assert!(why("@contoso.edu").contains("nothing comes before"));
        assert!(why("jcraig@").contains("nothing comes after"));
        assert!(why("jcraig@localhost").contains("has no `.`"));
        assert!(why("jcraig@contoso..edu").contains("empty part"));
        assert!(why("jcraig@-contoso.edu").contains("starts or ends with `-`"));
        assert!(why("jcraig@cont_oso.edu").contains("contains '_'"));
        assert!(why("jörg@contoso.edu").contains("contains 'ö'"));
        assert!(why(&format!("{}@contoso.edu", "a".repeat(65))).contains("64"));
        assert!(why(&format!("a@{}.edu", "b".repeat(45))).contains("48"));
    }

    #[test]
    fn principal_key_strips_the_claims_form() {
        assert_eq!(
            principal_key("i:0#.f|membership|JCraig@Contoso.edu"),
            "jcraig@contoso.edu"
        );
        assert_eq!(principal_key("JCraig@Contoso.edu"), "jcraig@contoso.edu");
    }

    #[test]
    fn deserializing_checks_the_upn() {
        let error = serde_json::from_str::<Upn>("\"not a upn\"").unwrap_err();
        assert!(error.to_string().contains("is not a user principal name"));
        let upn: Upn = serde_json::from_str("\"a@contoso.edu\"").unwrap();
        assert_eq!(serde_json::to_string(&upn).unwrap(), "\"a@contoso.edu\"");
    }
}
