//! `Audience`: the service a token is for, and the scopes asked for it.

use serde::{Deserialize, Serialize};

/// The service an access token is sent to. A token for one audience is refused by another,
/// so the store keeps one access token per audience, all redeemed from the sign-in's one
/// refresh token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Audience {
    /// The OneNote API at `https://www.onenote.com/api` (class notebooks, permissions).
    OneNote,
}

impl Audience {
    /// The key of its token in the store (`onenote`).
    pub fn key(self) -> &'static str {
        match self {
            Audience::OneNote => "onenote",
        }
    }

    /// The delegated scopes asked for by default: read and write every notebook the user can
    /// reach (class notebooks and permissions need `Notes.ReadWrite.All` or
    /// `Notes.ReadWrite`), and `offline_access` for a refresh token.
    pub fn default_scopes(self) -> Vec<String> {
        match self {
            Audience::OneNote => vec![
                "https://onenote.com/Notes.ReadWrite.All".to_owned(),
                "offline_access".to_owned(),
            ],
        }
    }
}
