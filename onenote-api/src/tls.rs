//! Building the reqwest client's TLS: rustls with the `ring` provider, or a provider the
//! application installed.

use crate::Error;

/// Applies this crate's TLS choice to a reqwest builder.
///
/// With the `rustls-ring` feature, a rustls configuration using the `ring` provider and the
/// platform's certificate verifier is handed to reqwest directly, so no process-wide default
/// provider is needed or installed.
#[cfg(feature = "rustls-ring")]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    use std::sync::Arc;

    use rustls_platform_verifier::BuilderVerifierExt;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_platform_verifier())
        .map_err(|error| Error::config("could not set up TLS").with_source(error))?
        .with_no_client_auth();
    // reqwest sets ALPN only for configurations it builds itself; this client speaks HTTP/1.1.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(builder.tls_backend_preconfigured(config))
}

/// Applies this crate's TLS choice to a reqwest builder.
///
/// Without the `rustls-ring` feature reqwest uses the process-wide rustls provider; without one
/// it would panic, so that case is reported as a configuration error instead.
#[cfg(not(feature = "rustls-ring"))]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        return Err(Error::config(
            "no TLS crypto provider: enable the `rustls-ring` feature, install a rustls \
             CryptoProvider, or pass your own reqwest::Client",
        ));
    }
    Ok(builder)
}
