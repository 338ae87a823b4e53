//! UpdateMembership exists only for unified groups: calling it on `me` must not compile.
fn main() {
    let client = onenote_api::Client::new(onenote_api::StaticToken::new("token")).unwrap();
    let _ = client.me().class_notebooks().update_membership();
}
