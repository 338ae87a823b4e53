//! Where bearer tokens come from: the `Audience` a token is for, the `TokenProvider` trait,
//! `AccessToken` with its expiry, the fixed `StaticToken`, and the client's token cache (one
//! slot per audience, refresh before expiry, single flight).

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

/// The service a call goes to, and so the audience of the access token it sends.
///
/// The Microsoft identity platform issues an access token for one resource, and each service
/// refuses a token issued for another with `401`. The client asks its [`TokenProvider`] for a
/// token of the call's audience and caches each audience's token apart. One sign-in can serve
/// both: its refresh token is redeemed once per audience, with that audience's scopes.
///
/// Every operation of this crate goes to [`OneNote`](Self::OneNote) for now; a provider that
/// can also give [`Graph`](Self::Graph) tokens serves both with one sign-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Audience {
    /// The OneNote API at `https://www.onenote.com/api` (class notebooks, permissions and the
    /// general notebooks API): resource `https://onenote.com/`, scopes such as
    /// `https://onenote.com/Notes.ReadWrite.All`.
    OneNote,
    /// Microsoft Graph (`https://graph.microsoft.com`, the general notebooks API under
    /// `…/onenote/`): scopes such as `https://graph.microsoft.com/Notes.ReadWrite`; a scope
    /// without a resource (`Notes.ReadWrite`) means Graph.
    Graph,
}

impl Audience {
    /// Every audience, OneNote first.
    pub const ALL: &'static [Audience] = &[Audience::OneNote, Audience::Graph];

    /// Its name in text: `onenote` or `graph` (the key of its token in a token store).
    pub const fn as_str(self) -> &'static str {
        match self {
            Audience::OneNote => "onenote",
            Audience::Graph => "graph",
        }
    }

    /// What its scopes start with: `https://onenote.com/` or `https://graph.microsoft.com/`.
    pub const fn scope_prefix(self) -> &'static str {
        match self {
            Audience::OneNote => "https://onenote.com/",
            Audience::Graph => "https://graph.microsoft.com/",
        }
    }

    /// A permission of this audience as a scope:
    /// `Audience::Graph.scope("Notes.ReadWrite")` is `https://graph.microsoft.com/Notes.ReadWrite`.
    pub fn scope(self, permission: &str) -> String {
        format!("{}{permission}", self.scope_prefix())
    }

    /// Its `.default` scope (`https://onenote.com/.default`,
    /// `https://graph.microsoft.com/.default`): every permission of this resource that the
    /// app registration lists and that was consented to. What service credentials
    /// (client secret, managed identity) ask for.
    pub const fn default_scope(self) -> &'static str {
        match self {
            Audience::OneNote => "https://onenote.com/.default",
            Audience::Graph => "https://graph.microsoft.com/.default",
        }
    }

    /// The response header that carries the id the service gave the request, to quote to
    /// support: `X-CorrelationId` on OneNote, `request-id` on Microsoft Graph.
    pub const fn correlation_header(self) -> &'static str {
        match self {
            Audience::OneNote => "X-CorrelationId",
            Audience::Graph => "request-id",
        }
    }

    /// The audience a scope asks for: the one whose [`scope_prefix`](Self::scope_prefix) it
    /// starts with (scheme and host in any case), or Microsoft Graph for a permission without a
    /// resource (`Notes.Read`), as the identity platform reads it. `None` for the OpenID Connect
    /// scopes, which name no resource (`openid`, `profile`, `email`, `offline_access`), and for
    /// another resource's scopes.
    pub fn of_scope(scope: &str) -> Option<Audience> {
        const OPENID: [&str; 4] = ["openid", "profile", "email", "offline_access"];
        if OPENID.iter().any(|s| s.eq_ignore_ascii_case(scope)) {
            return None;
        }
        let starts = |prefix: &str| {
            scope
                .get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        };
        if let Some(audience) = Self::ALL.iter().find(|a| starts(a.scope_prefix())) {
            return Some(*audience);
        }
        // `https://vault.azure.net/…`, `api://…`: another resource.
        (!scope.contains("://")).then_some(Audience::Graph)
    }

    /// Its place in [`ALL`](Self::ALL): the client's token cache has one slot per audience.
    fn index(self) -> usize {
        match self {
            Audience::OneNote => 0,
            Audience::Graph => 1,
        }
    }
}

impl fmt::Display for Audience {
    /// `OneNote` or `Microsoft Graph`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Audience::OneNote => "OneNote",
            Audience::Graph => "Microsoft Graph",
        })
    }
}

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

/// Supplies the OAuth 2.0 access token sent as `Authorization: Bearer {token}`, for the
/// [`Audience`] of the service a call goes to.
///
/// Implement [`token`](Self::token) for a provider that caches and refreshes tokens itself:
/// the client asks it before every attempt. Implement
/// [`access_token`](Self::access_token) too to say when each token expires: the client then
/// caches the token, refreshes it [`REFRESH_BEFORE_EXPIRY`] before it expires, and however many
/// requests need a new token at once, asks the provider once. Each audience's token is cached
/// and refreshed on its own. On a `401 Unauthorized` the client drops the cached token of that
/// call's audience (only) and asks again, once per request.
///
/// A provider that has no token for an audience returns an error: the call then fails with
/// [`ErrorKind::Auth`](crate::ErrorKind::Auth) and nothing is sent. The trait is object safe:
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use onenote_api::{AccessToken, Audience, BoxError, TokenFuture, TokenProvider};
///
/// /// OneNote's token from `ONENOTE_TOKEN`, Microsoft Graph's from `GRAPH_TOKEN`.
/// struct FromEnv;
///
/// fn variable(audience: Audience) -> Result<String, BoxError> {
///     let name = match audience {
///         Audience::OneNote => "ONENOTE_TOKEN",
///         Audience::Graph => "GRAPH_TOKEN",
///         other => return Err(format!("no token for {other}").into()),
///     };
///     Ok(std::env::var(name)?)
/// }
///
/// impl TokenProvider for FromEnv {
///     fn token(&self, audience: Audience) -> TokenFuture<'_, String> {
///         Box::pin(async move { variable(audience) })
///     }
///
///     // Optional: with an expiry the client caches the token until shortly before it.
///     fn access_token(&self, audience: Audience) -> TokenFuture<'_, AccessToken> {
///         Box::pin(async move {
///             let expires_at = SystemTime::now() + Duration::from_secs(3600);
///             Ok(AccessToken::expiring(variable(audience)?, expires_at))
///         })
///     }
/// }
/// ```
pub trait TokenProvider: Send + Sync {
    /// Returns a current access token for `audience` (without the `Bearer ` prefix).
    fn token(&self, audience: Audience) -> TokenFuture<'_, String>;

    /// Returns a current access token for `audience` with its expiry, when known. The client
    /// calls only this; the default wraps [`token`](Self::token) without an expiry.
    fn access_token(&self, audience: Audience) -> TokenFuture<'_, AccessToken> {
        let token = self.token(audience);
        Box::pin(async move { Ok(AccessToken::new(token.await?)) })
    }
}

impl<T: TokenProvider + ?Sized> TokenProvider for Arc<T> {
    fn token(&self, audience: Audience) -> TokenFuture<'_, String> {
        (**self).token(audience)
    }

    fn access_token(&self, audience: Audience) -> TokenFuture<'_, AccessToken> {
        (**self).access_token(audience)
    }
}

impl<T: TokenProvider + ?Sized> TokenProvider for Box<T> {
    fn token(&self, audience: Audience) -> TokenFuture<'_, String> {
        (**self).token(audience)
    }

    fn access_token(&self, audience: Audience) -> TokenFuture<'_, AccessToken> {
        (**self).access_token(audience)
    }
}

/// Tokens that never change, for scripts and tests. Its `Debug` output hides them.
///
/// [`new`](Self::new) makes one token for every audience: right for the fake
/// (`fake:{upn}` works on both of its services) and for a script that calls one service. A
/// real token is for one audience and the other service refuses it (`401`): give each audience
/// its own with [`for_audience`](Self::for_audience) and
/// [`with_audience`](Self::with_audience). An audience without a token fails its calls with
/// [`ErrorKind::Auth`](crate::ErrorKind::Auth), before anything is sent.
///
/// ```
/// use onenote_api::{Audience, StaticToken};
///
/// let anywhere = StaticToken::new("fake:teacher1@contoso.com");
/// let each = StaticToken::for_audience(Audience::OneNote, "eyJ0eXAi…onenote")
///     .with_audience(Audience::Graph, "eyJ0eXAi…graph");
/// ```
#[derive(Clone)]
pub struct StaticToken {
    /// Sent to an audience that has no token of its own.
    any: Option<Arc<str>>,
    /// Tokens of one audience each.
    own: Vec<(Audience, Arc<str>)>,
}

impl StaticToken {
    /// One token (without the `Bearer ` prefix) for every audience.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            any: Some(Arc::from(token.into())),
            own: Vec::new(),
        }
    }

    /// A token for `audience` only: calls to another audience fail until it has one.
    pub fn for_audience(audience: Audience, token: impl Into<String>) -> Self {
        Self {
            any: None,
            own: Vec::new(),
        }
        .with_audience(audience, token)
    }

    /// The same tokens, with `token` for `audience` (in place of the one it had).
    pub fn with_audience(mut self, audience: Audience, token: impl Into<String>) -> Self {
        let token = Arc::from(token.into());
        match self.own.iter_mut().find(|(own, _)| *own == audience) {
            Some(slot) => slot.1 = token,
            None => self.own.push((audience, token)),
        }
        self
    }

    /// The token for `audience`, or why there is none.
    fn get(&self, audience: Audience) -> Result<Arc<str>, BoxError> {
        self.own
            .iter()
            .find(|(own, _)| *own == audience)
            .map(|(_, token)| token)
            .or(self.any.as_ref())
            .cloned()
            .ok_or_else(|| {
                format!(
                    "the StaticToken has no token for {audience} (give one with \
                     StaticToken::with_audience(Audience::{audience:?}, …))"
                )
                .into()
            })
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.own.is_empty() {
            return f.write_str("StaticToken(<redacted>)");
        }
        let mut audiences: Vec<&str> = self.own.iter().map(|(a, _)| a.as_str()).collect();
        if self.any.is_some() {
            audiences.push("any other");
        }
        write!(f, "StaticToken(<redacted> for {})", audiences.join(", "))
    }
}

impl TokenProvider for StaticToken {
    fn token(&self, audience: Audience) -> TokenFuture<'_, String> {
        let token = self.get(audience).map(|token| token.to_string());
        Box::pin(async move { token })
    }

    fn access_token(&self, audience: Audience) -> TokenFuture<'_, AccessToken> {
        // A reference count, not a copy of the token.
        let token = self.get(audience).map(AccessToken::new);
        Box::pin(async move { token })
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

/// The client's token cache around its provider: one slot per [`Audience`], so a token is
/// only ever sent to the audience it was asked for, a 401 drops only its own audience's token,
/// and refreshing one audience's token never waits for another's.
///
/// Tokens without an expiry are fetched for every attempt (only their header value is reused
/// while the provider returns the same token). Tokens with one are kept until their refresh
/// time; the refresh is single flight per audience: one caller asks the provider, the others
/// wait for it.
pub(crate) struct TokenCache {
    provider: Box<dyn TokenProvider>,
    /// In [`Audience::ALL`] order.
    slots: Vec<Slot>,
}

/// One audience's token.
#[derive(Default)]
struct Slot {
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
            slots: Audience::ALL.iter().map(|_| Slot::default()).collect(),
        }
    }

    fn slot(&self, audience: Audience) -> &Slot {
        &self.slots[audience.index()]
    }

    /// The credential for the next attempt of a call to `audience`.
    pub(crate) async fn credential(
        &self,
        audience: Audience,
        clock: &dyn Clock,
    ) -> Result<Credential, TokenError> {
        let slot = self.slot(audience);
        match slot.fresh(clock) {
            Lookup::Fresh(credential) => return Ok(credential),
            // Nothing to share: ask directly, as often as callers ask.
            Lookup::NoExpiry => return self.fetch(audience, clock).await,
            Lookup::Stale => {}
        }
        let _flight = slot.refreshing.lock().await;
        // Whoever held the lock before may have refreshed it already.
        if let Lookup::Fresh(credential) = slot.fresh(clock) {
            return Ok(credential);
        }
        self.fetch(audience, clock).await
    }

    /// Forgets `audience`'s `secret` after the service rejected it (a 401), unless it was
    /// replaced already. Other audiences' tokens stay.
    pub(crate) fn reject(&self, audience: Audience, secret: &str) {
        let mut current = self.slot(audience).lock();
        if current
            .as_ref()
            .is_some_and(|cached| &*cached.credential.secret == secret)
        {
            *current = None;
        }
    }

    async fn fetch(&self, audience: Audience, clock: &dyn Clock) -> Result<Credential, TokenError> {
        let token = self
            .provider
            .access_token(audience)
            .await
            .map_err(TokenError::Provider)?;
        if token.secret.is_empty() {
            return Err(TokenError::Empty);
        }
        let mut current = self.slot(audience).lock();
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

impl Slot {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Cached>> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn fresh(&self, clock: &dyn Clock) -> Lookup {
        match self.lock().as_ref() {
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
pub(crate) mod tests {
    use super::*;
    use crate::clock::TokioClock;

    #[test]
    fn debug_hides_the_token() {
        let token = StaticToken::new("s3cr3t-token");
        let debug = format!("{token:?} {:#?}", token);
        assert!(!debug.contains("s3cr3t"), "{debug}");
        assert_eq!(format!("{token:?}"), "StaticToken(<redacted>)");
        let each = StaticToken::for_audience(Audience::Graph, "s3cr3t-graph")
            .with_audience(Audience::OneNote, "s3cr3t-onenote");
        assert_eq!(
            format!("{each:?}"),
            "StaticToken(<redacted> for graph, onenote)"
        );
        assert_eq!(
            format!("{:?}", token.with_audience(Audience::Graph, "s3cr3t-2")),
            "StaticToken(<redacted> for graph, any other)"
        );
    }

    #[tokio::test]
    async fn a_static_token_from_new_is_sent_to_every_audience() {
        let provider: Arc<dyn TokenProvider> = Arc::new(StaticToken::new("abc"));
        for audience in Audience::ALL {
            assert_eq!(provider.token(*audience).await.unwrap(), "abc");
            let token = provider.access_token(*audience).await.unwrap();
            assert_eq!(token.secret(), "abc");
            assert_eq!(token.expires_at(), None);
            assert!(!format!("{token:?}").contains("abc"));
        }
    }

    #[tokio::test]
    async fn a_static_token_per_audience_is_sent_to_its_audience_only() {
        let onenote = StaticToken::for_audience(Audience::OneNote, "on-1");
        assert_eq!(onenote.token(Audience::OneNote).await.unwrap(), "on-1");
        assert_eq!(
            onenote
                .token(Audience::Graph)
                .await
                .unwrap_err()
                .to_string(),
            "the StaticToken has no token for Microsoft Graph (give one with \
             StaticToken::with_audience(Audience::Graph, …))"
        );
        let both = onenote
            .with_audience(Audience::Graph, "gr-1")
            .with_audience(Audience::OneNote, "on-2");
        assert_eq!(both.token(Audience::OneNote).await.unwrap(), "on-2");
        assert_eq!(both.token(Audience::Graph).await.unwrap(), "gr-1");
        let overridden = StaticToken::new("any").with_audience(Audience::Graph, "gr-2");
        let secret = |audience| overridden.access_token(audience);
        assert_eq!(secret(Audience::OneNote).await.unwrap().secret(), "any");
        assert_eq!(secret(Audience::Graph).await.unwrap().secret(), "gr-2");
    }

    #[test]
    fn audiences_name_their_scopes_and_correlation_headers() {
        assert_eq!(
            Audience::OneNote.scope("Notes.ReadWrite.All"),
            "https://onenote.com/Notes.ReadWrite.All"
        );
        assert_eq!(
            Audience::Graph.scope("Notes.ReadWrite"),
            "https://graph.microsoft.com/Notes.ReadWrite"
        );
        assert_eq!(
            Audience::OneNote.default_scope(),
            "https://onenote.com/.default"
        );
        assert_eq!(
            Audience::Graph.default_scope(),
            "https://graph.microsoft.com/.default"
        );
        assert_eq!(Audience::OneNote.correlation_header(), "X-CorrelationId");
        assert_eq!(Audience::Graph.correlation_header(), "request-id");
        assert_eq!(Audience::Graph.to_string(), "Microsoft Graph");
        for (index, audience) in Audience::ALL.iter().enumerate() {
            assert_eq!(audience.index(), index, "{audience:?}");
        }
    }

    #[test]
    fn a_scope_names_its_audience_or_none() {
        for (scope, audience) in [
            (
                "https://onenote.com/Notes.ReadWrite.All",
                Some(Audience::OneNote),
            ),
            ("HTTPS://OneNote.com/.default", Some(Audience::OneNote)),
            (
                "https://graph.microsoft.com/Notes.Read",
                Some(Audience::Graph),
            ),
            (
                "https://graph.microsoft.com//.default",
                Some(Audience::Graph),
            ),
            // A permission without a resource is Graph's.
            ("Notes.ReadWrite", Some(Audience::Graph)),
            ("offline_access", None),
            ("OpenID", None),
            ("profile", None),
            ("https://vault.azure.net/user_impersonation", None),
            ("api://my-api/access", None),
            ("https://onenote.com", None),
        ] {
            assert_eq!(Audience::of_scope(scope), audience, "{scope}");
        }
    }

    /// Hands out `{audience}-{n}` tokens valid for an hour (`n` counted per audience) and
    /// records the audiences asked, in order.
    #[derive(Default)]
    pub(crate) struct PerAudience {
        pub(crate) asked: Mutex<Vec<Audience>>,
    }

    impl TokenProvider for PerAudience {
        fn token(&self, _: Audience) -> TokenFuture<'_, String> {
            Box::pin(async { Err("use access_token".into()) })
        }

        fn access_token(&self, audience: Audience) -> TokenFuture<'_, AccessToken> {
            let mut asked = self.asked.lock().unwrap_or_else(PoisonError::into_inner);
            asked.push(audience);
            let n = asked.iter().filter(|a| **a == audience).count();
            let expires_at = SystemTime::now() + Duration::from_secs(3600);
            Box::pin(async move {
                Ok(AccessToken::expiring(
                    format!("{}-{n}", audience.as_str()),
                    expires_at,
                ))
            })
        }
    }

    #[tokio::test]
    async fn the_cache_keeps_one_token_per_audience_and_a_rejection_drops_only_its_own() {
        let provider = Arc::new(PerAudience::default());
        let cache = TokenCache::new(Box::new(provider.clone()));
        let secret = |credential: Credential| credential.secret.to_string();
        for _ in 0..3 {
            let onenote = cache.credential(Audience::OneNote, &TokioClock).await;
            assert_eq!(secret(onenote.unwrap()), "onenote-1");
            let graph = cache.credential(Audience::Graph, &TokioClock).await;
            assert_eq!(secret(graph.unwrap()), "graph-1");
        }
        // A 401 on a Graph call: Graph's token is asked for again, OneNote's stays.
        cache.reject(Audience::Graph, "graph-1");
        let graph = cache.credential(Audience::Graph, &TokioClock).await;
        assert_eq!(secret(graph.unwrap()), "graph-2");
        let onenote = cache.credential(Audience::OneNote, &TokioClock).await;
        assert_eq!(secret(onenote.unwrap()), "onenote-1");
        // Rejecting a token the audience does not hold changes nothing.
        cache.reject(Audience::OneNote, "graph-2");
        let onenote = cache.credential(Audience::OneNote, &TokioClock).await;
        assert_eq!(secret(onenote.unwrap()), "onenote-1");
        assert_eq!(
            *provider.asked.lock().unwrap(),
            [Audience::OneNote, Audience::Graph, Audience::Graph]
        );
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
