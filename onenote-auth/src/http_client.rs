//! The HTTP client oauth2 sends through: the workspace's reqwest 0.13, with the same rustls
//! set-up as `onenote-api`'s client.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use oauth2::{HttpRequest, HttpResponse};
use rustls_platform_verifier::BuilderVerifierExt;

use crate::error::SignInError;

/// reqwest, as oauth2's `AsyncHttpClient`. Redirects are not followed (RFC 6749 §3.1).
#[derive(Clone, Debug)]
pub(crate) struct Http(reqwest::Client);

impl Http {
    pub(crate) fn new() -> Result<Http, SignInError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|builder| builder.with_platform_verifier())
            .map_err(|error| SignInError::Settings(format!("cannot set up TLS: {error}")))?
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        reqwest::Client::builder()
            .tls_backend_preconfigured(config)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map(Http)
            .map_err(|error| {
                SignInError::Settings(format!("cannot build the HTTP client: {error}"))
            })
    }
}

impl<'c> oauth2::AsyncHttpClient<'c> for Http {
    type Error = reqwest::Error;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, reqwest::Error>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let mut outgoing = self
                .0
                .request(parts.method, parts.uri.to_string())
                .body(body);
            for (name, value) in &parts.headers {
                outgoing = outgoing.header(name, value);
            }
            let response = outgoing.send().await?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.bytes().await?.to_vec();
            let mut answer = HttpResponse::new(body);
            *answer.status_mut() = status;
            *answer.headers_mut() = headers;
            Ok(answer)
        })
    }
}
