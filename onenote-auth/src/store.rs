//! The token file: the sign-in's settings and refresh token, and one access token per
//! audience, as JSON in a file only the user can read (mode 0600), in the platform's config
//! directory.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use onenote_api::Audience;
use serde::{Deserialize, Serialize};

use crate::error::SignInError;
use crate::settings::SignInSettings;

/// What a sign-in keeps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSignIn {
    /// Where it was made, so a refresh goes to the same place.
    pub settings: SignInSettings,
    /// The refresh token (`offline_access`), redeemed for each audience's access token.
    pub refresh_token: Option<String>,
    /// Access tokens by audience ([`Audience::as_str`]: `onenote`, `graph`).
    pub tokens: BTreeMap<String, AudienceToken>,
}

impl StoredSignIn {
    /// `audience`'s access token, when one was redeemed.
    pub fn token(&self, audience: Audience) -> Option<&AudienceToken> {
        self.tokens.get(audience.as_str())
    }

    /// Keeps `token` as `audience`'s access token (in place of the one it had).
    pub fn set_token(&mut self, audience: Audience, token: AudienceToken) {
        self.tokens.insert(audience.as_str().to_owned(), token);
    }
}

/// One audience's access token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AudienceToken {
    /// The bearer token.
    pub access_token: String,
    /// When it expires, in seconds since the Unix epoch.
    pub expires_at: u64,
}

/// The token file.
#[derive(Clone, Debug)]
pub struct TokenStore {
    path: PathBuf,
}

impl TokenStore {
    /// The file at `path`.
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// `onenote/tokens.json` in `ONENOTE_CONFIG_DIR`, else in the platform's config directory
    /// (`~/.config` on Linux, `~/Library/Application Support` on macOS, `%APPDATA%` on
    /// Windows).
    pub fn default_location() -> Result<Self, SignInError> {
        let dir = match std::env::var_os("ONENOTE_CONFIG_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => dirs::config_dir()
                .ok_or_else(|| {
                    SignInError::Store(
                        "this platform has no config directory: set ONENOTE_CONFIG_DIR".to_owned(),
                    )
                })?
                .join("onenote"),
        };
        Ok(Self::at(dir.join("tokens.json")))
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The stored sign-in, `None` when there is none.
    pub fn load(&self) -> Result<Option<StoredSignIn>, SignInError> {
        let text = match fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(self.error("cannot read", &error)),
        };
        serde_json::from_str(&text).map(Some).map_err(|error| {
            SignInError::Store(format!(
                "{} is not a token file ({error}): run `onenote logout`, then `onenote login`",
                self.path.display()
            ))
        })
    }

    /// Writes the sign-in: to a new file only the user can read, then renamed over the old
    /// one, so a reader never sees half a file.
    pub fn save(&self, sign_in: &StoredSignIn) -> Result<(), SignInError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir)
            .map_err(|error| self.error("cannot create the folder of", &error))?;
        let text = serde_json::to_vec_pretty(sign_in)
            .map_err(|error| SignInError::Store(format!("cannot encode the tokens: {error}")))?;
        let temporary = self
            .path
            .with_extension(format!("json.{}", std::process::id()));
        let written = private_file(&temporary)
            .and_then(|mut file| file.write_all(&text).and_then(|()| file.sync_all()))
            .and_then(|()| fs::rename(&temporary, &self.path));
        if let Err(error) = written {
            let _ = fs::remove_file(&temporary);
            return Err(self.error("cannot write", &error));
        }
        Ok(())
    }

    /// Forgets the sign-in: removes the file. `false` when there was none.
    pub fn forget(&self) -> Result<bool, SignInError> {
        match fs::remove_file(&self.path) {
            Ok(()) => Ok(true),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(error) => Err(self.error("cannot remove", &error)),
        }
    }

    fn error(&self, what: &str, error: &std::io::Error) -> SignInError {
        SignInError::Store(format!("{what} {}: {error}", self.path.display()))
    }
}

/// A new file only its owner can read and write (0600 on Unix).
fn private_file(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign_in() -> StoredSignIn {
        StoredSignIn {
            settings: SignInSettings::new("app"),
            refresh_token: Some("refresh".to_owned()),
            tokens: [(
                "onenote".to_owned(),
                AudienceToken {
                    access_token: "access".to_owned(),
                    expires_at: 42,
                },
            )]
            .into_iter()
            .collect(),
        }
    }

    fn temp_store(name: &str) -> TokenStore {
        let dir = std::env::temp_dir().join(format!("onenote-auth-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        TokenStore::at(dir.join("tokens.json"))
    }

    #[test]
    fn a_saved_sign_in_loads_back_and_forget_removes_it() {
        let store = temp_store("roundtrip");
        assert_eq!(store.load().unwrap(), None);
        store.save(&sign_in()).unwrap();
        assert_eq!(store.load().unwrap(), Some(sign_in()));
        assert!(store.forget().unwrap());
        assert!(!store.forget().unwrap());
        assert_eq!(store.load().unwrap(), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_token_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let store = temp_store("mode");
        store.save(&sign_in()).unwrap();
        let mode = fs::metadata(store.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        store.forget().unwrap();
    }

    #[test]
    fn a_damaged_file_says_how_to_start_again() {
        let store = temp_store("damaged");
        fs::create_dir_all(store.path().parent().unwrap()).unwrap();
        fs::write(store.path(), "{not json").unwrap();
        let error = store.load().unwrap_err().to_string();
        assert!(error.contains("onenote logout"), "{error}");
        store.forget().unwrap();
    }
}
