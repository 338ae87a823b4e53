//! The device authorization grant (RFC 8628) at the Microsoft identity platform: ask for a
//! code (`/{tenant}/oauth2/v2.0/devicecode`), show it, then poll `/token` at the interval the
//! platform gives until the user approves, declines or lets the code expire.

use std::time::{Duration, SystemTime};

use oauth2::basic::{BasicClient, BasicTokenResponse};
use oauth2::{
    ClientId, DeviceAuthorizationUrl, DeviceCodeErrorResponse, DeviceCodeErrorResponseType,
    EndpointNotSet, EndpointSet, ErrorResponseType, RequestTokenError, Scope,
    StandardDeviceAuthorizationResponse, StandardErrorResponse, TokenResponse, TokenUrl,
};

use onenote_api::Audience;

use crate::error::SignInError;
use crate::http_client::Http;
use crate::settings::SignInSettings;
use crate::store::{AudienceToken, StoredSignIn};

pub(crate) type OAuthClient =
    BasicClient<EndpointNotSet, EndpointSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// The oauth2 client for `settings`: its device-code and token endpoints.
pub(crate) fn oauth_client(settings: &SignInSettings) -> Result<OAuthClient, SignInError> {
    let bad = |what: &str, error: oauth2::url::ParseError| {
        SignInError::Settings(format!("the {what} URL does not parse: {error}"))
    };
    Ok(BasicClient::new(ClientId::new(settings.client_id.clone()))
        .set_device_authorization_url(
            DeviceAuthorizationUrl::new(settings.device_code_url())
                .map_err(|e| bad("device code", e))?,
        )
        .set_token_uri(TokenUrl::new(settings.token_url()).map_err(|e| bad("token", e))?))
}

/// A device-code sign-in: one code entered, one refresh token for every audience.
///
/// The code asks for one audience's scopes ([`SignInSettings::scopes_for`]): Microsoft's v2.0
/// endpoint issues a token for one resource per request and refuses the scopes of two resources
/// in one request (`AADSTS28000`). The refresh token it gives is then redeemed for the other
/// audiences ([`SignedIn::current`](crate::SignedIn::current)): a refresh token is bound to the
/// user and the application, not to a resource, and gets a token for any resource the
/// application may reach for the user.
///
/// The other audience's redemption needs consent to its permissions. The code's consent
/// screen covers the scopes asked for: with the default, explicit scopes that is the first
/// audience's only, so the second works where an admin (or an earlier sign-in) consented to
/// it. Asking for the `.default` scope instead (`https://onenote.com/.default`) prompts for
/// every permission the app registration lists, of every API, so one sign-in consents for
/// both; the registration must then list both APIs' permissions.
#[derive(Debug)]
pub struct DeviceCodeSignIn {
    settings: SignInSettings,
    audience: Audience,
    client: OAuthClient,
    http: Http,
}

/// A code the user has to enter: show [`message`](Self::message), then
/// [`DeviceCodeSignIn::finish`].
#[derive(Debug)]
pub struct PendingSignIn {
    details: StandardDeviceAuthorizationResponse,
}

impl PendingSignIn {
    /// The code to enter (`user_code`).
    pub fn user_code(&self) -> &str {
        self.details.user_code().secret()
    }

    /// Where to enter it (`verification_uri`).
    pub fn verification_uri(&self) -> &str {
        self.details.verification_uri().as_str()
    }

    /// How long the code is valid (`expires_in`).
    pub fn expires_in(&self) -> Duration {
        self.details.expires_in()
    }

    /// How long to wait between polls (`interval`; 5 s when the platform gives none).
    pub fn interval(&self) -> Duration {
        self.details.interval()
    }

    /// What to tell the user: where to go and the code to enter.
    pub fn message(&self) -> String {
        format!(
            "To sign in, open {} and enter the code {} (valid for {} minutes).",
            self.verification_uri(),
            self.user_code(),
            self.expires_in().as_secs().div_ceil(60)
        )
    }
}

impl DeviceCodeSignIn {
    /// A sign-in with `settings` whose code asks for `audience`'s scopes.
    pub fn new(settings: SignInSettings, audience: Audience) -> Result<Self, SignInError> {
        Ok(Self {
            client: oauth_client(&settings)?,
            http: Http::new()?,
            settings,
            audience,
        })
    }

    /// Asks for a code (`POST /{tenant}/oauth2/v2.0/devicecode` with the client id and scopes).
    pub async fn start(&self) -> Result<PendingSignIn, SignInError> {
        let details: StandardDeviceAuthorizationResponse = self
            .client
            .exchange_device_code()
            .add_scopes(
                self.settings
                    .scopes_for(self.audience)
                    .into_iter()
                    .map(Scope::new),
            )
            .request_async(&self.http)
            .await
            .map_err(oauth_error)?;
        Ok(PendingSignIn { details })
    }

    /// Polls `/token` at the platform's interval until the user approves (the refresh token
    /// and the sign-in audience's access token), declines ([`SignInError::Denied`]) or the
    /// code expires ([`SignInError::Expired`]); `authorization_pending` polls again,
    /// `slow_down` adds 5 seconds to the interval.
    pub async fn finish(&self, pending: &PendingSignIn) -> Result<StoredSignIn, SignInError> {
        let response: BasicTokenResponse = self
            .client
            .exchange_device_access_token(&pending.details)
            .request_async(&self.http, tokio::time::sleep, None)
            .await
            .map_err(device_error)?;
        let mut signed_in = StoredSignIn {
            settings: self.settings.clone(),
            refresh_token: response.refresh_token().map(|t| t.secret().clone()),
            tokens: Default::default(),
        };
        signed_in.set_token(self.audience, audience_token(&response));
        Ok(signed_in)
    }
}

/// The access token of a token response, with its expiry.
pub(crate) fn audience_token(response: &BasicTokenResponse) -> AudienceToken {
    let lifetime = response.expires_in().unwrap_or(Duration::from_secs(3600));
    AudienceToken {
        access_token: response.access_token().secret().clone(),
        expires_at: SystemTime::now()
            .checked_add(lifetime)
            .and_then(|at| at.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map_or(0, |since| since.as_secs()),
    }
}

fn device_error<RE: std::error::Error>(
    error: RequestTokenError<RE, DeviceCodeErrorResponse>,
) -> SignInError {
    if let RequestTokenError::ServerResponse(response) = &error {
        let description = response.error_description().cloned().unwrap_or_default();
        match response.error() {
            DeviceCodeErrorResponseType::AccessDenied => return SignInError::Denied(description),
            DeviceCodeErrorResponseType::ExpiredToken => return SignInError::Expired(description),
            // Microsoft's word for RFC 8628's access_denied.
            other if other.to_string() == "authorization_declined" => {
                return SignInError::Denied(description);
            }
            _ => {}
        }
    }
    oauth_error(error)
}

/// Any oauth2 failure as a `SignInError`: the platform's error code and description, or why
/// it could not be asked.
pub(crate) fn oauth_error<RE, T>(
    error: RequestTokenError<RE, StandardErrorResponse<T>>,
) -> SignInError
where
    RE: std::error::Error + 'static,
    T: ErrorResponseType + std::fmt::Display + 'static,
{
    match error {
        RequestTokenError::ServerResponse(response) => SignInError::Refused {
            code: response.error().to_string(),
            description: response.error_description().cloned().unwrap_or_default(),
        },
        RequestTokenError::Request(error) => SignInError::Transport(chain(&error)),
        RequestTokenError::Parse(error, body) => SignInError::Transport(format!(
            "the answer is not OAuth JSON ({error}): {:?}",
            String::from_utf8_lossy(&body)
                .chars()
                .take(200)
                .collect::<String>()
        )),
        RequestTokenError::Other(why) => SignInError::Transport(why),
    }
}

fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(next) = source {
        text.push_str(": ");
        text.push_str(&next.to_string());
        source = next.source();
    }
    text
}
