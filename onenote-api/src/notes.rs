//! `Notes<L>`: the notes root of one location (`me/notes`, `users/{id}/notes`, …), and the
//! `Location` trait that types handles by their location, so location-only operations exist
//! only where the service offers them.

use crate::handle::Handle;

/// A location kind (`Me`, `User`, `Site`, `Group`), implemented by the generated marker types.
pub trait Location {
    /// A short name for the location (`"me"`, `"user"`, …).
    const KEY: &'static str;
}

/// The notes root of one location: the start of every notebook, class-notebook, page and
/// permission path there. Get one from a location accessor of [`Client`](crate::Client)
/// (`client.me()`).
///
/// A handle: cheap to clone, and it sends nothing by itself.
pub type Notes<L> = Handle<NotesRoot, L>;

/// Names the notes root in [`Handle`]: `Handle<NotesRoot, L>` is [`Notes<L>`].
pub enum NotesRoot {}

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
    fn clone_and_debug_need_no_bounds_on_the_markers() {
        let notes: crate::Notes<Me> = client().me();
        let copy = notes.clone();
        assert_eq!(copy.path(), "me/notes");
        let debug = format!("{copy:?}");
        assert_eq!(
            debug,
            "Handle { resource: \"NotesRoot\", location: \"Me\", path: \"me/notes\" }"
        );
        assert!(!debug.contains("secret-token"));
        let notebook = format!("{:?}", client().me().class_notebook("1-b6"));
        assert_eq!(
            notebook,
            "Handle { resource: \"ClassNotebook\", location: \"Me\", path: \
             \"me/notes/classNotebooks/1-b6\" }"
        );
    }
}
