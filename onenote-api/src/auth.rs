//! Where bearer tokens come from: the `TokenProvider` trait and the fixed `StaticToken`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed error from a token provider (or anything else the caller plugs in).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Supplies the OAuth 2.0 access token sent as `Authorization: Bearer {token}`.
///
/// The client asks for a token before every attempt of every request, so a provider can cache
/// and refresh tokens as it likes. The trait is object safe; implement it for your token cache:
///
/// ```
/// use std::{future::Future, pin::Pin};
/// use onenote_api::{BoxError, TokenProvider};
///
/// struct FromEnv;
///
/// impl TokenProvider for FromEnv {
///     fn token(&self) -> Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send + '_>> {
///         Box::pin(async { Ok(std::env::var("ONENOTE_TOKEN")?) })
///     }
/// }
/// ```
pub trait TokenProvider: Send + Sync {
    /// Returns a current access token (without the `Bearer ` prefix).
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send + '_>>;
}

impl<T: TokenProvider + ?Sized> TokenProvider for Arc<T> {
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send + '_>> {
        (**self).token()
    }
}

impl<T: TokenProvider + ?Sized> TokenProvider for Box<T> {
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send + '_>> {
        (**self).token()
    }
}

/// A token that never changes, for scripts and tests. Its `Debug` output hides the token.
#[derive(Clone)]
pub struct StaticToken(Arc<str>);

impl StaticToken {
    /// Wraps an access token (without the `Bearer ` prefix).
    pub fn new(token: impl Into<String>) -> Self {
        Self(Arc::from(token.into()))
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken(<redacted>)")
    }
}

impl TokenProvider for StaticToken {
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send + '_>> {
        let token = self.0.to_string();
        Box::pin(async move { Ok(token) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_token() {
        let token = StaticToken::new("s3cr3t-token");
        let debug = format!("{token:?} {:#?}", token);
        assert!(!debug.contains("s3cr3t"), "{debug}");
        assert_eq!(format!("{token:?}"), "StaticToken(<redacted>)");
    }

    #[tokio::test]
    async fn static_token_returns_the_token() {
        let provider: Arc<dyn TokenProvider> = Arc::new(StaticToken::new("abc"));
        assert_eq!(provider.token().await.unwrap(), "abc");
    }
}
