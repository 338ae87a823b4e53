//! UpdateMembership exists only for unified groups: calling it on another user must not compile.
fn main() {
    let client = onenote_api::Client::new(onenote_api::StaticToken::new("token")).unwrap();
    let _ = client.user("teacher1@contoso.com").class_notebooks().update_membership();
}
