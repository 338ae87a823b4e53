//! `SignedIn`: the stored sign-in as the client's `TokenProvider` for every audience, redeeming
//! the one refresh token for an audience's access token when it has none or it is about to
//! expire.

use std::time::{Duration, SystemTime};

use oauth2::basic::BasicTokenResponse;
use oauth2::{RefreshToken, Scope, TokenResponse};
use onenote_api::{AccessToken, Audience, TokenFuture, TokenProvider};

use crate::device_code::{audience_token, oauth_client, oauth_error};
use crate::error::SignInError;
use crate::http_client::Http;
use crate::store::{AudienceToken, StoredSignIn, TokenStore};

/// How long before expiry a stored token is refreshed rather than used.
const EARLY: Duration = Duration::from_secs(60);

/// The sign-in stored by `onenote login` (or [`DeviceCodeSignIn`](crate::DeviceCodeSignIn) and
/// [`TokenStore::save`]), for every [`Audience`]. The client asks it for the token of a call's
/// audience: the stored one, or, when there is none or it expires within a minute, one
/// redeemed from the refresh token with the audience's scopes
/// ([`SignInSettings::scopes_for`](crate::SignInSettings::scopes_for)); the new tokens are
/// saved. One redemption at a time per `SignedIn`: the refresh token may be replaced by each.
#[derive(Debug)]
pub struct SignedIn {
    store: TokenStore,
    http: Http,
    /// Held while a refresh token is redeemed and the store rewritten.
    redeeming: tokio::sync::Mutex<()>,
}

impl SignedIn {
    /// The provider of every audience's token from `store`.
    pub fn new(store: TokenStore) -> Result<Self, SignInError> {
        Ok(Self {
            store,
            http: Http::new()?,
            redeeming: tokio::sync::Mutex::new(()),
        })
    }

    /// A current access token for `audience`: the stored one, or one redeemed from the
    /// refresh token (and saved).
    pub async fn current(&self, audience: Audience) -> Result<AccessToken, SignInError> {
        if let Some(token) = fresh(&self.load()?, audience) {
            return Ok(token);
        }
        let _redeeming = self.redeeming.lock().await;
        // Another call may have redeemed it while this one waited.
        let sign_in = self.load()?;
        if let Some(token) = fresh(&sign_in, audience) {
            return Ok(token);
        }
        let refresh = sign_in
            .refresh_token
            .clone()
            .ok_or(SignInError::NotSignedIn)?;
        let response: BasicTokenResponse = oauth_client(&sign_in.settings)?
            .exchange_refresh_token(&RefreshToken::new(refresh))
            .add_scopes(
                sign_in
                    .settings
                    .scopes_for(audience)
                    .into_iter()
                    .map(Scope::new),
            )
            .request_async(&self.http)
            .await
            .map_err(oauth_error)?;
        let token = audience_token(&response);
        // Saved over the latest file, so another process's tokens stay.
        let mut latest = self.store.load()?.unwrap_or(sign_in);
        if let Some(rotated) = response.refresh_token() {
            latest.refresh_token = Some(rotated.secret().clone());
        }
        latest.set_token(audience, token.clone());
        self.store.save(&latest)?;
        let expires = expiry(&token);
        Ok(AccessToken::expiring(token.access_token, expires))
    }

    fn load(&self) -> Result<StoredSignIn, SignInError> {
        self.store.load()?.ok_or(SignInError::NotSignedIn)
    }
}

/// `audience`'s stored token, unless it expires within a minute.
fn fresh(sign_in: &StoredSignIn, audience: Audience) -> Option<AccessToken> {
    let token = sign_in.token(audience)?;
    let expires = expiry(token);
    (expires > SystemTime::now() + EARLY)
        .then(|| AccessToken::expiring(token.access_token.clone(), expires))
}

fn expiry(token: &AudienceToken) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(token.expires_at)
}

impl TokenProvider for SignedIn {
    fn token(&self, audience: Audience) -> TokenFuture<'_, String> {
        Box::pin(async move { Ok(self.current(audience).await?.secret().to_owned()) })
    }

    fn access_token(&self, audience: Audience) -> TokenFuture<'_, AccessToken> {
        Box::pin(async move { Ok(self.current(audience).await?) })
    }
}
