//! `Handle<R, L>`: a navigation handle: the encoded path of resource `R` at location `L`.
//! Every generated resource handle (`ClassNotebookResource<L>`) and the notes root
//! ([`Notes<L>`](crate::Notes)) is one; generated code only adds the accessors and operations.

use std::fmt;
use std::marker::PhantomData;

use crate::Client;

/// A place in the API: the encoded path of resource `R` (a marker from
/// [`resource`](crate::resource), or [`NotesRoot`](crate::NotesRoot)) under location `L`
/// ([`Location`](crate::Location)).
///
/// Cheap to clone, and it sends nothing by itself: its methods reach the resources below it
/// and make the requests it supports. Operations the service limits to some locations are
/// methods only of handles of those locations, so calling one elsewhere does not compile.
pub struct Handle<R, L> {
    pub(crate) client: Client,
    pub(crate) path: String,
    marker: PhantomData<fn() -> (R, L)>,
}

impl<R, L> Handle<R, L> {
    /// A handle for `path` (encoded, relative to the version root).
    pub(crate) fn new(client: Client, path: String) -> Self {
        Self {
            client,
            path,
            marker: PhantomData,
        }
    }

    /// The encoded path, relative to the API version root (`me/notes/classNotebooks/1-b6`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The client requests from this handle go through.
    pub fn client(&self) -> &Client {
        &self.client
    }
}

// Manual impls: derives would require `R` and `L` to be `Clone` / `Debug`, and they are
// only markers.
impl<R, L> Clone for Handle<R, L> {
    fn clone(&self) -> Self {
        Self::new(self.client.clone(), self.path.clone())
    }
}

impl<R, L> fmt::Debug for Handle<R, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("resource", &short_name::<R>())
            .field("location", &short_name::<L>())
            .field("path", &self.path)
            .finish()
    }
}

/// A type's name without module paths, its parameters' too (`ClassNotebook`, `Me`,
/// `Graph<Me>`).
fn short_name<T>() -> String {
    let mut short = String::new();
    // Where the current path began in `short`: a `::` drops everything since.
    let mut path_start = 0;
    let mut chars = std::any::type_name::<T>().chars().peekable();
    while let Some(c) = chars.next() {
        if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            short.truncate(path_start);
        } else {
            short.push(c);
            if !(c.is_alphanumeric() || c == '_') {
                path_start = short.len();
            }
        }
    }
    short
}
