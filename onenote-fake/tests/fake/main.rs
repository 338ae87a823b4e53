//! The fake's behaviour, end to end over HTTP: one test binary (one link), one module per area.

mod async_operations;
mod auth;
mod binary;
mod class_notebooks;
mod conformance;
mod faults;
mod graph;
mod harness;
mod hostile_input;
mod identity;
mod limits;
mod module_layers;
mod notebooks_and_pages;
mod odata;
mod page_creation_and_copies;
mod permissions;
mod request_journal;
mod routes;
mod rules;
mod seeding;
mod tables;
mod term_of_a_class;
mod throttling;
