//! `onenote-fake`: runs the fake OneNote service until interrupted, for curl, Postman,
//! schemathesis or a client in any language.

fn main() {}
