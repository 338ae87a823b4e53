//! Transfer is asynchronous only: there is no `respond_async` to choose, `send` already polls.
fn main() {
    let client = onenote_api::Client::new(onenote_api::StaticToken::new("token")).unwrap();
    let body = onenote_api::ClassNotebookTransferBody::new(onenote_api::ClassNotebookTransfer::new(
        onenote_api::Principal::new("teacher1@contoso.com", onenote_api::PrincipalType::Person),
        onenote_api::Principal::new("teacher2@contoso.com", onenote_api::PrincipalType::Person),
        "Math 101",
    ));
    let _ = client.me().class_notebook("nb").transfer(body).respond_async();
}
