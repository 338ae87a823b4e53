//! The permissions endpoint does not support $expand: the builder has no `expand`.
fn main() {
    let client = onenote_api::Client::new(onenote_api::StaticToken::new("token")).unwrap();
    let _ = client.me().notebook("nb").permissions().list().expand(["x"]);
}
