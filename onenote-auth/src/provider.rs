//! `SignedIn`: the stored sign-in as the client's `TokenProvider`, refreshing the access token
//! with the refresh token when it is about to expire.

use std::time::{Duration, SystemTime};

use oauth2::basic::BasicTokenResponse;
use oauth2::{RefreshToken, Scope, TokenResponse};
use onenote_api::{AccessToken, TokenFuture, TokenProvider};

use crate::audience::Audience;
use crate::device_code::{audience_token, oauth_client, oauth_error, scopes};
use crate::error::SignInError;
use crate::http_client::Http;
use crate::store::{AudienceToken, TokenStore};

/// How long before expiry a stored token is refreshed rather than used.
const EARLY: Duration = Duration::from_secs(60);

/// The sign-in stored by `onenote login` (or [`DeviceCodeSignIn`](crate::DeviceCodeSignIn) and
/// [`TokenStore::save`]), for one audience. The client asks it for a token with the expiry;
/// a token that expires within a minute is refreshed with the refresh token (the
/// `refresh_token` grant, the audience's scopes) and the new tokens are saved.
#[derive(Debug)]
pub struct SignedIn {
    store: TokenStore,
    audience: Audience,
    http: Http,
}

impl SignedIn {
    /// The provider of `audience`'s token from `store`.
    pub fn new(store: TokenStore, audience: Audience) -> Result<Self, SignInError> {
        Ok(Self {
            store,
            audience,
            http: Http::new()?,
        })
    }

    /// A current access token for the audience: the stored one, or a refreshed one.
    pub async fn current(&self) -> Result<AccessToken, SignInError> {
        let mut sign_in = self.store.load()?.ok_or(SignInError::NotSignedIn)?;
        let now = SystemTime::now();
        if let Some(token) = sign_in.tokens.get(self.audience.key())
            && expiry(token) > now + EARLY
        {
            return Ok(AccessToken::expiring(
                token.access_token.clone(),
                expiry(token),
            ));
        }
        let refresh = sign_in
            .refresh_token
            .clone()
            .ok_or(SignInError::NotSignedIn)?;
        let response: BasicTokenResponse = oauth_client(&sign_in.settings)?
            .exchange_refresh_token(&RefreshToken::new(refresh))
            .add_scopes(
                scopes(&sign_in.settings, self.audience)
                    .into_iter()
                    .map(Scope::new),
            )
            .request_async(&self.http)
            .await
            .map_err(oauth_error)?;
        let token = audience_token(&response);
        if let Some(rotated) = response.refresh_token() {
            sign_in.refresh_token = Some(rotated.secret().clone());
        }
        sign_in
            .tokens
            .insert(self.audience.key().to_owned(), token.clone());
        self.store.save(&sign_in)?;
        Ok(AccessToken::expiring(
            token.access_token.clone(),
            expiry(&token),
        ))
    }
}

fn expiry(token: &AudienceToken) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(token.expires_at)
}

impl SignedIn {
    /// Refuses a token for another service than the sign-in's one (OneNote).
    fn serves(&self, audience: onenote_api::Audience) -> Result<(), SignInError> {
        match (self.audience, audience) {
            (Audience::OneNote, onenote_api::Audience::OneNote) => Ok(()),
            _ => Err(SignInError::NotSignedIn),
        }
    }
}

impl TokenProvider for SignedIn {
    fn token(&self, audience: onenote_api::Audience) -> TokenFuture<'_, String> {
        Box::pin(async move {
            self.serves(audience)?;
            Ok(self.current().await?.secret().to_owned())
        })
    }

    fn access_token(&self, audience: onenote_api::Audience) -> TokenFuture<'_, AccessToken> {
        Box::pin(async move {
            self.serves(audience)?;
            Ok(self.current().await?)
        })
    }
}
