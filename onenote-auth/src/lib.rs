//! Sign-in for the OneNote API and Microsoft Graph, for command-line tools and services without
//! a browser: the OAuth 2.0 device authorization grant (RFC 8628) of the Microsoft identity
//! platform, a token file only the user can read, and [`SignedIn`], an
//! `onenote_api::TokenProvider` that reads it and gets each audience's access token silently
//! with the refresh token.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use onenote_auth::{Audience, DeviceCodeSignIn, SignInSettings, SignedIn, TokenStore};
//!
//! let settings = SignInSettings::new("your-app-client-id").tenant("contoso.onmicrosoft.com");
//! let store = TokenStore::default_location()?;
//! let sign_in = DeviceCodeSignIn::new(settings, Audience::OneNote)?;
//! let pending = sign_in.start().await?;
//! println!("{}", pending.message()); // "Go to https://microsoft.com/devicelogin and enter …"
//! let tokens = sign_in.finish(&pending).await?;
//! store.save(&tokens)?;
//!
//! // Later, in any process: the stored sign-in as the client's token provider, for OneNote
//! // and Microsoft Graph alike.
//! let signed_in = SignedIn::new(store)?;
//! signed_in.current(Audience::Graph).await?; // optional: redeem Graph's token now
//! let client = onenote_api::Client::new(signed_in)?;
//! # let _ = client; Ok(())
//! # }
//! ```
//!
//! A sign-in is one refresh token for the user; each [`Audience`] (the service a token is sent
//! to: OneNote at `https://onenote.com/`, Microsoft Graph) keeps its own access token in the
//! store, redeemed from that refresh token with the audience's scopes. [`Audience`] is
//! `onenote_api::Audience`.

mod device_code;
mod error;
mod http_client;
mod provider;
mod scopes;
mod settings;
mod store;

pub use device_code::{DeviceCodeSignIn, PendingSignIn};
pub use error::SignInError;
pub use onenote_api::Audience;
pub use provider::SignedIn;
pub use scopes::default_scopes;
pub use settings::{DEFAULT_AUTHORITY, DEFAULT_TENANT, SignInSettings};
pub use store::{AudienceToken, StoredSignIn, TokenStore};
