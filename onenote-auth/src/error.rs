//! `SignInError`: why signing in, refreshing or reading the token file failed, in one line
//! that says what to do.

use std::fmt;

/// Why a sign-in step failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum SignInError {
    /// The user declined the sign-in (`access_denied`).
    Denied(String),
    /// The code expired before the user entered it (`expired_token`).
    Expired(String),
    /// The identity platform refused the request (another OAuth error, e.g. `invalid_grant`
    /// for a revoked refresh token, `invalid_client`).
    Refused {
        /// The OAuth error code.
        code: String,
        /// Its description.
        description: String,
    },
    /// Nobody is signed in for this audience.
    NotSignedIn,
    /// The identity platform could not be reached, or answered something that is not OAuth.
    Transport(String),
    /// The token file could not be read or written.
    Store(String),
    /// The settings are unusable (a URL that does not parse, no TLS).
    Settings(String),
}

impl fmt::Display for SignInError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignInError::Denied(why) => write!(f, "sign-in was declined (access_denied): {why}"),
            SignInError::Expired(why) => write!(
                f,
                "the sign-in code expired before it was entered (expired_token): {why}; run `onenote login` again"
            ),
            SignInError::Refused { code, description } => {
                write!(f, "the identity platform refused: {code}: {description}")
            }
            SignInError::NotSignedIn => f.write_str(
                "not signed in: run `onenote login`, or set ONENOTE_TOKEN to an access token",
            ),
            SignInError::Transport(why) => write!(f, "cannot reach the identity platform: {why}"),
            SignInError::Store(why) => write!(f, "token file: {why}"),
            SignInError::Settings(why) => write!(f, "sign-in settings: {why}"),
        }
    }
}

impl std::error::Error for SignInError {}
