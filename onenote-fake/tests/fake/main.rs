//! The fake's behaviour, end to end over HTTP: one test binary, one module per area.

mod routes;
mod support;
mod term_of_a_class;
