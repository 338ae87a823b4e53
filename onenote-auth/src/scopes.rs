//! The delegated scopes each audience is asked for when the settings name none.

use onenote_api::Audience;

/// The scopes asked for `audience` by default: read and write every notebook the user can
/// reach, and `offline_access` for the refresh token.
///
/// OneNote: `https://onenote.com/Notes.ReadWrite.All` (class notebooks and permissions need it
/// or `Notes.ReadWrite`). Microsoft Graph: `https://graph.microsoft.com/Notes.ReadWrite.All`
/// (work and school accounts; a personal account has `Notes.ReadWrite`).
pub fn default_scopes(audience: Audience) -> Vec<String> {
    vec![
        audience.scope("Notes.ReadWrite.All"),
        "offline_access".to_owned(),
    ]
}
