//! `Notes<L>`: the notes root of one location (`me/notes`, `users/{id}/notes`, …), typed by
//! its location so location-only operations exist only where the service offers them.

use std::fmt;
use std::marker::PhantomData;

use crate::Client;

/// A location kind (`Me`, `User`, `Site`, `Group`), implemented by the generated marker types.
pub trait Location {
    /// A short name for the location (`"me"`, `"user"`, …).
    const KEY: &'static str;
}

/// The notes root of one location: the start of every notebook, class-notebook, page and
/// permission path there. Get one from `Client::me`, `Client::user`, `Client::site` or
/// `Client::group`.
///
/// A handle: cheap to clone, and it sends nothing by itself.
pub struct Notes<L> {
    pub(crate) client: Client,
    pub(crate) path: String,
    pub(crate) location: PhantomData<fn() -> L>,
}

impl<L> Notes<L> {
    /// A handle for `path` (encoded, relative to the version root, e.g. `me/notes`).
    pub(crate) fn new(client: Client, path: String) -> Self {
        Self {
            client,
            path,
            location: PhantomData,
        }
    }

    /// The encoded path of this notes root, relative to the API version root (`me/notes`,
    /// `users/u%40x/notes`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The client requests from this handle go through.
    pub fn client(&self) -> &Client {
        &self.client
    }
}

// Manual impls: a derive would require `L: Clone` / `L: Debug`, and `L` is only a marker.
impl<L> Clone for Notes<L> {
    fn clone(&self) -> Self {
        Self::new(self.client.clone(), self.path.clone())
    }
}

impl<L> fmt::Debug for Notes<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notes")
            .field("path", &self.path)
            .field("location", &std::any::type_name::<L>())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use crate::{Client, Me, StaticToken};

    fn client() -> Client {
        Client::builder()
            .base_url("http://127.0.0.1:9")
            .token_provider(StaticToken::new("secret-token"))
            .build()
            .unwrap()
    }

    #[test]
    fn locations_build_encoded_paths() {
        let client = client();
        assert_eq!(client.me().path(), "me/notes");
        assert_eq!(client.user("u@x").path(), "users/u%40x/notes");
        assert_eq!(client.user("a/b").path(), "users/a%2Fb/notes");
        assert_eq!(
            client.site("c 1", "s?2").path(),
            "myOrganization/siteCollections/c%201/sites/s%3F2/notes"
        );
        assert_eq!(
            client.group("g#").path(),
            "myOrganization/groups/g%23/notes"
        );
    }

    #[test]
    fn clone_and_debug_need_no_bounds_on_the_marker() {
        let notes: crate::Notes<Me> = client().me();
        let copy = notes.clone();
        assert_eq!(copy.path(), "me/notes");
        let debug = format!("{copy:?}");
        assert!(
            debug.starts_with("Notes { path: \"me/notes\", location: \"onenote_api::")
                && debug.ends_with("::Me\" }"),
            "{debug}"
        );
        assert!(!debug.contains("secret-token"));
    }
}
