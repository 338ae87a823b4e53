//! Compile-cost probe: the hello-client call (list class notebooks) with bare reqwest + serde.

use serde::Deserialize;

#[derive(Deserialize)]
struct Page {
    value: Vec<ClassNotebook>,
}

#[derive(Deserialize)]
struct ClassNotebook {
    name: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    rustls::crypto::ring::default_provider()
        .install_default()
        .map_err(|_| "a rustls crypto provider is already installed")?;
    let token = std::env::var("ONENOTE_TOKEN").unwrap_or_default();
    let http = reqwest::Client::builder().build()?;
    let page: Page = http
        .get("https://www.onenote.com/api/v1.0/me/notes/classNotebooks")
        .bearer_auth(token)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    for notebook in page.value {
        println!("{}", notebook.name.unwrap_or_default());
    }
    Ok(())
}
