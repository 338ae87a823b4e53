//! `SignInSettings`: which identity platform, tenant and application a sign-in uses, and the
//! scopes it asks for each audience.

use std::collections::BTreeMap;

use onenote_api::Audience;
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::SignInError;
use crate::scopes::default_scopes;

/// The Microsoft identity platform's public authority.
pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";

/// The tenant used when none is given: any work or school account (OneNote class notebooks
/// are for organisations, not personal accounts).
pub const DEFAULT_TENANT: &str = "organizations";

/// Where and as which application to sign in. Stored with the tokens, so a refresh goes to
/// the same place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInSettings {
    /// The authority's origin (default [`DEFAULT_AUTHORITY`]; a fake's origin in tests).
    pub authority: String,
    /// The tenant: its id, a domain, `organizations` or `common`.
    pub tenant: String,
    /// The application (client) id of a public client registered in Entra ID with "Allow
    /// public client flows".
    pub client_id: String,
    /// The scopes asked for, by audience ([`Audience::as_str`]); an audience not here is asked
    /// for its [`default_scopes`](crate::default_scopes). (A token file written before there
    /// were two audiences has one list here: OneNote's.)
    #[serde(default, deserialize_with = "scopes_by_audience")]
    pub scopes: BTreeMap<String, Vec<String>>,
}

impl SignInSettings {
    /// Settings for application `client_id` at the default authority and tenant.
    pub fn new(client_id: impl Into<String>) -> Self {
        Self {
            authority: DEFAULT_AUTHORITY.to_owned(),
            tenant: DEFAULT_TENANT.to_owned(),
            client_id: client_id.into(),
            scopes: BTreeMap::new(),
        }
    }

    /// Another tenant.
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = tenant.into();
        self
    }

    /// Another authority (its origin, without a path).
    pub fn authority(mut self, authority: impl Into<String>) -> Self {
        self.authority = authority.into().trim_end_matches('/').to_owned();
        self
    }

    /// Other scopes than the defaults, each for the audience it names
    /// ([`Audience::of_scope`]): `https://onenote.com/…` for OneNote,
    /// `https://graph.microsoft.com/…` or a bare permission for Microsoft Graph. A scope that
    /// names no resource (`offline_access`, `openid`, `profile`, `email`) is asked for every
    /// audience that one of the others names; an audience that none names keeps its defaults.
    ///
    /// Fails, saying which, for a scope of another resource, or when only scopes without a
    /// resource are given.
    pub fn scopes<I, S>(mut self, scopes: I) -> Result<Self, SignInError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut shared = Vec::new();
        let mut named: BTreeMap<Audience, Vec<String>> = BTreeMap::new();
        for scope in scopes {
            let scope = scope.into();
            match Audience::of_scope(&scope) {
                Some(audience) => named.entry(audience).or_default().push(scope),
                None if scope.contains("://") => {
                    return Err(SignInError::Settings(format!(
                        "the scope {scope:?} is for neither OneNote ({}…) nor Microsoft Graph \
                         ({}…): a sign-in here asks for those two only",
                        Audience::OneNote.scope_prefix(),
                        Audience::Graph.scope_prefix()
                    )));
                }
                None => shared.push(scope),
            }
        }
        if named.is_empty() && !shared.is_empty() {
            return Err(SignInError::Settings(format!(
                "the scopes {shared:?} name no service: add one of OneNote's (e.g. {}) or \
                 Microsoft Graph's (e.g. {})",
                Audience::OneNote.scope("Notes.ReadWrite.All"),
                Audience::Graph.scope("Notes.ReadWrite.All")
            )));
        }
        for (audience, mut scopes) in named {
            scopes.extend(shared.iter().cloned());
            self.scopes.insert(audience.as_str().to_owned(), scopes);
        }
        Ok(self)
    }

    /// The scopes asked for `audience`: the ones given for it, else its defaults.
    pub fn scopes_for(&self, audience: Audience) -> Vec<String> {
        self.scopes
            .get(audience.as_str())
            .cloned()
            .unwrap_or_else(|| default_scopes(audience))
    }

    /// `{authority}/{tenant}/oauth2/v2.0/devicecode`.
    pub fn device_code_url(&self) -> String {
        format!("{}/{}/oauth2/v2.0/devicecode", self.authority, self.tenant)
    }

    /// `{authority}/{tenant}/oauth2/v2.0/token`.
    pub fn token_url(&self) -> String {
        format!("{}/{}/oauth2/v2.0/token", self.authority, self.tenant)
    }
}

/// The scopes by audience, or the one list of a token file from before there were two
/// audiences (it was OneNote's).
fn scopes_by_audience<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, Vec<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        ByAudience(BTreeMap<String, Vec<String>>),
        OneNote(Vec<String>),
    }
    Ok(match Stored::deserialize(deserializer)? {
        Stored::ByAudience(scopes) => scopes,
        Stored::OneNote(scopes) if scopes.is_empty() => BTreeMap::new(),
        Stored::OneNote(scopes) => [(Audience::OneNote.as_str().to_owned(), scopes)].into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_scopes_each_audience_is_asked_for_its_defaults() {
        let settings = SignInSettings::new("app");
        assert_eq!(
            settings.scopes_for(Audience::OneNote),
            ["https://onenote.com/Notes.ReadWrite.All", "offline_access"]
        );
        assert_eq!(
            settings.scopes_for(Audience::Graph),
            [
                "https://graph.microsoft.com/Notes.ReadWrite.All",
                "offline_access"
            ]
        );
    }

    #[test]
    fn given_scopes_go_to_the_audience_they_name() {
        let settings = SignInSettings::new("app")
            .scopes([
                "https://onenote.com/Notes.Read",
                "offline_access",
                "Notes.Read",
            ])
            .unwrap();
        assert_eq!(
            settings.scopes_for(Audience::OneNote),
            ["https://onenote.com/Notes.Read", "offline_access"]
        );
        assert_eq!(
            settings.scopes_for(Audience::Graph),
            ["Notes.Read", "offline_access"]
        );
        // Only OneNote's given: Graph keeps its defaults.
        let onenote_only = SignInSettings::new("app")
            .scopes(["https://onenote.com/.default"])
            .unwrap();
        assert_eq!(
            onenote_only.scopes_for(Audience::OneNote),
            ["https://onenote.com/.default"]
        );
        assert_eq!(
            onenote_only.scopes_for(Audience::Graph),
            default_scopes(Audience::Graph)
        );
    }

    #[test]
    fn a_scope_of_another_resource_or_of_none_is_refused() {
        let other = SignInSettings::new("app")
            .scopes(["https://vault.azure.net/user_impersonation"])
            .unwrap_err();
        assert_eq!(
            other.to_string(),
            "sign-in settings: the scope \"https://vault.azure.net/user_impersonation\" is for \
             neither OneNote (https://onenote.com/…) nor Microsoft Graph \
             (https://graph.microsoft.com/…): a sign-in here asks for those two only"
        );
        let none = SignInSettings::new("app")
            .scopes(["offline_access"])
            .unwrap_err();
        assert!(none.to_string().contains("name no service"), "{none}");
    }

    #[test]
    fn a_token_file_from_before_two_audiences_keeps_its_scopes_as_onenote_s() {
        let old = r#"{"authority":"a","tenant":"t","client_id":"c","scopes":["https://onenote.com/Notes.Read"]}"#;
        let settings: SignInSettings = serde_json::from_str(old).unwrap();
        assert_eq!(
            settings.scopes_for(Audience::OneNote),
            ["https://onenote.com/Notes.Read"]
        );
        assert_eq!(
            settings.scopes_for(Audience::Graph),
            default_scopes(Audience::Graph)
        );
        let empty = r#"{"authority":"a","tenant":"t","client_id":"c","scopes":[]}"#;
        let settings: SignInSettings = serde_json::from_str(empty).unwrap();
        assert!(settings.scopes.is_empty());
        let round =
            serde_json::to_string(&SignInSettings::new("c").scopes(["Notes.Read"]).unwrap())
                .unwrap();
        assert!(
            round.contains(r#""scopes":{"graph":["Notes.Read"]}"#),
            "{round}"
        );
    }
}
