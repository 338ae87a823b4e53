//! Compile-cost probe: lists the signed-in user's class notebooks with `onenote-api`.

use onenote_api::{Client, StaticToken};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("ONENOTE_TOKEN").unwrap_or_default();
    let client = Client::new(StaticToken::new(token))?;
    let notebooks = client.me().class_notebooks().list().send().await?;
    for notebook in notebooks.value {
        println!("{}", notebook.name.unwrap_or_default());
    }
    Ok(())
}
