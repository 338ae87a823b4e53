//! `AzureCredential`: an `azure_core` `TokenCredential` (any azure_identity credential) as the
//! client's [`TokenProvider`], asked for the scope of each call's audience, with the token's
//! expiry (feature `azure`).

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use azure_core::credentials::TokenCredential;

use crate::auth::{AccessToken, Audience, TokenFuture, TokenProvider};

/// The scope OneNote's resource (`https://onenote.com/`) is asked for by default
/// (`Audience::OneNote.default_scope()`).
pub const ONENOTE_SCOPE: &str = Audience::OneNote.default_scope();

/// Plugs an `azure_core::credentials::TokenCredential` into the client: azure_identity's
/// `ClientSecretCredential`, `ManagedIdentityCredential`, `AzureCliCredential`, … .
///
/// For each call the credential is asked for a token of the call's [`Audience`], with that
/// audience's `.default` scope ([`Audience::default_scope`]: [`ONENOTE_SCOPE`] for OneNote,
/// `https://graph.microsoft.com/.default` for Microsoft Graph) unless
/// [`scopes`](Self::scopes) gives others. Tokens carry their `expires_on`, so the client caches
/// each audience's token and asks the credential for a new one
/// [`REFRESH_BEFORE_EXPIRY`](crate::REFRESH_BEFORE_EXPIRY) before it expires, once however many
/// requests are waiting.
///
/// ```no_run
/// # use std::sync::Arc;
/// # fn run(credential: Arc<dyn azure_core::credentials::TokenCredential>) -> onenote_api::Result<()> {
/// use onenote_api::{AzureCredential, Client};
///
/// // `credential`: e.g. azure_identity::ManagedIdentityCredential::new(None)?
/// let client = Client::new(AzureCredential::new(credential))?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct AzureCredential {
    credential: Arc<dyn TokenCredential>,
    /// Scopes given for an audience, in place of its `.default` scope.
    scopes: Vec<(Audience, Vec<String>)>,
}

impl AzureCredential {
    /// Asks `credential` for each audience's `.default` scope.
    pub fn new(credential: Arc<dyn TokenCredential>) -> Self {
        Self {
            credential,
            scopes: Vec::new(),
        }
    }

    /// Asks for these scopes for `audience`'s tokens instead of its `.default` scope. They
    /// must all be that audience's: the identity platform issues a token for one resource.
    pub fn scopes<I, S>(mut self, audience: Audience, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let scopes = scopes.into_iter().map(Into::into).collect();
        self.scopes.retain(|(own, _)| *own != audience);
        self.scopes.push((audience, scopes));
        self
    }

    /// The scopes asked for `audience`'s token.
    fn scopes_for(&self, audience: Audience) -> Vec<&str> {
        match self.scopes.iter().find(|(own, _)| *own == audience) {
            Some((_, scopes)) => scopes.iter().map(String::as_str).collect(),
            None => vec![audience.default_scope()],
        }
    }
}

impl fmt::Debug for AzureCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzureCredential")
            .field("credential", &self.credential)
            .field("scopes", &self.scopes)
            .finish()
    }
}

impl TokenProvider for AzureCredential {
    fn token(&self, audience: Audience) -> TokenFuture<'_, String> {
        let token = self.access_token(audience);
        Box::pin(async move { Ok(token.await?.secret().to_owned()) })
    }

    fn access_token(&self, audience: Audience) -> TokenFuture<'_, AccessToken> {
        Box::pin(async move {
            let scopes = self.scopes_for(audience);
            let token = self.credential.get_token(&scopes, None).await?;
            Ok(AccessToken::expiring(
                token.token.secret(),
                SystemTime::from(token.expires_on),
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Mutex;
    use std::time::Duration;

    use azure_core::credentials::TokenRequestOptions;

    use super::*;

    /// Records the scopes asked for and hands out a token valid for an hour.
    #[derive(Debug, Default)]
    struct FakeCredential {
        asked: Mutex<Vec<Vec<String>>>,
    }

    // What `#[async_trait]` writes for `TokenCredential::get_token`, by hand: no proc macro in
    // the test build.
    impl TokenCredential for FakeCredential {
        fn get_token<'life0, 'life1, 'life2, 'life3, 'async_trait>(
            &'life0 self,
            scopes: &'life1 [&'life2 str],
            _options: Option<TokenRequestOptions<'life3>>,
        ) -> Pin<
            Box<
                dyn Future<Output = azure_core::Result<azure_core::credentials::AccessToken>>
                    + Send
                    + 'async_trait,
            >,
        >
        where
            'life0: 'async_trait,
            'life1: 'async_trait,
            'life2: 'async_trait,
            'life3: 'async_trait,
            Self: 'async_trait,
        {
            let scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
            self.asked
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(scopes);
            let expires_on =
                azure_core::time::OffsetDateTime::now_utc() + Duration::from_secs(3600);
            Box::pin(async move {
                Ok(azure_core::credentials::AccessToken::new(
                    "azure-token-1234",
                    expires_on,
                ))
            })
        }
    }

    #[tokio::test]
    async fn azure_tokens_carry_their_expiry_and_the_scope_of_their_audience() {
        let fake = Arc::new(FakeCredential::default());
        let provider = AzureCredential::new(fake.clone());
        let token = provider.access_token(Audience::OneNote).await.unwrap();
        assert_eq!(token.secret(), "azure-token-1234");
        let left = token
            .expires_at()
            .unwrap()
            .duration_since(SystemTime::now())
            .unwrap();
        assert!(left > Duration::from_secs(3590) && left <= Duration::from_secs(3600));
        assert_eq!(
            provider.token(Audience::Graph).await.unwrap(),
            "azure-token-1234"
        );
        let custom = AzureCredential::new(fake.clone())
            .scopes(Audience::Graph, ["https://graph.microsoft.com/Notes.Read"])
            .scopes(
                Audience::Graph,
                ["https://graph.microsoft.com/Notes.ReadWrite"],
            );
        custom.access_token(Audience::Graph).await.unwrap();
        custom.access_token(Audience::OneNote).await.unwrap();
        assert_eq!(
            *fake.asked.lock().unwrap(),
            [
                vec![ONENOTE_SCOPE.to_owned()],
                vec!["https://graph.microsoft.com/.default".to_owned()],
                vec!["https://graph.microsoft.com/Notes.ReadWrite".to_owned()],
                vec!["https://onenote.com/.default".to_owned()],
            ]
        );
        assert!(!format!("{provider:?}").contains("azure-token"));
    }
}
