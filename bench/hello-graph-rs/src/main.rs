//! Compile-cost probe: lists the signed-in user's notebooks with graph-rs-sdk (Graph has no
//! class-notebook call; the notebooks list is the nearest).

use graph_rs_sdk::GraphClient;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("ONENOTE_TOKEN").unwrap_or_default();
    let client = GraphClient::new(token);
    let response = client.me().onenote().notebooks().list_notebooks().send().await?;
    let body: serde_json::Value = response.json().await?;
    for notebook in body["value"].as_array().into_iter().flatten() {
        println!("{}", notebook["displayName"].as_str().unwrap_or_default());
    }
    Ok(())
}
