//! Sign-in for the OneNote API, for command-line tools and services without a browser: the
//! OAuth 2.0 device authorization grant (RFC 8628) of the Microsoft identity platform, a token
//! file only the user can read, and [`SignedIn`], an `onenote_api::TokenProvider` that reads it
//! and refreshes the access token silently with the refresh token.
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
//! // Later, in any process: the stored sign-in as the client's token provider.
//! let client = onenote_api::Client::new(SignedIn::new(store, Audience::OneNote)?)?;
//! # let _ = client; Ok(())
//! # }
//! ```
//!
//! A sign-in is one refresh token for the user; each [`Audience`] (the service a token is sent
//! to) keeps its own access token in the store, redeemed from that refresh token with the
//! audience's scopes. Today the one audience is OneNote (`https://onenote.com/`).

mod audience;
mod device_code;
mod error;
mod http_client;
mod provider;
mod settings;
mod store;

pub use audience::Audience;
pub use device_code::{DeviceCodeSignIn, PendingSignIn};
pub use error::SignInError;
pub use provider::SignedIn;
pub use settings::{DEFAULT_AUTHORITY, DEFAULT_TENANT, SignInSettings};
pub use store::{AudienceToken, StoredSignIn, TokenStore};
