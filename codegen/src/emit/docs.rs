//! Doc comments, and how they skip the layout: an emitter hands each doc block to [`Docs`],
//! which either writes it as `#[doc = " line"]` attributes ([`DocMode::Inline`], what
//! prettyplease prints as `/// line`) or keeps the text aside and writes one short placeholder
//! attribute ([`DocMode::Deferred`]); after layout, [`restore`] turns each placeholder line into
//! the block's `///` lines, byte for byte what the inline attributes would have printed.
//!
//! Why: doc text is most of what the generator emits, and every line of it was escaped into a
//! string literal, lexed and unescaped twice by syn, and unescaped again by prettyplease, only
//! to be printed as it was. A doc comment never changes the layout around it: prettyplease
//! prints it as one word between hard line breaks, so its length decides no break. The
//! reference pipeline (inline docs, one `prettyplease::unparse` per file) stays, and the tests
//! and the fuzz targets compare the two.

use std::cell::RefCell;

use proc_macro2::TokenStream;
use quote::quote;

/// How emit writes doc blocks: inline attributes, or placeholders whose text goes back in
/// after layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocMode {
    /// `#[doc = " line"]` attributes, one per line: the reference.
    Inline,
    /// One `#[doc = "#n"]` placeholder per block, the text kept to put back after layout.
    Deferred,
}

/// The doc blocks of one emitted piece, in the order they were made.
pub struct Docs {
    mode: DocMode,
    blocks: RefCell<Vec<String>>,
}

/// What a placeholder's value starts with. A doc line's own value always starts with a space
/// (or is empty), so a placeholder line cannot be mistaken for one.
const PLACEHOLDER: char = '#';

impl Docs {
    /// A collector writing blocks in `mode`.
    pub fn new(mode: DocMode) -> Self {
        Docs {
            mode,
            blocks: RefCell::new(Vec::new()),
        }
    }

    /// Outer doc attributes for `text` (nothing for empty text).
    pub fn outer(&self, text: &str) -> TokenStream {
        match self.mode {
            DocMode::Inline => {
                let lines = doc_lines(text);
                quote! { #(#[doc = #lines])* }
            }
            DocMode::Deferred => match self.defer(text) {
                Some(key) => quote! { #[doc = #key] },
                None => TokenStream::new(),
            },
        }
    }

    /// Inner doc attributes (`#![doc = …]`, a module's docs) for `text`.
    pub fn inner(&self, text: &str) -> TokenStream {
        match self.mode {
            DocMode::Inline => {
                let lines = doc_lines(text);
                quote! { #(#![doc = #lines])* }
            }
            DocMode::Deferred => match self.defer(text) {
                Some(key) => quote! { #![doc = #key] },
                None => TokenStream::new(),
            },
        }
    }

    /// Keeps `text` and returns its placeholder value, or `None` when it has no lines.
    fn defer(&self, text: &str) -> Option<String> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let mut blocks = self.blocks.borrow_mut();
        let key = format!("{PLACEHOLDER}{}", blocks.len());
        blocks.push(text.to_owned());
        Some(key)
    }

    /// The deferred blocks, for [`restore`].
    pub fn into_blocks(self) -> Vec<String> {
        self.blocks.into_inner()
    }
}

/// The values of a block's `#[doc]` attributes: each line with a leading space, an empty line
/// empty, trailing whitespace dropped.
fn doc_lines(text: &str) -> Vec<String> {
    lines(text).map(doc_value).collect()
}

/// The lines of a doc block, trimmed as a whole. A carriage return ends a line as a line feed
/// does: a `///` comment may not hold one (rustc: "bare CR not allowed in doc-comment"), so a
/// spec doc with one would otherwise make a file that does not compile.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    // `lines` ends a line at `\n` or `\r\n`; a `\r` left inside one ends a line too.
    text.trim().lines().flat_map(|line| line.split('\r'))
}

/// A doc line's value as its `#[doc]` attribute carries it (and `///` prints it): a leading
/// space, nothing for an empty line, trailing whitespace dropped.
pub fn doc_value(line: &str) -> String {
    let line = line.trim_end();
    if line.is_empty() {
        String::new()
    } else {
        format!(" {line}")
    }
}

/// Appends `laid_out` (prettyplease's output for code with placeholders) to `out`, with every
/// placeholder line replaced by its block: one `///` (or `//!`) line per line of the block, at
/// the placeholder's indentation, as prettyplease prints an inline doc attribute (the marker,
/// then the value with trailing spaces trimmed).
///
/// Fails on a placeholder that names no block: a generator bug.
pub fn restore(laid_out: &str, blocks: &[String], out: &mut String) -> Result<(), String> {
    for line in laid_out.split_inclusive('\n') {
        let code = line.trim_start_matches(' ');
        let indent = &line[..line.len() - code.len()];
        let found = ["///", "//!"].into_iter().find_map(|marker| {
            let key = code.strip_prefix(marker)?.strip_prefix(PLACEHOLDER)?;
            Some((marker, key.trim_end_matches('\n')))
        });
        let Some((marker, key)) = found else {
            out.push_str(line);
            continue;
        };
        let block = key
            .parse::<usize>()
            .ok()
            .and_then(|index| blocks.get(index))
            .ok_or_else(|| format!("doc placeholder `{marker}{PLACEHOLDER}{key}` names no doc"))?;
        for doc_line in lines(block) {
            out.push_str(indent);
            out.push_str(marker);
            out.push_str(doc_value(doc_line).trim_end_matches(' '));
            out.push('\n');
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_docs_are_one_attribute_per_line() {
        let docs = Docs::new(DocMode::Inline);
        assert_eq!(
            docs.outer("First.\n\n  Indented.  \n").to_string(),
            quote!(#[doc = " First."] #[doc = ""] #[doc = "   Indented."]).to_string()
        );
        assert!(docs.outer(" \n ").is_empty());
        assert!(docs.into_blocks().is_empty());
    }

    #[test]
    fn deferred_docs_are_one_placeholder_per_block() {
        let docs = Docs::new(DocMode::Deferred);
        assert_eq!(
            docs.outer("First.\n\nSecond.").to_string(),
            quote!(#[doc = "#0"]).to_string()
        );
        assert_eq!(
            docs.inner("Module.").to_string(),
            quote!(#![doc = "#1"]).to_string()
        );
        assert!(docs.outer("").is_empty());
        assert_eq!(docs.into_blocks(), ["First.\n\nSecond.", "Module."]);
    }

    #[test]
    fn restore_puts_each_block_at_its_placeholders_indentation() {
        let blocks = ["A field.\n\nMore.".to_owned(), "Module.".to_owned()];
        let mut out = String::new();
        restore(
            "//!#1\nstruct S {\n    ///#0\n    a: u8,\n}\n",
            &blocks,
            &mut out,
        )
        .unwrap();
        assert_eq!(
            out,
            "//! Module.\nstruct S {\n    /// A field.\n    ///\n    /// More.\n    a: u8,\n}\n"
        );
    }

    #[test]
    fn restore_refuses_a_placeholder_without_a_block() {
        let mut out = String::new();
        assert_eq!(
            restore("///#3\n", &[], &mut out),
            Err("doc placeholder `///#3` names no doc".to_owned())
        );
    }

    #[test]
    fn a_carriage_return_ends_a_doc_line() {
        let docs = Docs::new(DocMode::Inline);
        assert_eq!(
            docs.outer("a\rb\r\nc\n").to_string(),
            quote!(#[doc = " a"] #[doc = " b"] #[doc = " c"]).to_string()
        );
        let mut out = String::new();
        restore("///#0\n", &["a\rb".to_owned()], &mut out).unwrap();
        assert_eq!(out, "/// a\n/// b\n");
    }

    #[test]
    fn real_doc_lines_are_left_alone() {
        let mut out = String::new();
        restore("/// #0 is a fine doc\n///\n", &[], &mut out).unwrap();
        assert_eq!(out, "/// #0 is a fine doc\n///\n");
    }
}
