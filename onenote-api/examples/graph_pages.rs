//! The general OneNote API through Microsoft Graph: list notebooks, make a notebook and a
//! section, add a page from HTML, list and read pages, copy the section and wait for the copy,
//! all with Graph's names (`displayName`, `createdDateTime`) and a Graph token.
//!
//! ```sh
//! cargo run -p onenote-api --example graph_pages
//! ```
//!
//! It runs against an in-process fake (which serves Graph's root too) unless `GRAPH_TOKEN` is
//! set: then against `https://graph.microsoft.com` at `me`, with that delegated Microsoft
//! Graph token (`Notes.ReadWrite`).

use std::error::Error;

use onenote_api::{
    Audience, Client, GraphCopySection, GraphCreateNotebook, GraphCreateSection, PageContent,
    StaticToken,
};
use onenote_fake::FakeOneNote;

type Result<T = ()> = std::result::Result<T, Box<dyn Error>>;

#[tokio::main]
async fn main() -> Result {
    println!("onenote-api example: Microsoft Graph pages");
    // Kept alive for the run: the fake stops when dropped.
    let (client, _fake) = match std::env::var("GRAPH_TOKEN") {
        Ok(token) if !token.is_empty() => {
            let tokens = StaticToken::for_audience(Audience::Graph, token);
            (Client::new(tokens)?, None)
        }
        _ => {
            let fake = FakeOneNote::builder().start().await?;
            println!(
                "  against  the in-process fake's Graph root at {}/v1.0/ (set GRAPH_TOKEN for Microsoft Graph)",
                fake.graph_base_url()
            );
            (fake.client_for("teacher1@contoso.com")?, Some(fake))
        }
    };
    run(&client).await
}

async fn run(client: &Client) -> Result {
    let me = client.graph().me();

    let notebooks = me.notebooks().list().orderby("displayName").send().await?;
    println!("  {} notebooks", notebooks.value.len());
    for notebook in &notebooks.value {
        println!("    {}", notebook.display_name.as_deref().unwrap_or("?"));
    }

    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let notebook = me
        .notebooks()
        .create(GraphCreateNotebook::new(format!("Graph example {stamp}")))
        .send()
        .await?;
    let notebook_id = notebook.id.clone().unwrap_or_default();
    let created_by = notebook
        .created_by
        .as_ref()
        .and_then(|by| by.user.as_ref())
        .and_then(|user| user.display_name.as_deref())
        .unwrap_or("?");
    println!(
        "  created notebook {:?} ({notebook_id}) by {created_by}",
        notebook.display_name.as_deref().unwrap_or("?")
    );

    let section = me
        .notebook(&notebook_id)
        .sections()
        .create(GraphCreateSection::new("Week 1"))
        .send()
        .await?;
    let section_id = section.id.clone().unwrap_or_default();
    println!("  created section {section_id}");

    let html = "<!DOCTYPE html><html><head><title>Kinematics</title></head>\
                <body><p>v = u + at</p></body></html>";
    let page = me
        .section(&section_id)
        .pages()
        .create(PageContent::html(html))
        .send()
        .await?;
    let page_id = page.id.clone().unwrap_or_default();
    println!(
        "  created page {:?} at {}",
        page.title.as_deref().unwrap_or("?"),
        page.created_date_time
            .map(|t| t.to_string())
            .unwrap_or_default()
    );

    let pages = me.section(&section_id).pages().list().send().await?;
    println!("  the section has {} page(s)", pages.value.len());
    let content = me.page(&page_id).content().send().await?;
    println!("  page content: {} bytes of HTML", content.len());

    let copy = me
        .section(&section_id)
        .copy_to_notebook(GraphCopySection::new(&notebook_id).with_rename_as("Week 1 (copy)"))
        .send()
        .await?;
    println!("  copy accepted: polling {}", copy.location());
    let done = copy.wait().await?;
    println!(
        "  copy {:?}: section {}",
        done.status,
        done.resource_id.as_deref().unwrap_or("?")
    );
    Ok(())
}
