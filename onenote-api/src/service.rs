//! Microsoft Graph as a second service: `Client::graph` gives a [`GraphService`], whose
//! location accessors (generated) give handles located on Graph (`Notes<Graph<Me>>`).
//!
//! A Graph handle's client asks for Graph tokens and sends to Graph's root; every request made
//! from it, and every poll and next page that request leads to, keeps that service. Both
//! services share the client's pacing budget (one per-user quota) and connection pool.

use std::fmt;
use std::marker::PhantomData;

use crate::Client;
use crate::auth::Audience;

/// Microsoft Graph's base URL, without the version (the spec's `api.graph.baseUrl`).
pub const GRAPH_BASE_URL: &str = "https://graph.microsoft.com";

/// A location on Microsoft Graph: `Graph<Me>` is `me/onenote/`, `Graph<Site>` is
/// `sites/{siteId}/onenote/`. Handles located on Graph have exactly the operations Graph
/// serves, answering in Graph's shapes (`GraphNotebook`): class notebooks and permissions,
/// which only onenote.com has, do not exist on them.
///
/// Never a value, only a name.
pub struct Graph<L> {
    never: std::convert::Infallible,
    location: PhantomData<fn() -> L>,
}

impl<L> fmt::Debug for Graph<L> {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.never {}
    }
}

/// Microsoft Graph's OneNote root, from [`Client::graph`]: its location accessors
/// (`me()`, `user(id)`, `group(id)`, `site(id)`) start every Graph path.
///
/// Cheap to clone; it shares the client's connection pool, token cache and pacing budget.
#[derive(Clone, Debug)]
pub struct GraphService {
    pub(crate) client: Client,
}

impl GraphService {
    /// The client Graph requests go through (its [`audience`](Client::audience) is
    /// [`Audience::Graph`]).
    pub fn client(&self) -> &Client {
        &self.client
    }
}

impl Client {
    /// Microsoft Graph (`https://graph.microsoft.com/{version}/{location}/onenote/`): the
    /// general OneNote API (notebooks, section groups, sections, pages, copies) with Graph
    /// tokens and Graph's shapes.
    ///
    /// ```no_run
    /// # async fn run(client: onenote_api::Client) -> onenote_api::Result<()> {
    /// let notebooks = client.graph().me().notebooks().list().send().await?;
    /// for notebook in &notebooks.value {
    ///     println!("{:?}", notebook.display_name);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn graph(&self) -> GraphService {
        GraphService {
            client: self.for_audience(Audience::Graph),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Audience, Client, Me, StaticToken};

    fn client() -> Client {
        Client::builder()
            .base_url("http://127.0.0.1:9/api")
            .graph_base_url("http://127.0.0.1:9")
            .token_provider(StaticToken::new("t"))
            .build()
            .unwrap()
    }

    #[test]
    fn graph_locations_build_graph_paths() {
        let graph = client().graph();
        let me: crate::Notes<crate::Graph<Me>> = graph.me();
        assert_eq!(me.path(), "me/onenote");
        assert_eq!(graph.user("u@x").path(), "users/u%40x/onenote");
        assert_eq!(graph.group("g 1").path(), "groups/g%201/onenote");
        assert_eq!(
            graph.site("contoso.sharepoint.com,1,2").path(),
            "sites/contoso.sharepoint.com%2C1%2C2/onenote"
        );
    }

    #[test]
    fn a_graph_handle_keeps_the_graph_service() {
        let client = client();
        assert_eq!(client.audience(), Audience::OneNote);
        let notebooks = client.graph().me().notebooks();
        assert_eq!(notebooks.client().audience(), Audience::Graph);
        assert_eq!(notebooks.client().base_url(), "http://127.0.0.1:9");
        assert_eq!(client.base_url(), "http://127.0.0.1:9/api");
        assert_eq!(
            format!("{notebooks:?}"),
            "Handle { resource: \"Notebooks\", location: \"Graph<Me>\", path: \"me/onenote/notebooks\" }"
        );
    }
}
