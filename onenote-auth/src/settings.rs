//! `SignInSettings`: which identity platform, tenant and application a sign-in uses.

use serde::{Deserialize, Serialize};

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
    /// The scopes asked for; empty: the audience's defaults.
    #[serde(default)]
    pub scopes: Vec<String>,
}

impl SignInSettings {
    /// Settings for application `client_id` at the default authority and tenant.
    pub fn new(client_id: impl Into<String>) -> Self {
        Self {
            authority: DEFAULT_AUTHORITY.to_owned(),
            tenant: DEFAULT_TENANT.to_owned(),
            client_id: client_id.into(),
            scopes: Vec::new(),
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

    /// Other scopes than the audience's defaults.
    pub fn scopes(mut self, scopes: Vec<String>) -> Self {
        self.scopes = scopes;
        self
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
