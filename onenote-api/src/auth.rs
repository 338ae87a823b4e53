//! Where bearer tokens come from: the `TokenProvider` trait, `AccessToken` with its expiry,
//! the fixed `StaticToken`, and the client's token cache (refresh before expiry, single flight).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::HeaderValue;

use crate::clock::Clock;

/// A boxed error from a token provider (or anything else the caller plugs in).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A boxed future returned by [`TokenProvider`] methods.
pub type TokenFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send + 'a>>;

/// The longest time before expiry that the client refreshes a token (as azure_core's own
/// policies do). Tokens that live less than twice as long are refreshed at half their life.
pub const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(5 * 60);

/// An access token and, when the provider knows it, when it expires.
#[derive(Clone)]
pub struct AccessToken {
    secret: Arc<str>,
    expires_at: Option<SystemTime>,
}

impl AccessToken {
    /// A token whose expiry is not known: the client asks the provider again before every
    /// attempt (the provider caches as it likes).
    pub fn new(secret: impl Into<Arc<str>>) -> Self {
        Self {
            secret: secret.into(),
            expires_at: None,
        }
    }

    /// A token valid until `expires_at`: the client keeps it and asks the provider for a new
    /// one shortly before then ([`REFRESH_BEFORE_EXPIRY`]), once however many requests are
    /// waiting.
    pub fn expiring(secret: impl Into<Arc<str>>, expires_at: SystemTime) -> Self {
        Self {
            secret: secret.into(),
            expires_at: Some(expires_at),
        }
    }

    /// The token, without the `Bearer ` prefix.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// When the token expires, if known.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("secret", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Supplies the OAuth 2.0 access token sent as `Authorization: Bearer {token}`.
///
/// Implement [`token`](Self::token) for a provider that caches and refreshes tokens itself:
/// the client asks it before every attempt. Implement
/// [`access_token`](Self::access_token) too to say when each token expires: the client then
/// caches the token, refreshes it [`REFRESH_BEFORE_EXPIRY`] before it expires, and however many
/// requests need a new token at once, asks the provider once. On a `401 Unauthorized` the
/// client drops the cached token and asks again, once per request.
///
/// The trait is object safe:
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use onenote_api::{AccessToken, BoxError, TokenFuture, TokenProvider};
///
/// struct FromEnv;
///
/// impl TokenProvider for FromEnv {
///     fn token(&self) -> TokenFuture<'_, String> {
///         Box::pin(async { Ok(std::env::var("ONENOTE_TOKEN")?) })
///     }
///
///     // Optional: with an expiry the client caches the token until shortly before it.
///     fn access_token(&self) -> TokenFuture<'_, AccessToken> {
///         Box::pin(async {
///             let secret = std::env::var("ONENOTE_TOKEN")?;
///             let expires_at = SystemTime::now() + Duration::from_secs(3600);
///             Ok(AccessToken::expiring(secret, expires_at))
///         })
///     }
/// }
/// ```
pub trait TokenProvider: Send + Sync {
    /// Returns a current access token (without the `Bearer ` prefix).
    fn token(&self) -> TokenFuture<'_, String>;

    /// Returns a current access token with its expiry, when known. The client calls only this;
    /// the default wraps [`token`](Self::token) without an expiry.
    fn access_token(&self) -> TokenFuture<'_, AccessToken> {
        let token = self.token();
        Box::pin(async move { Ok(AccessToken::new(token.await?)) })
    }
}

impl<T: TokenProvider + ?Sized> TokenProvider for Arc<T> {
    fn token(&self) -> TokenFuture<'_, String> {
        (**self).token()
    }

    fn access_token(&self) -> TokenFuture<'_, AccessToken> {
        (**self).access_token()
    }
}

impl<T: TokenProvider + ?Sized> TokenProvider for Box<T> {
    fn token(&self) -> TokenFuture<'_, String> {
        (**self).token()
    }

    fn access_token(&self) -> TokenFuture<'_, AccessToken> {
        (**self).access_token()
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
    fn token(&self) -> TokenFuture<'_, String> {
        let token = self.0.to_string();
        Box::pin(async move { Ok(token) })
    }

    fn access_token(&self) -> TokenFuture<'_, AccessToken> {
        // A reference count, not a copy of the token.
        let token = AccessToken::new(self.0.clone());
        Box::pin(async move { Ok(token) })
    }
}

/// Why the cache could not give a credential.
#[derive(Debug)]
pub(crate) enum TokenError {
    /// The provider failed.
    Provider(BoxError),
    /// The provider returned an empty token.
    Empty,
    /// The token cannot be sent in a header (the value is not shown: it is the secret).
    NotAHeader,
}

/// What one attempt sends: the token and its `Authorization` header value.
#[derive(Clone)]
pub(crate) struct Credential {
    pub(crate) secret: Arc<str>,
    pub(crate) authorization: HeaderValue,
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credential(<redacted>)")
    }
}

/// The client's token cache around its provider.
///
/// Tokens without an expiry are fetched for every attempt (only their header value is reused
/// while the provider returns the same token). Tokens with one are kept until their refresh
/// time; the refresh is single flight: one caller asks the provider, the others wait for it.
pub(crate) struct TokenCache {
    provider: Box<dyn TokenProvider>,
    current: Mutex<Option<Cached>>,
    /// Held while the provider is asked for an expiring token.
    refreshing: tokio::sync::Mutex<()>,
}

#[derive(Clone)]
struct Cached {
    credential: Credential,
    /// When to ask the provider again; `None`: the token has no expiry, ask every time.
    refresh_at: Option<Instant>,
}

impl TokenCache {
    pub(crate) fn new(provider: Box<dyn TokenProvider>) -> Self {
        Self {
            provider,
            current: Mutex::new(None),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    /// The credential for the next attempt.
    pub(crate) async fn credential(&self, clock: &dyn Clock) -> Result<Credential, TokenError> {
        match self.fresh(clock) {
            Lookup::Fresh(credential) => return Ok(credential),
            // Nothing to share: ask directly, as often as callers ask.
            Lookup::NoExpiry => return self.fetch(clock).await,
            Lookup::Stale => {}
        }
        let _flight = self.refreshing.lock().await;
        // Whoever held the lock before may have refreshed it already.
        if let Lookup::Fresh(credential) = self.fresh(clock) {
            return Ok(credential);
        }
        self.fetch(clock).await
    }

    /// Forgets `secret` after the service rejected it (a 401), unless it was replaced already.
    pub(crate) fn reject(&self, secret: &str) {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if current
            .as_ref()
            .is_some_and(|cached| &*cached.credential.secret == secret)
        {
            *current = None;
        }
    }

    fn fresh(&self, clock: &dyn Clock) -> Lookup {
        let current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        match current.as_ref() {
            Some(Cached {
                refresh_at: None, ..
            }) => Lookup::NoExpiry,
            Some(Cached {
                credential,
                refresh_at: Some(at),
            }) if clock.now() < *at => Lookup::Fresh(credential.clone()),
            _ => Lookup::Stale,
        }
    }

    async fn fetch(&self, clock: &dyn Clock) -> Result<Credential, TokenError> {
        let token = self
            .provider
            .access_token()
            .await
            .map_err(TokenError::Provider)?;
        if token.secret.is_empty() {
            return Err(TokenError::Empty);
        }
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        let credential = match current.as_ref() {
            // The same token again: keep its header value instead of building a new one.
            Some(cached) if cached.credential.secret == token.secret => cached.credential.clone(),
            _ => {
                let mut authorization = HeaderValue::from_str(&format!("Bearer {}", token.secret))
                    .map_err(|_| TokenError::NotAHeader)?;
                authorization.set_sensitive(true);
                Credential {
                    secret: token.secret,
                    authorization,
                }
            }
        };
        let refresh_at = token
            .expires_at
            .map(|expires_at| refresh_time(clock.now(), expires_at, SystemTime::now()));
        *current = Some(Cached {
            credential: credential.clone(),
            refresh_at,
        });
        Ok(credential)
    }
}

enum Lookup {
    Fresh(Credential),
    NoExpiry,
    Stale,
}

/// When to refresh a token fetched at `now` (`wall_now` on the wall clock) that expires at
/// `expires_at`: [`REFRESH_BEFORE_EXPIRY`] before, or at half its remaining life when that is
/// shorter. An expired token is refreshed at once.
fn refresh_time(now: Instant, expires_at: SystemTime, wall_now: SystemTime) -> Instant {
    let life = expires_at
        .duration_since(wall_now)
        .unwrap_or(Duration::ZERO);
    let margin = REFRESH_BEFORE_EXPIRY.min(life / 2);
    now.checked_add(life - margin).unwrap_or(now)
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
        let token = provider.access_token().await.unwrap();
        assert_eq!(token.secret(), "abc");
        assert_eq!(token.expires_at(), None);
        assert!(!format!("{token:?}").contains("abc"));
    }

    #[test]
    fn refresh_comes_five_minutes_early_or_at_half_life() {
        let now = Instant::now();
        let wall = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let hour = wall + Duration::from_secs(3600);
        assert_eq!(
            refresh_time(now, hour, wall),
            now + Duration::from_secs(3300)
        );
        let short = wall + Duration::from_secs(240);
        assert_eq!(
            refresh_time(now, short, wall),
            now + Duration::from_secs(120)
        );
        assert_eq!(refresh_time(now, wall - Duration::from_secs(5), wall), now);
    }
}
