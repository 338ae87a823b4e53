//! The API origin: validating the base URL and deciding which URLs may receive the token.
//!
//! The bearer token goes only to the configured API origin (scheme, host and port of the base
//! URL). Links the service hands back (`Location`, `@odata.nextLink`) are checked against it
//! before they are followed with the token.

use std::net::IpAddr;

use reqwest::Url;

/// The checked base URL and the version root every relative path hangs from.
#[derive(Clone, Debug)]
pub(crate) struct ApiRoot {
    /// The base URL as configured, without a trailing slash (`https://www.onenote.com/api`).
    base: String,
    /// `{base}/{version}/`, the root relative paths are appended to.
    version_root: String,
    /// The path of `version_root` as a URL parser writes it (`/api/v1.0/`).
    version_root_path: String,
    /// The parsed base URL, for origin comparisons.
    url: Url,
}

impl ApiRoot {
    /// Checks `base` and joins the version segment. Errors are messages for `InvalidConfig`.
    pub(crate) fn new(base: &str, version: &str) -> Result<Self, String> {
        let trimmed = base.trim_end_matches('/');
        let url =
            Url::parse(trimmed).map_err(|e| format!("base URL {base:?} is not a URL: {e}"))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(format!(
                    "base URL {base:?} uses plain http; only https is allowed (http only for \
                     loopback hosts: 127.0.0.0/8, ::1, localhost)"
                ));
            }
            other => {
                return Err(format!(
                    "base URL {base:?} has unsupported scheme {other:?}"
                ));
            }
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(format!("base URL {base:?} has no host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("base URL must not contain credentials".to_owned());
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(format!(
                "base URL {base:?} must not have a query or fragment"
            ));
        }
        let version_root = format!("{trimmed}/{version}/");
        let version_root_path = Url::parse(&version_root)
            .map_err(|e| format!("base URL {base:?} with version {version:?} is not a URL: {e}"))?
            .path()
            .to_owned();
        Ok(Self {
            base: trimmed.to_owned(),
            version_root,
            version_root_path,
            url,
        })
    }

    /// The base URL without a trailing slash.
    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    /// `{base}/{version}/`.
    pub(crate) fn version_root(&self) -> &str {
        &self.version_root
    }

    /// The path of the version root (`/api/v1.0/`).
    pub(crate) fn version_root_path(&self) -> &str {
        &self.version_root_path
    }

    /// `scheme://host[:port]` of the base URL, for messages.
    pub(crate) fn origin_text(&self) -> String {
        self.url.origin().ascii_serialization()
    }

    /// Whether `url` has the API's scheme, host and port (default ports made explicit).
    pub(crate) fn is_same_origin(&self, url: &Url) -> bool {
        url.origin() == self.url.origin()
    }
}

/// Whether the URL's host is a loopback address or `localhost`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_base_gets_a_version_root() {
        let root = ApiRoot::new("https://www.onenote.com/api/", "v1.0").unwrap();
        assert_eq!(root.base(), "https://www.onenote.com/api");
        assert_eq!(root.version_root(), "https://www.onenote.com/api/v1.0/");
        assert_eq!(root.origin_text(), "https://www.onenote.com");
    }

    #[test]
    fn plain_http_only_on_loopback() {
        for base in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:9000/api",
            "http://localhost:1",
            "http://LOCALHOST",
        ] {
            assert!(ApiRoot::new(base, "v1.0").is_ok(), "{base}");
        }
        let error = ApiRoot::new("http://www.onenote.com/api", "v1.0").unwrap_err();
        assert_eq!(
            error,
            "base URL \"http://www.onenote.com/api\" uses plain http; only https is allowed (http \
             only for loopback hosts: 127.0.0.0/8, ::1, localhost)"
        );
        assert!(ApiRoot::new("http://10.0.0.1", "v1.0").is_err());
        assert!(ApiRoot::new("http://localhost.evil.com", "v1.0").is_err());
    }

    #[test]
    fn other_bad_bases_are_refused() {
        assert!(ApiRoot::new("ftp://example.com", "v1.0").is_err());
        assert!(ApiRoot::new("not a url", "v1.0").is_err());
        assert!(ApiRoot::new("https://user:pw@example.com", "v1.0").is_err());
        assert!(ApiRoot::new("https://example.com/api?x=1", "v1.0").is_err());
        assert!(ApiRoot::new("https://example.com/api#x", "v1.0").is_err());
    }

    #[test]
    fn same_origin_compares_scheme_host_and_port() {
        let root = ApiRoot::new("https://www.onenote.com/api", "v1.0").unwrap();
        let same = |s: &str| root.is_same_origin(&Url::parse(s).unwrap());
        assert!(same(
            "https://www.onenote.com/api/v1.0/me/notes/operations/x"
        ));
        assert!(same("https://www.onenote.com:443/other"));
        assert!(same("https://WWW.ONENOTE.COM/x"));
        assert!(!same("http://www.onenote.com/api"));
        assert!(!same("https://www.onenote.com:8443/api"));
        assert!(!same("https://www.onenotecom/api"));
        assert!(!same("https://www.onenote.com.evil.example/api"));
        assert!(!same("https://evil.example/?https://www.onenote.com"));
    }
}
